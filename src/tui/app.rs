//! The terminal UI's state and key handling: which screen is up (briefing, main, debrief),
//! which window lies over it (a message, the action composer, hints, a confirmation …), and
//! what each key does. Everything the game decides goes through the session API; this file
//! only keeps what the trainee is looking at.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::style::Style;

use super::composer::{Composer, Outcome};
use super::main_view::{self, Item, Pane};
use super::{briefing, debrief, detail, overlays, reader};
use crate::engine::TeamId;
use crate::report::describe::{self, tr};
use crate::scenario::model::{Command, HintId, InjectId, Lang, Target, Verb};
use crate::session::observation::InboxItem;
use crate::session::{Observation, Session, SessionError};

/// Identifies an inbox entry across turns (an alert can be raised again in a later turn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InboxKey {
    /// An alert raised at a turn.
    Alert(crate::scenario::model::AlertId, u32),
    /// A message.
    Message(InjectId),
    /// A facilitator's message, by number.
    Facilitator(u32),
}

impl InboxKey {
    /// The key of an inbox entry.
    pub fn of(item: &InboxItem) -> Self {
        match item {
            InboxItem::Alert { alert, turn, .. } => InboxKey::Alert(*alert, *turn),
            InboxItem::Message { inject, .. } => InboxKey::Message(*inject),
            InboxItem::Facilitator { number, .. } => InboxKey::Facilitator(*number),
        }
    }
}

/// A pane's selection, kept across turns.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selected {
    /// An alert (all its entries are one row).
    Alert(crate::scenario::model::AlertId),
    /// Another inbox entry.
    Entry(InboxKey),
    /// Anything else.
    Item(Item),
}

/// The screen under any window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Screen {
    /// The organisation, the role, the goals, how to play.
    Briefing { scroll: u16 },
    /// Turn by turn.
    Main,
    /// The end.
    Debrief { tab: usize, scroll: u16 },
}

/// A paragraph of a text window: its text and style (wrapped when drawn).
pub(crate) type Doc = Vec<(String, Style)>;

/// A window over the screen.
pub(crate) enum Layer {
    /// An inbox entry, read whole; a question's choices.
    Reader {
        key: InboxKey,
        choice: Option<usize>,
        scroll: u16,
    },
    /// Any other item in full.
    Detail {
        title: String,
        doc: Doc,
        scroll: u16,
    },
    /// The action composer.
    Composer(Box<Composer>),
    /// The list of hints.
    Hints { cursor: usize },
    /// A hint's cost, to confirm.
    ConfirmHint { hint: HintId, cursor: usize },
    /// Ending the turn, to confirm.
    ConfirmEnd,
    /// What the team saw happen in the turn just played.
    Summary { turn: u32, scroll: u16 },
}

/// Where the replay log and the after-action report go, for the debrief and the quit
/// question.
#[derive(Debug, Clone, Default)]
pub struct ReplayNote {
    /// The file being written.
    pub path: Option<PathBuf>,
    /// Why it stopped being written, if it did.
    pub error: Option<String>,
    /// Where the after-action report (HTML) is written when the exercise ends.
    pub report: Option<PathBuf>,
    /// Whether the report has been written.
    pub report_written: bool,
    /// Why the report could not be written, if it could not.
    pub report_error: Option<String>,
}

/// How a line of [`ReplayNote::lines`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteTone {
    /// Where the replay is.
    Heading,
    /// What to do with it.
    Plain,
    /// Something went wrong.
    Warn,
    /// Nothing was written.
    Dim,
}

