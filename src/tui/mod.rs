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
mod main_view;
mod overlays;
mod reader;
mod ui;
mod words;

use std::io;

use ratatui::crossterm::event::{self, Event};

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

/// Runs the UI on the terminal until the trainee quits; restores the terminal after.
pub fn run(app: &mut App) -> io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> io::Result<()> {
        while !app.should_quit() {
            terminal.draw(|frame| app.draw(frame))?;
            match event::read()? {
                Event::Key(key) => app.handle_key(key),
                // The next draw fits the new size.
                Event::Resize(..) => {}
                _ => {}
            }
        }
        Ok(())
    })();
    ratatui::try_restore()?;
    result
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
