//! The terminal front-end of solo play (`cyberdrill play`), on ratatui: a briefing, the main
//! screen turn by turn with the action composer, and a debrief. It is a front-end only: every
//! rule lives behind the session API, and the UI keeps just what the trainee is looking at.
//!
//! [`App`] holds the state and handles keys without a terminal (tests drive it and draw it
//! on ratatui's `TestBackend`); [`run`] connects it to the real terminal.

mod app;
mod briefing;
mod composer;
mod debrief;
mod detail;
mod findings;
mod help;
pub mod input;
mod main_view;
mod overlays;
mod reader;
mod ui;
mod words;

use std::io;

use ratatui::crossterm::event;
#[cfg(not(unix))]
use ratatui::crossterm::event::Event;

use crate::scenario::model::Lang;
pub use app::{App, InboxKey, NoteTone, ReplayNote};

/// The display language from the environment's locale: the first of `LC_ALL`, `LC_MESSAGES`
/// and `LANG` that is set and not empty decides; Japanese if it starts with `ja`, else English.
pub fn lang_from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| var(name))
        .find(|v| !v.is_empty())
        .map_or(Lang::En, |v| {
            if v.starts_with("ja") {
                Lang::Ja
            } else {
                Lang::En
            }
        })
}

/// What wakes the UI up.
enum Input {
    /// A key.
    Key(event::KeyEvent),
    /// The terminal changed size: the next draw fits it.
    Resize,
    /// The terminal is gone (hung up): leave, keeping the replay.
    Closed,
}

/// Runs the UI on the terminal until the trainee quits (or the terminal goes away); restores
/// the terminal after.
pub fn run(app: &mut App) -> io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> io::Result<()> {
        let mut inputs = Inputs::start()?;
        while !app.should_quit() {
            terminal.draw(|frame| app.draw(frame))?;
            match inputs.next()? {
                Input::Key(key) => app.handle_key(key),
                Input::Resize => {}
                Input::Closed => break,
            }
        }
        inputs.stop();
        Ok(())
    })();
    ratatui::try_restore()?;
    result
}

/// Keys and resizes: on Unix from standard input, decoded by [`input::Decoder`], and SIGWINCH.
#[cfg(unix)]
struct Inputs {
    events: std::sync::mpsc::Receiver<Input>,
    signals: signal_hook::iterator::Handle,
}

#[cfg(unix)]
impl Inputs {
    fn start() -> io::Result<Self> {
        use std::io::Read;
        let (tx, events) = std::sync::mpsc::channel();
        let keys = tx.clone();
        // Blocked in a read when the UI ends: the process leaves right after.
        std::thread::spawn(move || {
            let mut stdin = io::stdin().lock();
            let mut decoder = input::Decoder::new();
            let mut buf = [0u8; 1024];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        for key in decoder.feed(&buf[..n]) {
                            if keys.send(Input::Key(key)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = keys.send(Input::Closed);
        });
        let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH])?;
        let handle = signals.handle();
        std::thread::spawn(move || {
            for _ in signals.forever() {
                if tx.send(Input::Resize).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            events,
            signals: handle,
        })
    }

    fn next(&mut self) -> io::Result<Input> {
        Ok(self.events.recv().unwrap_or(Input::Closed))
    }

    fn stop(self) {
        self.signals.close();
    }
}

/// Keys and resizes: elsewhere, from crossterm's event reader.
#[cfg(not(unix))]
struct Inputs;

#[cfg(not(unix))]
impl Inputs {
    fn start() -> io::Result<Self> {
        Ok(Self)
    }

    fn next(&mut self) -> io::Result<Input> {
        loop {
            match event::read()? {
                Event::Key(key) => return Ok(Input::Key(key)),
                Event::Resize(..) => return Ok(Input::Resize),
                _ => {}
            }
        }
    }

    fn stop(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_locale_picks_the_language() {
        assert_eq!(lang_from_env(env(&[])), Lang::En);
        assert_eq!(lang_from_env(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(lang_from_env(env(&[("LANG", "en_GB.UTF-8")])), Lang::En);
        assert_eq!(
            lang_from_env(env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            lang_from_env(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "ja_JP"),
                ("LANG", "C")
            ])),
            Lang::Ja
        );
    }
}