impl ReplayNote {
    /// Where the replay and the report went and what to do with them, as lines: the debrief
    /// shows them and `cyberdrill play` prints them on leaving.
    pub fn lines(&self, lang: Lang) -> Vec<(String, NoteTone)> {
        let mut out = Vec::new();
        match (&self.path, &self.error) {
            (Some(p), error) => {
                let p = p.display();
                out.push((
                    format!(
                        "{}{p}",
                        describe::lab(lang, "Replay written to", "リプレイの保存先：")
                    ),
                    NoteTone::Heading,
                ));
                if let Some(e) = error {
                    out.push((e.clone(), NoteTone::Warn));
                }
                out.push((
                    format!(
                        "{}cyberdrill replay verify {p}",
                        describe::lab(lang, "Verify it:", "検証：")
                    ),
                    NoteTone::Plain,
                ));
                out.push(match (&self.report, self.report_written) {
                    (Some(r), true) => (
                        format!(
                            "{}{}",
                            describe::lab(
                                lang,
                                "After-action report written to",
                                "事後報告書の保存先："
                            ),
                            r.display()
                        ),
                        NoteTone::Plain,
                    ),
                    _ => (
                        format!(
                            "{}cyberdrill report {p}",
                            describe::lab(lang, "After-action report:", "事後報告書（AAR）：")
                        ),
                        NoteTone::Plain,
                    ),
                });
                if let Some(e) = &self.report_error {
                    out.push((e.clone(), NoteTone::Warn));
                }
            }
            (None, Some(e)) => out.push((e.clone(), NoteTone::Warn)),
            (None, None) => out.push((
                tr(
                    lang,
                    "No replay was written.",
                    "リプレイは保存されていない。",
                )
                .to_owned(),
                NoteTone::Dim,
            )),
        }
        out
    }

    /// Notes for a replay at `path`, with the report beside it (same name, `.html`).
    pub fn beside(path: PathBuf) -> Self {
        let mut report = path.with_extension("html");
        if report == path {
            report = path.with_extension("report.html");
        }
        Self {
            report: Some(report),
            path: Some(path),
            ..Self::default()
        }
    }
}

/// The solo-play terminal UI for one team of a session.
pub struct App {
    pub(crate) session: Session,
    pub(crate) team: TeamId,
    pub(crate) lang: Lang,
    pub(crate) replay: ReplayNote,
    pub(crate) obs: Observation,
    pub(crate) screen: Screen,
    pub(crate) layer: Option<Layer>,
    pub(crate) help: Option<u16>,
    pub(crate) asking_quit: bool,
    pub(crate) focus: Pane,
    pub(crate) cursor: [usize; 4],
    pub(crate) read: BTreeSet<InboxKey>,
    pub(crate) status: Option<(String, Style)>,
    /// The player's name, recorded beside each decision.
    pub(crate) player: Option<String>,
    /// The key the log's seal is signed with.
    seal_key: Option<ed25519_dalek::SigningKey>,
    quit: bool,
}

impl App {
    /// The UI for the first team of `session`, in `lang`, recording to `replay`.
    pub fn new(session: Session, lang: Lang, replay: ReplayNote) -> Self {
        let team = TeamId(0);
        let obs = session.observe(team);
        Self {
            session,
            team,
            lang,
            replay,
            obs,
            screen: Screen::Briefing { scroll: 0 },
            layer: None,
            help: None,
            asking_quit: false,
            focus: Pane::Inbox,
            cursor: [0; 4],
            read: BTreeSet::new(),
            status: None,
            player: None,
            seal_key: None,
            quit: false,
        }
    }

    /// Records the player's name beside every decision.
    pub fn with_player(mut self, player: Option<String>) -> Self {
        self.player = player;
        self
    }

    /// Signs the log's seal with this key.
    pub fn with_seal_key(mut self, key: Option<ed25519_dalek::SigningKey>) -> Self {
        self.seal_key = key;
        self
    }

