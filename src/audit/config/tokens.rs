//! One configuration line cut the way Mosquitto 2.0.11 cuts it (`src/conf.c`,
//! `config__read_file_core`, lines 751-757): a line whose first byte is `#`, CR or LF is
//! skipped; trailing CR/LF are removed; the name is the first run of bytes up to a space —
//! only a space, so a tab is part of the name (an unknown option) or of the value; an indented
//! `#` is not a comment but an option named `#…`.

/// What a line holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// Nothing Mosquitto reads: empty, blanks only, or `#` in the first column.
    Skip,
    /// The option's name and everything after the space that ends it.
    Option { name: &'a str, rest: &'a str },
}

/// Cuts `raw` (one line without its `\n`).
pub fn line(raw: &str) -> Line<'_> {
    if raw.starts_with(['#', '\r', '\n']) || raw.is_empty() {
        return Line::Skip;
    }
    let text = raw.trim_end_matches(['\r', '\n']);
    // strtok_r(buf, " "): leading spaces are skipped, then the name runs to the next space.
    let text = text.trim_start_matches(' ');
    if text.is_empty() {
        return Line::Skip;
    }
    match text.split_once(' ') {
        Some((name, rest)) => Line::Option { name, rest },
        None => Line::Option {
            name: text,
            rest: "",
        },
    }
}

/// The next space-separated word of `rest` (`strtok_r(NULL, " ")`), and what follows it.
pub fn word(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.trim_start_matches(' ');
    if rest.is_empty() {
        return None;
    }
    Some(rest.split_once(' ').unwrap_or((rest, "")))
}

/// The rest of the line as `conf__parse_string` takes it: `misc__trimblanks` (isspace at both
/// ends; lib/misc_mosq.c:135). A trailing `# comment` stays part of the value.
pub fn text(rest: &str) -> Option<&str> {
    let t = rest.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}');
    (!t.is_empty()).then_some(t)
}

/// A boolean as `conf__parse_bool` accepts it (conf.c:2309-2325).
pub fn boolean(word: &str) -> Option<bool> {
    match word {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// C's `atoi`: leading blanks, a sign, digits; anything else ends the number (0 when none).
pub fn atoi(word: &str) -> i64 {
    let t = word.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let mut n: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    sign * n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_mosquitto_cuts_them() {
        assert_eq!(line("# c"), Line::Skip);
        assert_eq!(line("   "), Line::Skip);
        assert_eq!(line("\r"), Line::Skip);
        assert_eq!(
            line("  allow_anonymous true   # c\r"),
            Line::Option {
                name: "allow_anonymous",
                rest: "true   # c"
            }
        );
        assert_eq!(
            line("  # indented"),
            Line::Option {
                name: "#",
                rest: "indented"
            }
        );
        assert_eq!(
            line("allow_anonymous\ttrue"),
            Line::Option {
                name: "allow_anonymous\ttrue",
                rest: ""
            }
        );
        assert_eq!(word("  true # c"), Some(("true", "# c")));
        assert_eq!(boolean("True"), None);
        assert_eq!(boolean("1"), Some(true));
        assert_eq!(text("  /etc/acl # c \t"), Some("/etc/acl # c"));
        assert_eq!(atoi("19161#"), 19161);
        assert_eq!(atoi("x"), 0);
    }
}
