//! Enums a user picks by name — on the command line or in a manifest — with the spelling and
//! one-line help of each value, declared once next to the enum itself.
//!
//! The command line builds its value parsers from this (clap stays out of the library), so the
//! domain types are used directly instead of command-line copies converted with `From`.

/// An enum chosen by name.
pub trait Choice: Copy + PartialEq + Send + Sync + 'static {
    /// Every value, in the order help lists them.
    const ALL: &'static [Self];

    /// The spelling users type.
    fn id(self) -> &'static str;

    /// One line for `--help`.
    fn help(self) -> &'static str {
        ""
    }

    /// The value spelled `id` (case-insensitive, `-` and `_` ignored).
    fn from_id(id: &str) -> Option<Self> {
        let wanted = normalise(id);
        Self::ALL
            .iter()
            .copied()
            .find(|c| normalise(c.id()) == wanted)
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
