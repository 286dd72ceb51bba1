//! Small drawing helpers shared by the screens: wrapping and fitting text by display width
//! (Japanese characters take two cells), popups, scrolled text and the key-hint line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

/// Style of titles and headings.
pub fn heading() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// Style of the selected row.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Style of secondary text.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// Style of warnings and refusals.
pub fn warn() -> Style {
    Style::new().fg(Color::Red)
}

/// Style of things that need attention.
pub fn notice() -> Style {
    Style::new().fg(Color::Yellow)
}

/// Style of good news.
pub fn good() -> Style {
    Style::new().fg(Color::Green)
}

/// Display width of a string.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `max` cells, ending in `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Wraps `text` to lines of at most `max` cells by the Unicode line-breaking rules: at spaces
/// between words, between Japanese characters but never before closing punctuation, and at
/// every `\n`. A line's leading spaces, and its bullet, indent the lines it wraps into.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let rest = para.trim_start_matches(' ');
        let mut hang = " ".repeat(para.len() - rest.len());
        if let Some(bullet) = ["• ", "◆ ", "- "].iter().find(|b| rest.starts_with(**b)) {
            hang.push_str(&" ".repeat(width(bullet)));
        }
        if width(&hang) * 2 >= max {
            hang.clear();
        }
        let options = textwrap::Options::new(max)
            .word_separator(textwrap::WordSeparator::UnicodeBreakProperties)
            .subsequent_indent(&hang);
        let wrapped = textwrap::wrap(para, options);
        if wrapped.is_empty() {
            lines.push(String::new());
        }
        lines.extend(wrapped.into_iter().map(|l| l.trim_end().to_owned()));
    }
    lines
}

/// Wrapped lines of `text`, each styled `style` and indented by `indent` spaces.
pub fn para(text: &str, max: usize, indent: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, max.saturating_sub(indent))
        .into_iter()
        .map(|l| Line::from(Span::styled(format!("{}{l}", " ".repeat(indent)), style)))
        .collect()
}

/// An empty paragraph of a text window.
pub fn blank() -> (String, Style) {
    (String::new(), Style::new())
}

/// A paragraph of a text window in the plain style.
pub fn plain(text: impl Into<String>) -> (String, Style) {
    (text.into(), Style::new())
}

/// A rectangle of at most `w`×`h` cells centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears `area` and draws a bordered popup titled `title`; returns the inside.
pub fn popup(frame: &mut Frame, area: Rect, title: &str, footer: Option<Line<'static>>) -> Rect {
    frame.render_widget(Clear, area);
    // A wide character just left of the popup would cover its left border on a terminal
    // (the second half of the character is where the border goes): blank it.
    if area.x > 0 {
        let buf = frame.buffer_mut();
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(area.x - 1, y)];
            if width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    let mut block = Block::bordered().title(Line::styled(format!(" {title} "), heading()));
    if let Some(footer) = footer {
        block = block.title_bottom(footer);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Draws `lines` in `area` from line `*scroll`, clamping `*scroll` so the last line stays at
/// the bottom; marks the corner when more lies below.
pub fn scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, scroll: &mut u16) {
    let total = lines.len() as u16;
    let max = total.saturating_sub(area.height);
    *scroll = (*scroll).min(max);
    let more = *scroll < max;
    frame.render_widget(Paragraph::new(lines).scroll((*scroll, 0)), area);
    if more && area.height > 0 && area.width > 2 {
        let mark = Rect {
            x: area.x + area.width - 1,
            y: area.y + area.height - 1,
            width: 1,
            height: 1,
        };
        frame.render_widget(Span::styled("↓", notice()), mark);
    }
}

/// A line of key hints: `[("a", "act"), …]`.
pub fn keys(pairs: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (key, what)) in pairs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled((*key).to_owned(), heading().fg(Color::Cyan)));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}

/// The first row to show so that row `cursor` is visible in a window of `height` rows.
pub fn window_start(cursor: usize, height: usize, total: usize) -> usize {
    if height == 0 || total <= height {
        return 0;
    }
    let start = cursor.saturating_sub(height / 2);
    start.min(total - height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_english_at_spaces() {
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn wraps_japanese_anywhere_but_before_closing_punctuation() {
        let lines = wrap("あいうえお。かきくけこ", 10);
        assert_eq!(lines, vec!["あいうえ", "お。かきく", "けこ"]);
        assert!(lines.iter().all(|l| width(l) <= 10));
    }

    #[test]
    fn splits_words_longer_than_a_line() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wrapped_lines_keep_the_indent_of_the_first() {
        assert_eq!(
            wrap("   one two three four", 12),
            vec!["   one two", "   three", "   four"]
        );
    }

    #[test]
    fn wrapped_bullets_hang_under_their_text() {
        assert_eq!(wrap("• one two three", 10), vec!["• one two", "  three"]);
    }

    #[test]
    fn keeps_hard_breaks_and_empty_lines() {
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
    }

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(fit("short", 10), "short");
    }

    #[test]
    fn windows_keep_the_cursor_visible() {
        assert_eq!(window_start(0, 5, 20), 0);
        assert_eq!(window_start(10, 5, 20), 8);
        assert_eq!(window_start(19, 5, 20), 15);
        assert_eq!(window_start(3, 5, 4), 0);
    }
}
