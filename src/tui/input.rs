//! Keys from the terminal's bytes. On Unix, `play` reads standard input itself rather than
//! through crossterm's event reader: that reader waits for the end of any sequence it has
//! begun, so the bytes `ESC [ ?` froze the screen until a `c` or `u` arrived, whatever the
//! trainee typed. Here the bytes go through `vte`'s ECMA-48 state machine, in which a control
//! sequence ends at its first final byte, `ESC` starts a new one and `CAN`/`SUB` abort it; and a
//! Ctrl-C byte is a key wherever it comes, so it always reaches the UI.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Turns terminal input bytes into key presses, across reads.
pub struct Decoder {
    parser: vte::Parser,
    keys: Keys,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder in the ground state.
    pub fn new() -> Self {
        Self {
            parser: vte::Parser::new(),
            keys: Keys::default(),
        }
    }

    /// The keys in `bytes`, one read's worth. A read that ends with a lone `ESC` is the Esc
    /// key (a terminal sends an escape sequence in one write).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<KeyEvent> {
        let (bytes, lone_escape) = match bytes.split_last() {
            Some((0x1b, rest)) => (rest, true),
            _ => (bytes, false),
        };
        // Ctrl-C is never part of a sequence: it is a key wherever it comes, and whatever was
        // begun before it is dropped (vte would swallow it inside a string sequence).
        for (i, part) in bytes.split(|&b| b == 0x03).enumerate() {
            if i > 0 {
                self.parser = vte::Parser::new();
                self.keys.ss3 = false;
                self.keys
                    .out
                    .push(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
            }
            self.parser.advance(&mut self.keys, part);
        }
        if lone_escape {
            self.parser = vte::Parser::new();
            self.keys.ss3 = false;
            self.keys.out.push(key(KeyCode::Esc));
        }
        std::mem::take(&mut self.keys.out)
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// vte's performer: collects keys.
#[derive(Default)]
struct Keys {
    out: Vec<KeyEvent>,
    /// `ESC O` was seen: the next printed character names a key (SS3, as some terminals send
    /// the arrows).
    ss3: bool,
}

impl Keys {
    fn arrow_or_edit(c: char) -> Option<KeyCode> {
        Some(match c {
            'A' => KeyCode::Up,
            'B' => KeyCode::Down,
            'C' => KeyCode::Right,
            'D' => KeyCode::Left,
            'H' => KeyCode::Home,
            'F' => KeyCode::End,
            'Z' => KeyCode::BackTab,
            'M' => KeyCode::Enter,
            _ => return None,
        })
    }
}

impl vte::Perform for Keys {
    fn print(&mut self, c: char) {
        if std::mem::take(&mut self.ss3) {
            if let Some(code) = Self::arrow_or_edit(c) {
                self.out.push(key(code));
            }
            return;
        }
        match c {
            '\u{7f}' => self.out.push(key(KeyCode::Backspace)),
            c if c.is_control() => {}
            c => self.out.push(key(KeyCode::Char(c))),
        }
    }

    fn execute(&mut self, byte: u8) {
        self.ss3 = false;
        let code = match byte {
            b'\r' | b'\n' => KeyCode::Enter,
            b'\t' => KeyCode::Tab,
            0x08 | 0x7f => KeyCode::Backspace,
            0x01..=0x1a => {
                let letter = char::from(b'a' + byte - 1);
                self.out
                    .push(KeyEvent::new(KeyCode::Char(letter), KeyModifiers::CONTROL));
                return;
            }
            _ => return,
        };
        self.out.push(key(code));
    }

    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        ignore: bool,
        action: char,
    ) {
        self.ss3 = false;
        // Private sequences (`ESC [ ? …`, `ESC [ < …`) are terminal reports, not keys.
        if ignore || !intermediates.is_empty() {
            return;
        }
        let first = params.iter().next().and_then(|p| p.first().copied());
        let code = match (action, first) {
            ('~', Some(1 | 7)) => KeyCode::Home,
            ('~', Some(4 | 8)) => KeyCode::End,
            ('~', Some(3)) => KeyCode::Delete,
            ('~', Some(5)) => KeyCode::PageUp,
            ('~', Some(6)) => KeyCode::PageDown,
            ('~', _) => return,
            (c, _) => match Self::arrow_or_edit(c) {
                Some(code) => code,
                None => return,
            },
        };
        self.out.push(key(code));
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        self.ss3 = intermediates.is_empty() && byte == b'O';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(decoder: &mut Decoder, bytes: &[u8]) -> Vec<KeyCode> {
        decoder.feed(bytes).into_iter().map(|k| k.code).collect()
    }

    #[test]
    fn reads_characters_and_control_keys() {
        let mut d = Decoder::new();
        assert_eq!(
            codes(&mut d, "aé日\r\t\x7f".as_bytes()),
            [
                KeyCode::Char('a'),
                KeyCode::Char('é'),
                KeyCode::Char('日'),
                KeyCode::Enter,
                KeyCode::Tab,
                KeyCode::Backspace
            ]
        );
        assert_eq!(codes(&mut d, b"\x1b"), [KeyCode::Esc]);
        let ctrl_c = d.feed(b"\x03");
        assert_eq!(ctrl_c[0].code, KeyCode::Char('c'));
        assert!(ctrl_c[0].modifiers.contains(KeyModifiers::CONTROL));
    }

    #[test]
    fn reads_arrows_and_editing_keys() {
        let mut d = Decoder::new();
        assert_eq!(
            codes(
                &mut d,
                b"\x1b[A\x1bOB\x1b[C\x1b[D\x1b[5~\x1b[6~\x1b[H\x1b[4~\x1b[3~\x1b[Z"
            ),
            [
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Right,
                KeyCode::Left,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::Delete,
                KeyCode::BackTab
            ]
        );
        // A sequence split over two reads.
        assert_eq!(codes(&mut d, b"\x1b["), []);
        assert_eq!(codes(&mut d, b"B"), [KeyCode::Down]);
    }

    #[test]
    fn a_begun_sequence_never_holds_the_keys_back() {
        let mut d = Decoder::new();
        // `ESC [ ?` waits for a final byte: the next letter ends it, the one after is a key.
        assert_eq!(codes(&mut d, b"\x1b[?"), []);
        assert_eq!(codes(&mut d, b"qq"), [KeyCode::Char('q')]);
        // Ctrl-C comes through from inside any sequence, strings included.
        for begun in [&b"\x1b[?1;2"[..], b"\x1b]0;title", b"\x1bP1$q", b"\x1b_apc"] {
            let keys = d.feed(begun);
            assert!(keys.is_empty(), "{begun:?}: {keys:?}");
            let keys = d.feed(b"\x03");
            assert_eq!(keys.len(), 1, "{begun:?}");
            assert_eq!(keys[0].code, KeyCode::Char('c'));
            assert_eq!(codes(&mut d, b"q"), [KeyCode::Char('q')], "{begun:?}");
        }
        // Esc starts over.
        assert_eq!(codes(&mut d, b"\x1b]0;t"), []);
        assert_eq!(codes(&mut d, b"\x1b"), [KeyCode::Esc]);
        assert_eq!(codes(&mut d, b"x"), [KeyCode::Char('x')]);
    }

    #[test]
    fn any_bytes_decode_without_panicking() {
        let mut d = Decoder::new();
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        for chunk in bytes.chunks(7) {
            let _ = d.feed(chunk);
        }
        let _ = d.feed(&[]);
    }
}
