//! Text that comes from files — certificate subjects, PSK identities, paths, parser messages —
//! shown to a person. Whoever wrote the file chose those bytes: a newline would forge table rows
//! or lines of output, an escape sequence would drive the terminal, a bidirectional override
//! would reorder what is read. So they are shown escaped; JSON output keeps them exact.

use std::borrow::Cow;

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with control and bidirectional-override characters written as escapes (`\n`,
/// `\x1b`, `\u{202e}`).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_what_drives_a_terminal() {
        assert_eq!(escape("sensor-1"), "sensor-1");
        assert_eq!(escape("a\nb"), "a\\nb");
        assert_eq!(escape("\x1b[31mred"), "\\x1b[31mred");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("\u{9b}"), "\\x9b");
        assert_eq!(escape("Zoë"), "Zoë");
    }
}