    /// Seals the replay log (once): when the exercise ends, and when the trainee leaves.
    pub fn seal(&mut self) {
        if self.session.is_sealed() || !self.session.is_recording() {
            return;
        }
        let ended = Some(crate::replay::record::now_rfc3339());
        if let Err(e) = self.session.seal(ended, self.seal_key.as_ref()) {
            self.replay.error = Some(e.to_string());
        }
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Changes the session directly (tests, tools), then refreshes what is shown.
    pub fn with_session<R>(&mut self, f: impl FnOnce(&mut Session) -> R) -> R {
        let r = f(&mut self.session);
        self.refresh();
        r
    }

    /// Where the replay goes.
    pub fn replay(&self) -> &ReplayNote {
        &self.replay
    }

    /// Whether the trainee has confirmed quitting.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Draws the whole UI.
    pub fn draw(&mut self, frame: &mut Frame) {
        match self.screen {
            Screen::Briefing { .. } => briefing::draw(self, frame),
            Screen::Main => main_view::draw(self, frame),
            Screen::Debrief { .. } => debrief::draw(self, frame),
        }
        overlays::draw(self, frame);
    }

    /// Reads the team's state again. Each pane's selection stays on the same thing (the same
    /// message or alert, the same host), not on the same position, as entries come and go.
    pub(crate) fn refresh(&mut self) {
        let before: Vec<Option<Selected>> = Pane::ALL
            .iter()
            .map(|&pane| {
                main_view::items(self, pane)
                    .get(self.cursor[pane as usize])
                    .map(|item| self.selected_of(item))
            })
            .collect();
        self.obs = self.session.observe(self.team);
        for (pane, was) in Pane::ALL.iter().zip(before) {
            let Some(was) = was else { continue };
            if let Some(at) = main_view::items(self, *pane)
                .iter()
                .position(|item| self.selected_of(item) == was)
            {
                self.cursor[*pane as usize] = at;
            }
        }
    }

    /// What a pane's item is, in terms that survive a new turn: inbox entries by their key
    /// (an alert by its source, as its rows are grouped), other items as they are.
    fn selected_of(&self, item: &Item) -> Selected {
        match item {
            Item::Inbox(i) => match self.obs.inbox.get(*i) {
                Some(InboxItem::Alert { alert, .. }) => Selected::Alert(*alert),
                Some(entry) => Selected::Entry(InboxKey::of(entry)),
                None => Selected::Item(item.clone()),
            },
            other => Selected::Item(other.clone()),
        }
    }

    pub(crate) fn s(&self) -> &crate::scenario::Scenario {
        self.session.scenario()
    }

    pub(crate) fn tell(&mut self, text: String, style: Style) {
        self.status = Some((text, style));
    }

    /// Handles one key.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.status = None;
        let code = key.code;
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && code == KeyCode::Char('c');
        // Ctrl-C always gets out: it asks from anywhere (help, any window), and a second one
        // answers yes. The replay is written turn by turn, so nothing is lost.
        if ctrl_c {
            if self.asking_quit {
                self.quit = true;
            }
            self.help = None;
            self.asking_quit = true;
            return;
        }
        if self.asking_quit {
            if matches!(code, KeyCode::Char('y' | 'Y')) {
                self.quit = true;
            }
            self.asking_quit = false;
            return;
        }
        if let Some(scroll) = &mut self.help {
            if !scroll_key(code, scroll) {
                self.help = None;
            }
            return;
        }
        if code == KeyCode::Char('q') {
            self.asking_quit = true;
            return;
        }
        if code == KeyCode::Char('?') {
            self.help = Some(0);
            return;
        }
        if let Some(layer) = self.layer.take() {
            self.layer_key(layer, key);
            return;
        }
        match &mut self.screen {
            Screen::Briefing { scroll } => {
                if !scroll_key(code, scroll) && matches!(code, KeyCode::Enter | KeyCode::Esc) {
                    self.screen = if self.obs.ended.is_some() {
                        Screen::Debrief { tab: 0, scroll: 0 }
                    } else {
                        Screen::Main
                    };
                }
            }
            Screen::Main => self.main_key(key),
            Screen::Debrief { tab, scroll } => match code {
                KeyCode::Tab | KeyCode::Right | KeyCode::Left | KeyCode::BackTab => {
                    *tab = 1 - *tab;
                    *scroll = 0;
                }
                KeyCode::Char('1') => (*tab, *scroll) = (0, 0),
                KeyCode::Char('2') => (*tab, *scroll) = (1, 0),
                _ => {
                    scroll_key(code, scroll);
                }
            },
        }
    }

