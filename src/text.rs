//! Showing untrusted text — ids and texts from a scenario, names and commands from a replay
//! log — on a terminal or in Markdown. Control characters are escaped, so a file cannot move
//! the cursor, erase a line, change colours or reorder what follows; and long values are
//! shortened, so one huge string cannot flood the output.
//!
//! Front-ends call these where they print; the scenario checker uses [`quoted`] when a
//! message repeats something found in the file.

use std::borrow::Cow;

/// Characters of an echoed value shown before it is cut with `…`.
pub const SHOWN_CHARS: usize = 80;

/// Whether a terminal (or a Markdown viewer) could act on `c` rather than show it: C0 controls
/// (tab and newline aside), DEL, C1 controls, and the bidirectional embeddings, overrides and
/// isolates that reorder the text after them.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character (see [`is_unsafe`]) written as `\u{…}`; tabs and newlines
/// are kept, so multi-line text stays multi-line.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_where(s, is_unsafe)
}

/// `s` on one line: like [`escape`], with newlines and tabs escaped too.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| is_unsafe(c) || c == '\n' || c == '\t' || c == '\r')
}

fn escape_where(s: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` on one line, escaped, and cut to at most `max` characters (counting the `…` that marks
/// the cut) of the escaped text.
pub fn shorten(s: &str, max: usize) -> String {
    // Only what can be shown is looked at (and one more character, to know whether to cut).
    let head: String = s.chars().take(max.saturating_add(1)).collect();
    let escaped = escape_line(&head);
    if head.len() == s.len() && escaped.chars().count() <= max {
        return escaped.into_owned();
    }
    let mut out: String = escaped.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An untrusted value as a message repeats it: on one line, escaped, shortened to
/// [`SHOWN_CHARS`], in backquotes.
pub fn quoted(s: &str) -> String {
    format!("`{}`", shorten(s, SHOWN_CHARS))
}

/// A decoder's message in the user's terms: `tuple variant RawCommand::Answer` becomes
/// `Answer`, `struct JoinBody` an object, `enum Lang` a value; the rest is kept.
pub fn plain_type_names(message: &str) -> String {
    let mut text = message
        .replace("tuple variant ", "")
        .replace("struct variant ", "")
        .replace("unit variant ", "");
    for (word, plain) in [
        ("struct ", "a JSON object"),
        ("enum ", "one of the allowed values"),
    ] {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(word) {
            let after = &rest[at + word.len()..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let preceded = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric());
            if preceded && after.starts_with(|c: char| c.is_ascii_uppercase()) {
                out.push_str(&rest[..at]);
                out.push_str(plain);
                rest = &after[name_len..];
            } else {
                out.push_str(&rest[..at + word.len()]);
                rest = after;
            }
        }
        out.push_str(rest);
        text = out;
    }
    // `Type::Variant`: the variant alone.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("::") {
        let before = &rest[..at];
        let word = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + c_len(before, i));
        let is_type = before[word..].starts_with(|c: char| c.is_ascii_uppercase())
            && rest[at + 2..].starts_with(|c: char| c.is_ascii_uppercase());
        if is_type {
            out.push_str(&before[..word]);
        } else {
            out.push_str(&rest[..at + 2]);
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// The length of the character at byte `i` of `s`.
fn c_len(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_names_become_plain_words() {
        use super::plain_type_names as p;
        assert_eq!(
            p("invalid length 1, expected tuple variant RawCommand::Answer with 2 elements"),
            "invalid length 1, expected Answer with 2 elements"
        );
        assert_eq!(
            p("invalid type: string \"Act\", expected struct CommandBody at line 1"),
            "invalid type: string \"Act\", expected a JSON object at line 1"
        );
        assert_eq!(
            p("unknown variant, expected enum Lang"),
            "unknown variant, expected one of the allowed values"
        );
        // A user's own text with colons or the word struct stays as it is.
        assert_eq!(p("c:: unknown field `a::b`"), "c:: unknown field `a::b`");
        assert_eq!(p("construct X"), "construct X");
    }

    use super::*;

    #[test]
    fn plain_text_is_kept() {
        assert!(matches!(escape("pc-01 端末\n\tok"), Cow::Borrowed(_)));
        assert_eq!(quoted("pc-01"), "`pc-01`");
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\x1b[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(
            escape("x\u{9b}y\u{202e}z\u{7f}"),
            "x\\u{9b}y\\u{202e}z\\u{7f}"
        );
        assert_eq!(escape("line\nnext"), "line\nnext");
        assert_eq!(escape_line("line\nnext\r"), "line\\u{a}next\\u{d}");
    }

    #[test]
    fn shortens_long_values() {
        let long = "x".repeat(10_000_000);
        let shown = quoted(&long);
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 2);
        assert!(shown.ends_with("…`"));
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
        assert_eq!(shorten("\x1b\x1b", 3), "\\u…");
    }
}
