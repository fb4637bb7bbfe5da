//! Numbered name templates such as `device-{n:04}`, used to issue batches.

use super::{MAX_BATCH, NameError, is_name_char, validate};
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("template {template:?} has no {{n}} placeholder, so every name would be the same")]
    NoPlaceholder { template: String },
    #[error(
        "template {template:?}: unsupported placeholder {found:?}; use {{n}} or {{n:0W}} (zero-padded to W digits)"
    )]
    BadPlaceholder { template: String, found: String },
    #[error("template {template:?}: {source}")]
    BadName {
        template: String,
        #[source]
        source: NameError,
    },
    #[error(
        "template {template:?}: {count} names are more than the {MAX_BATCH} one batch or manifest may hold"
    )]
    TooMany { template: String, count: u64 },
    #[error("template {template:?}: the range {start}..{start}+{count} overflows")]
    Overflow {
        template: String,
        start: u64,
        count: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Number { width: usize },
}

/// A parsed template: literal text with one or more `{n}` / `{n:0W}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameTemplate {
    source: String,
    parts: Vec<Part>,
}

const MAX_WIDTH: usize = 20;

impl NameTemplate {
    pub fn parse(template: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let after = &rest[open..];
            let close = after
                .find('}')
                .ok_or_else(|| TemplateError::BadPlaceholder {
                    template: template.to_string(),
                    found: after.to_string(),
                })?;
            let inner = &after[1..close];
            parts.push(Part::Number {
                width: parse_placeholder(inner).ok_or_else(|| TemplateError::BadPlaceholder {
                    template: template.to_string(),
                    found: after[..=close].to_string(),
                })?,
            });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Number { .. })) {
            return Err(TemplateError::NoPlaceholder {
                template: template.to_string(),
            });
        }
        let bad_literal = parts.iter().find_map(|p| match p {
            Part::Literal(text) => text.chars().find(|c| !is_name_char(*c)).map(|_| text),
            Part::Number { .. } => None,
        });
        if let Some(text) = bad_literal {
            // Let the name validator describe the offending character.
            let source = validate(text).err().unwrap_or(NameError::Empty);
            return Err(TemplateError::BadName {
                template: template.to_string(),
                source,
            });
        }
        Ok(NameTemplate {
            source: template.to_string(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn render(&self, n: u64) -> String {
        let mut out = String::with_capacity(self.source.len() + 8);
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Number { width } => {
                    let _ = write!(out, "{n:0width$}");
                }
            }
        }
        out
    }

    /// Appends the name for `n` to `out`, for callers rendering millions without allocating.
    pub fn render_into(&self, out: &mut Vec<u8>, n: u64) {
        use std::io::Write as _;
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.extend_from_slice(text.as_bytes()),
                Part::Number { width } => {
                    let _ = write!(out, "{n:0width$}");
                }
            }
        }
    }

    /// Checks the names `start..start+count` would have, without rendering them all: valid and
    /// unique by construction, so only the shortest and longest need a look.
    pub fn check_range(&self, start: u64, count: u64) -> Result<(), TemplateError> {
        if count > MAX_BATCH {
            return Err(TemplateError::TooMany {
                template: self.source.clone(),
                count,
            });
        }
        let end = start
            .checked_add(count)
            .ok_or_else(|| TemplateError::Overflow {
                template: self.source.clone(),
                start,
                count,
            })?;
        if count > 0 {
            for probe in [start, end - 1] {
                validate(&self.render(probe)).map_err(|source| TemplateError::BadName {
                    template: self.source.clone(),
                    source,
                })?;
            }
        }
        Ok(())
    }

    /// Renders `count` names starting at `start`. Zero-padded decimal numbers are distinct for
    /// distinct `n`, so the names are unique; the longest (last) name is checked for length.
    pub fn expand(&self, start: u64, count: u64) -> Result<Vec<String>, TemplateError> {
        self.check_range(start, count)?;
        let len = usize::try_from(count).map_err(|_| TemplateError::Overflow {
            template: self.source.clone(),
            start,
            count,
        })?;
        let mut names = Vec::with_capacity(len);
        names.extend((start..start + count).map(|n| self.render(n)));
        Ok(names)
    }
}

fn parse_placeholder(inner: &str) -> Option<usize> {
    match inner {
        "n" => Some(0),
        _ => {
            let spec = inner.strip_prefix("n:0")?;
            let width: usize = spec.parse().ok()?;
            (spec.chars().all(|c| c.is_ascii_digit()) && width <= MAX_WIDTH).then_some(width)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_padded_numbers() {
        let t = NameTemplate::parse("device-{n:04}").unwrap();
        assert_eq!(t.render(7), "device-0007");
        assert_eq!(t.render(12345), "device-12345");
        let t = NameTemplate::parse("{n}.sensor").unwrap();
        assert_eq!(t.render(3), "3.sensor");
        assert_eq!(
            NameTemplate::parse("x{n:02}-y{n}")
                .unwrap()
                .expand(9, 2)
                .unwrap(),
            vec!["x09-y9", "x10-y10"]
        );
    }

    #[test]
    fn refuses_bad_templates() {
        for bad in [
            "device",
            "dev-{n:4}",
            "dev-{m}",
            "dev-{n",
            "dev/{n}",
            "dev {n}",
            "dev-{n:0x}",
        ] {
            assert!(NameTemplate::parse(bad).is_err(), "{bad}");
        }
        let t = NameTemplate::parse(".d{n}").unwrap();
        assert!(t.expand(1, 1).is_err());
        let t = NameTemplate::parse("d{n}").unwrap();
        assert!(t.expand(u64::MAX, 2).is_err());
    }
}