    fn main_key(&mut self, key: KeyEvent) {
        let pane = self.focus as usize;
        match key.code {
            KeyCode::Tab | KeyCode::Right => self.focus = self.focus.next(),
            KeyCode::BackTab | KeyCode::Left => self.focus = self.focus.prev(),
            KeyCode::Char(c @ '1'..='4') => self.focus = Pane::ALL[c as usize - '1' as usize],
            KeyCode::Up | KeyCode::Char('k') => {
                self.cursor[pane] = self.cursor[pane].saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => self.move_cursor(1),
            KeyCode::PageUp => self.cursor[pane] = self.cursor[pane].saturating_sub(5),
            KeyCode::PageDown => self.move_cursor(5),
            KeyCode::Home => self.cursor[pane] = 0,
            KeyCode::End => self.move_cursor(usize::MAX / 2),
            KeyCode::Enter => {
                if let Some(item) = self.selected_item() {
                    self.open(item);
                }
            }
            KeyCode::Char('a') => {
                self.layer = Some(Layer::Composer(Box::new(Composer::new(self))));
            }
            KeyCode::Char('t') => self.triage_selected(),
            KeyCode::Char('e') => self.layer = Some(Layer::ConfirmEnd),
            KeyCode::Char('h') => self.layer = Some(Layer::Hints { cursor: 0 }),
            KeyCode::Char('b') => self.screen = Screen::Briefing { scroll: 0 },
            KeyCode::Char('x') | KeyCode::Delete | KeyCode::Backspace => {
                if let Some(Item::Queued(i)) = self.selected_item() {
                    self.remove_queued(i);
                }
            }
            _ => {}
        }
    }

    fn move_cursor(&mut self, by: usize) {
        let pane = self.focus as usize;
        let n = main_view::selectable(self, self.focus);
        self.cursor[pane] = self.cursor[pane]
            .saturating_add(by)
            .min(n.saturating_sub(1));
    }

    pub(crate) fn selected_item(&self) -> Option<Item> {
        main_view::items(self, self.focus)
            .get(self.cursor[self.focus as usize])
            .cloned()
    }

    fn layer_key(&mut self, layer: Layer, key: KeyEvent) {
        let code = key.code;
        let keep = match layer {
            Layer::Composer(mut c) => match c.key(key, self) {
                Outcome::Stay => Some(Layer::Composer(c)),
                Outcome::Close => None,
                Outcome::Queue(cmd) => {
                    self.queue(cmd);
                    None
                }
            },
            Layer::Reader {
                key: k,
                mut choice,
                mut scroll,
            } => reader::reader_key(self, k, &mut choice, &mut scroll, code).then_some(
                Layer::Reader {
                    key: k,
                    choice,
                    scroll,
                },
            ),
            Layer::Detail {
                title,
                doc,
                mut scroll,
            } => scroll_key(code, &mut scroll).then_some(Layer::Detail { title, doc, scroll }),
            Layer::Hints { mut cursor } => match code {
                KeyCode::Up | KeyCode::Char('k') => {
                    cursor = cursor.saturating_sub(1);
                    Some(Layer::Hints { cursor })
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    cursor = (cursor + 1).min(self.s().hints.len().saturating_sub(1));
                    Some(Layer::Hints { cursor })
                }
                KeyCode::Enter => {
                    let hint = self.s().hints.ids().nth(cursor);
                    match hint.map(|h| (h, self.session.check(self.team, &Command::Hint(h)))) {
                        Some((hint, Ok(()))) => Some(Layer::ConfirmHint { hint, cursor }),
                        Some((_, Err(r))) => {
                            self.tell(describe::refusal(&r, self.lang), super::ui::warn());
                            Some(Layer::Hints { cursor })
                        }
                        None => Some(Layer::Hints { cursor }),
                    }
                }
                _ => None,
            },
            Layer::ConfirmHint { hint, cursor } => match code {
                KeyCode::Char('y' | 'Y') => {
                    self.queue(Command::Hint(hint));
                    // Shown at once; its cost counts when the turn is played.
                    if self
                        .session
                        .queued(self.team)
                        .contains(&Command::Hint(hint))
                    {
                        let s = self.s();
                        let title = describe::hint_title(s, hint, self.lang);
                        let note = match self.lang {
                            Lang::En => format!(
                                "−{} points, counted when the turn is played.",
                                s.hints[hint].cost
                            ),
                            Lang::Ja => {
                                format!("{}点減点（ターンの実行時に計上）。", s.hints[hint].cost)
                            }
                        };
                        let doc = vec![
                            (s.hints[hint].text.get(self.lang).to_owned(), Style::new()),
                            (String::new(), Style::new()),
                            (note, super::ui::dim()),
                        ];
                        self.layer = Some(Layer::Detail {
                            title,
                            doc,
                            scroll: 0,
                        });
                    }
                    None
                }
                _ => Some(Layer::Hints { cursor }),
            },
            Layer::ConfirmEnd => {
                if matches!(code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) {
                    self.end_turn();
                    return;
                }
                None
            }
            Layer::Summary { turn, mut scroll } => {
                if scroll_key(code, &mut scroll) {
                    Some(Layer::Summary { turn, scroll })
                } else {
                    if self.obs.ended.is_some() {
                        self.screen = Screen::Debrief { tab: 0, scroll: 0 };
                    }
                    None
                }
            }
        };
        // A handler may have opened another window (the reader opens the composer).
        if self.layer.is_none() {
            self.layer = keep;
        }
    }

    /// Queues a command after checking it; tells the trainee what happened.
    pub(crate) fn queue(&mut self, command: Command) {
        let lang = self.lang;
        if let Err(r) = self.session.check(self.team, &command) {
            let text = format!(
                "{}{}",
                describe::lab(lang, "Cannot queue it:", "予約できない："),
                describe::refusal(&r, lang)
            );
            self.tell(text, super::ui::warn());
            return;
        }
        let label = describe::command(self.s(), &command, lang);
        let player = self.player.clone();
        if let Err(e) = self
            .session
            .submit_by(self.team, vec![command], player.as_deref())
        {
            self.tell(e.to_string(), super::ui::warn());
            return;
        }
        self.refresh();
        let left = self.obs.effort_available;
        let text = match lang {
            Lang::En => format!("Queued: {label} — {left} effort left this turn"),
            Lang::Ja => format!("予約しました：{label}。このターンの残り工数は{left}"),
        };
        self.tell(text, super::ui::good());
    }

    /// Drops one queued command, keeping the others in order.
    pub(crate) fn remove_queued(&mut self, index: usize) {
        let gone = match self.session.withdraw(self.team, index) {
            Ok(gone) => gone,
            Err(crate::session::SessionError::HintShown) => {
                let why = tr(
                    self.lang,
                    "A hint cannot be taken back: you have read it.",
                    "ヒントは取り消せません（すでに内容を読んでいます）。",
                );
                self.tell(why.to_owned(), super::ui::warn());
                return;
            }
            Err(_) => return,
        };
        self.refresh();
        let label = describe::command(self.s(), &gone, self.lang);
        self.tell(
            format!(
                "{}{label}",
                describe::lab(self.lang, "Removed:", "取り消しました：")
            ),
            Style::new(),
        );
    }

    /// Replaces any queued answer to `inject` with `choice`.
    pub(crate) fn answer(&mut self, inject: InjectId, choice: usize) {
        let new = Command::Answer { inject, choice };
        let queued = self.session.queued(self.team).to_vec();
        if queued.contains(&new) {
            return;
        }
        // The new answer is checked, in place of the old one, before the old one goes, so a
        // refusal keeps the old one.
        let others: Vec<Command> = queued
            .iter()
            .filter(|c| !matches!(c, Command::Answer { inject: j, .. } if *j == inject))
            .cloned()
            .collect();
        if let Err(r) = self.session.check_after(self.team, &others, &new) {
            let text = format!(
                "{}{}",
                describe::lab(self.lang, "Cannot queue it:", "予約できない："),
                describe::refusal(&r, self.lang)
            );
            self.tell(text, super::ui::warn());
            return;
        }
        // Withdrawn from the back, so the positions before stay valid.
        let old: Vec<usize> = queued
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Command::Answer { inject: j, .. } if *j == inject))
            .map(|(i, _)| i)
            .collect();
        for i in old.into_iter().rev() {
            let _ = self.session.withdraw(self.team, i);
        }
        self.queue(new);
    }

    /// Replaces any queued reply to facilitator message `message` with `choice`.
    pub(crate) fn reply(&mut self, message: u32, choice: usize) {
        let new = Command::Reply { message, choice };
        let queued = self.session.queued(self.team).to_vec();
        if queued.contains(&new) {
            return;
        }
        let old: Vec<usize> = queued
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Command::Reply { message: m, .. } if *m == message))
            .map(|(i, _)| i)
            .collect();
        for i in old.into_iter().rev() {
            let _ = self.session.withdraw(self.team, i);
        }
        self.queue(new);
    }

    /// Plays the turn.
    fn end_turn(&mut self) {
        let turn = self.obs.turn + 1;
        match self.session.advance_team(self.team) {
            Ok(()) => {}
            Err(SessionError::Record(message)) => self.replay.error = Some(message),
            Err(e) => {
                self.tell(e.to_string(), super::ui::warn());
                return;
            }
        }
        self.refresh();
        if self.obs.ended.is_some() {
            self.seal();
            self.write_report();
        }
        self.layer = Some(Layer::Summary { turn, scroll: 0 });
    }

    /// Writes the after-action report of the finished exercise, once.
    fn write_report(&mut self) {
        let Some(path) = self.replay.report.clone() else {
            return;
        };
        if self.replay.report_written {
            return;
        }
        let s = self.session.scenario();
        let name = self.session.team_names()[self.team.0].clone();
        let teams = [(name.as_str(), self.session.events(self.team))];
        let report = crate::report::aar::build(s, self.session.seed(), &teams, self.lang);
        // A new file only: whatever appeared there since the start is kept.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| {
                std::io::Write::write_all(&mut f, crate::report::html::render(&report).as_bytes())
            });
        match written {
            Ok(()) => self.replay.report_written = true,
            Err(e) => {
                self.replay.report_error = Some(format!(
                    "{}{}: {e}",
                    describe::lab(
                        self.lang,
                        "Cannot write the report to",
                        "事後報告書を保存できない："
                    ),
                    path.display()
                ))
            }
        }
    }

    /// Opens the composer on the triage of the alert selected in the inbox.
    fn triage_selected(&mut self) {
        let Some(Item::Inbox(i)) = self.selected_item() else {
            return;
        };
        let InboxItem::Alert { alert, .. } = self.obs.inbox[i] else {
            return;
        };
        self.triage(alert);
    }

    pub(crate) fn triage(&mut self, alert: crate::scenario::model::AlertId) {
        // Looking at an alert to triage it is reading it.
        self.mark_alert_read(alert);
        let target = Target::Alert(alert);
        let s = self.s();
        let actions: Vec<_> = s
            .actions
            .iter()
            .filter(|(_, a)| a.verb == Verb::Triage)
            .map(|(id, _)| id)
            .collect();
        let legal = actions
            .iter()
            .find(|&&a| self.session.legal_targets(self.team, a).contains(&target));
        match (legal, actions.first()) {
            (Some(&action), _) => {
                let cmd = Command::Act { action, target };
                self.layer = Some(Layer::Composer(Box::new(Composer::confirming(self, cmd))));
            }
            (None, Some(&action)) => {
                let cmd = Command::Act { action, target };
                let why = match self.session.check(self.team, &cmd) {
                    Err(r) => describe::refusal(&r, self.lang),
                    Ok(()) => tr(self.lang, "it is already queued", "すでに予約済み").to_owned(),
                };
                self.tell(why, super::ui::warn());
            }
            (None, None) => {}
        }
    }

    /// Marks every inbox entry of an alert read (they are shown as one row).
    pub(crate) fn mark_alert_read(&mut self, alert: crate::scenario::model::AlertId) {
        for item in &self.obs.inbox {
            if matches!(item, InboxItem::Alert { alert: a, .. } if *a == alert) {
                self.read.insert(InboxKey::of(item));
            }
        }
    }

    fn open(&mut self, item: Item) {
        if let Item::Inbox(i) = item {
            let key = InboxKey::of(&self.obs.inbox[i]);
            self.read.insert(key);
            if let InboxItem::Alert { alert, .. } = self.obs.inbox[i] {
                self.mark_alert_read(alert);
            }
            self.layer = Some(Layer::Reader {
                key,
                choice: None,
                scroll: 0,
            });
            return;
        }
        let (title, doc) = detail::detail(self, &item);
        self.layer = Some(Layer::Detail {
            title,
            doc,
            scroll: 0,
        });
    }

    /// Number of unread inbox rows (an alert raised again and again is one).
    pub(crate) fn unread(&self) -> usize {
        main_view::inbox_rows(self)
            .into_iter()
            .filter(|&(_, _, unread)| unread)
            .count()
    }
}

/// Scrolls with the arrow and page keys; false for any other key.
pub(crate) fn scroll_key(code: KeyCode, scroll: &mut u16) -> bool {
    match code {
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
        KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
        KeyCode::Home => *scroll = 0,
        KeyCode::End => *scroll = u16::MAX,
        _ => return false,
    }
    true
}
