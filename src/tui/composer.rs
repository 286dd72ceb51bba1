//! The action composer: pick an action, then its target from what is legal now (or fill in
//! the findings report), then see its effort, duration and side effects before confirming.
//! Legality, targets and side effects come from the session ([`Session::legal_targets`],
//! [`Session::preview`]); the composer only walks the trainee through them.
//!
//! [`Session::legal_targets`]: crate::session::Session::legal_targets
//! [`Session::preview`]: crate::session::Session::preview

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Doc};
use super::findings::{self, Form};
use super::ui::{self, dim, fit, heading, notice, selected, warn};
use super::words;
use crate::report::describe::{self, tr};
use crate::scenario::model::{ActionId, AddressOwner, Command, Lang, Target, TargetKind};
use crate::session::preview::Lasting;

/// What a key did to the composer.
pub(crate) enum Outcome {
    /// Still composing.
    Stay,
    /// Closed without queueing.
    Close,
    /// Queue this command and close.
    Queue(Command),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Action,
    Target,
    Findings,
    Confirm,
}

/// The composer's state.
pub(crate) struct Composer {
    step: Step,
    action: usize,
    target: usize,
    targets: Vec<Target>,
    form: Option<Form>,
    command: Option<Command>,
    /// Opened on the confirmation (a shortcut): going back closes it.
    direct: bool,
    /// How far the confirmation is scrolled (clamped when drawn).
    scroll: std::cell::Cell<u16>,
}

impl Composer {
    /// A composer at its first step.
    /// The cursor starts on the first action that can be taken now.
    pub(crate) fn new(app: &App) -> Self {
        let first = app
            .s()
            .actions
            .ids()
            .position(|a| availability(app, a).is_ok())
            .unwrap_or(0);
        Self {
            step: Step::Action,
            action: first,
            target: 0,
            targets: Vec::new(),
            form: None,
            command: None,
            direct: false,
            scroll: std::cell::Cell::new(0),
        }
    }

    /// A composer showing the confirmation of `command`.
    pub(crate) fn confirming(app: &App, command: Command) -> Self {
        let mut c = Self::new(app);
        if let Command::Act { action, .. } = &command {
            c.action = action.index();
        }
        c.command = Some(command);
        c.step = Step::Confirm;
        c.direct = true;
        c
    }

    fn action_id(&self, app: &App) -> Option<ActionId> {
        app.s().actions.ids().nth(self.action)
    }

    /// Handles a key.
    pub(crate) fn key(&mut self, key: KeyEvent, app: &mut App) -> Outcome {
        let before = self.step;
        let outcome = self.step_key(key, app);
        if self.step != before {
            self.scroll.set(0);
        }
        outcome
    }

    fn step_key(&mut self, key: KeyEvent, app: &mut App) -> Outcome {
        let code = key.code;
        match self.step {
            Step::Action => match code {
                KeyCode::Esc => return Outcome::Close,
                KeyCode::Up | KeyCode::Char('k') => self.action = self.action.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.action = (self.action + 1).min(app.s().actions.len().saturating_sub(1));
                }
                KeyCode::Home => self.action = 0,
                KeyCode::End => self.action = app.s().actions.len().saturating_sub(1),
                KeyCode::Enter => self.choose_action(app),
                _ => {}
            },
            Step::Target => match code {
                KeyCode::Esc | KeyCode::Backspace => self.step = Step::Action,
                KeyCode::Up | KeyCode::Char('k') => self.target = self.target.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.target = (self.target + 1).min(self.targets.len().saturating_sub(1));
                }
                KeyCode::Home => self.target = 0,
                KeyCode::End => self.target = self.targets.len().saturating_sub(1),
                KeyCode::Enter => {
                    if let (Some(action), Some(target)) =
                        (self.action_id(app), self.targets.get(self.target))
                    {
                        self.command = Some(Command::Act {
                            action,
                            target: target.clone(),
                        });
                        self.step = Step::Confirm;
                    }
                }
                _ => {}
            },
            Step::Findings => {
                let next_turn = app.obs.turn + 1;
                if code == KeyCode::Esc {
                    self.step = Step::Action;
                } else if code == KeyCode::Enter {
                    let findings = self.form.as_ref().and_then(|f| f.findings(app.s()));
                    if let (Some(action), Some(findings)) = (self.action_id(app), findings) {
                        self.command = Some(Command::Act {
                            action,
                            target: Target::Findings(Box::new(findings)),
                        });
                        self.step = Step::Confirm;
                    } else if let Some(missing) =
                        self.form.as_ref().and_then(|f| f.missing(app.lang))
                    {
                        app.tell(missing.to_owned(), warn());
                    }
                } else if let Some(form) = &mut self.form {
                    form.key(code, next_turn);
                }
            }
            Step::Confirm => match code {
                KeyCode::Enter | KeyCode::Char('y') => {
                    let Some(command) = self.command.clone() else {
                        return Outcome::Close;
                    };
                    match app.session.preview(app.team, &command).refusal {
                        None => return Outcome::Queue(command),
                        Some(r) => app.tell(describe::refusal(&r, app.lang), warn()),
                    }
                }
                KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('n') => {
                    if self.direct {
                        return Outcome::Close;
                    }
                    self.step = match self.command.as_ref().map(|c| match c {
                        Command::Act { target, .. } => target.kind(),
                        _ => TargetKind::Org,
                    }) {
                        Some(TargetKind::Findings) => Step::Findings,
                        Some(TargetKind::Org) | None => Step::Action,
                        Some(_) => Step::Target,
                    };
                }
                _ => {
                    let mut scroll = self.scroll.get();
                    super::app::scroll_key(code, &mut scroll);
                    self.scroll.set(scroll);
                }
            },
        }
        Outcome::Stay
    }

    fn choose_action(&mut self, app: &mut App) {
        let Some(action) = self.action_id(app) else {
            return;
        };
        if let Err(why) = availability(app, action) {
            app.tell(why, warn());
            return;
        }
        let s = app.s();
        match s.actions[action].verb.target_kind() {
            TargetKind::Org => {
                self.command = Some(Command::Act {
                    action,
                    target: Target::Org,
                });
                self.step = Step::Confirm;
            }
            TargetKind::Findings => {
                if self.form.is_none() {
                    self.form = Some(Form::new(
                        s,
                        app.obs.entry_order.clone(),
                        app.obs.root_cause_order.clone(),
                    ));
                }
                self.step = Step::Findings;
            }
            _ => {
                self.targets = app.session.legal_targets(app.team, action);
                self.target = most_relevant(app, &self.targets);
                self.step = Step::Target;
            }
        }
    }
}

/// The target the cursor starts on: the host the team believes compromised, else one it
/// finds suspicious, else the first; an alert not triaged yet before one that is.
fn most_relevant(app: &App, targets: &[Target]) -> usize {
    use crate::session::observation::HostStatus;
    let rank = |t: &Target| match t {
        Target::Host(h) => match app
            .obs
            .hosts
            .iter()
            .find(|v| v.host == *h)
            .map(|v| v.status)
        {
            Some(HostStatus::Compromised) => 0,
            Some(HostStatus::Suspicious) => 1,
            _ => 2,
        },
        Target::Alert(a) => {
            let triaged = app.obs.inbox.iter().any(|i| {
                matches!(i, crate::session::observation::InboxItem::Alert { alert, verdict: Some(_), .. } if alert == a)
            });
            if triaged { 2 } else { 1 }
        }
        _ => 2,
    };
    targets
        .iter()
        .enumerate()
        .min_by_key(|(i, t)| (rank(t), *i))
        .map_or(0, |(i, _)| i)
}

/// Whether an action can be chosen now, or why not.
fn availability(app: &App, action: ActionId) -> Result<(), String> {
    let s = app.s();
    let a = &s.actions[action];
    let lang = app.lang;
    let left = app.obs.effort_available;
    if a.cost > left {
        return Err(match lang {
            Lang::En => format!("needs {} effort, {left} left", a.cost),
            Lang::Ja => format!("工数{}が必要（残り{left}）", a.cost),
        });
    }
    match a.verb.target_kind() {
        TargetKind::Findings => Ok(()),
        TargetKind::Org => {
            let cmd = Command::Act {
                action,
                target: Target::Org,
            };
            app.session
                .check(app.team, &cmd)
                .map_err(|r| describe::refusal(&r, lang))
        }
        _ if app.session.legal_targets(app.team, action).is_empty() => {
            Err(tr(lang, "nothing to act on now", "今は対象がない").to_owned())
        }
        _ => Ok(()),
    }
}

/// A target as a row of the target list: its label and what the team knows of it.
fn target_row(app: &App, t: &Target) -> String {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    match t {
        Target::Host(h) => {
            let desc = s.hosts[*h].description.as_ref().map_or("", |d| d.get(lang));
            format!(
                "{}  [{}]  {desc}",
                s.hosts.key(*h),
                words::host_state(&o.hosts[h.index()], lang)
            )
        }
        Target::Alert(a) => {
            let turn = o
                .inbox
                .iter()
                .find_map(|i| match i {
                    crate::session::observation::InboxItem::Alert { alert, turn, .. }
                        if alert == a =>
                    {
                        Some(*turn)
                    }
                    _ => None,
                })
                .unwrap_or(0);
            format!(
                "{} {} {}{}{}",
                words::turn_tag(turn),
                describe::severity_word(describe::alert_severity(s, *a), lang),
                describe::alert_title(s, *a, lang),
                tr(lang, ": ", "："),
                describe::alert_text(s, *a, lang)
            )
        }
        Target::Address(x) => match &s.addresses[*x].owner {
            AddressOwner::Legitimate { name, .. } => {
                format!("{}  {}", s.addresses[*x].address, name.get(lang))
            }
            AddressOwner::Adversary(_) => s.addresses[*x].address.clone(),
        },
        Target::Account(x) => {
            let desc = s.accounts[*x]
                .description
                .as_ref()
                .map_or("", |d| d.get(lang));
            let flagged = o.accounts.iter().any(|a| a.account == *x && a.flagged);
            let mark = if flagged {
                tr(lang, " [compromised]", "［侵害あり］")
            } else {
                ""
            };
            format!("{}{mark}  {desc}", s.accounts.key(*x))
        }
        Target::Stakeholder(x) => {
            let name = s.stakeholders[*x].name.get(lang);
            match o.notified.iter().find(|(y, _)| y == x) {
                Some((_, turn)) => match lang {
                    Lang::En => format!("{name} (informed at turn {turn})"),
                    Lang::Ja => format!("{name}（{turn}ターン目に報告済み）"),
                },
                None => name.to_owned(),
            }
        }
        _ => describe::target(s, t, lang),
    }
}

/// What a command would do, as paragraphs: effort, timing, side effects, description, and
/// why it would be refused.
pub(crate) fn preview_doc(app: &App, command: &Command) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let p = app.session.preview(app.team, command);
    let mut doc: Doc = vec![
        (describe::command(s, command, lang), heading()),
        (String::new(), Style::new()),
    ];
    match command {
        Command::Act { action, target } => {
            let a = &s.actions[*action];
            let done = app.obs.turn + a.turns.max(1);
            doc.push((
                match lang {
                    Lang::En => format!(
                        "Effort: {}. Done at the end of turn {done}. {} effort left this turn once queued.",
                        words::effort(p.cost, p.turns, lang),
                        p.effort_after
                    ),
                    Lang::Ja => format!(
                        "工数：{}。{done}ターン目の終わりに完了する。予約後のこのターンの残り工数は{}。",
                        words::effort(p.cost, p.turns, lang),
                        p.effort_after
                    ),
                },
                Style::new(),
            ));
            for (f, lasting) in &p.stops {
                let name = s.functions[*f].name.get(lang);
                let text = match (lang, lasting) {
                    (Lang::En, Lasting::WhileRunning) => format!("Stops {name} while it runs."),
                    (Lang::En, Lasting::UntilUndone) => {
                        format!("Stops {name} until you undo it.")
                    }
                    (Lang::Ja, Lasting::WhileRunning) => format!("実行中は{name}が止まる。"),
                    (Lang::Ja, Lasting::UntilUndone) => {
                        format!("元に戻すまで{name}が止まる。")
                    }
                };
                doc.push((text, notice()));
            }
            if let Some(w) = &p.wipes {
                let host = s.hosts.key(w.host);
                let text = match (lang, w.imaged) {
                    (Lang::En, false) => format!(
                        "Wipes {host}'s disk: any evidence on it is lost (no image has been taken)."
                    ),
                    (Lang::En, true) => {
                        format!("Wipes {host}'s disk (an image of it has been taken).")
                    }
                    (Lang::Ja, false) => {
                        format!(
                            "{host}のディスクを消去する。イメージを取得していないため、証拠は失われる。"
                        )
                    }
                    (Lang::Ja, true) => {
                        format!("{host}のディスクを消去する（イメージは取得済み）。")
                    }
                };
                doc.push((text, if w.imaged { notice() } else { warn() }));
            }
            if p.ends_exercise {
                doc.push((
                    tr(
                        lang,
                        "This ends the exercise when the turn is played: the win conditions will then hold. Queue anything else you want done first.",
                        "ターンの実行時に演習が終了する（勝利条件が満たされるため）。先に行いたい対応があれば、あわせて予約すること。",
                    )
                    .to_owned(),
                    warn(),
                ));
            }
            if p.adds_effort > 0 {
                doc.push((
                    match lang {
                        Lang::En => {
                            format!("Once done, adds {} effort to every turn.", p.adds_effort)
                        }
                        Lang::Ja => format!("完了後は毎ターンの工数が{}増える。", p.adds_effort),
                    },
                    Style::new(),
                ));
            }
            if let Some(d) = &a.description {
                doc.push((String::new(), Style::new()));
                doc.push((d.get(lang).to_owned(), dim()));
            }
            if let Target::Findings(f) = target {
                doc.push((String::new(), Style::new()));
                doc.extend(findings::findings_doc(app, f));
            }
        }
        Command::Answer { .. } | Command::Reply { .. } => doc.push((
            tr(
                lang,
                "Costs no effort; your answer is given when the turn is played.",
                "工数はかからない。回答はターンの実行時に伝わる。",
            )
            .to_owned(),
            Style::new(),
        )),
        Command::Hint(_) => doc.push((
            match lang {
                Lang::En => format!(
                    "Costs {} points off your score; you read it when the turn is played.",
                    p.hint_points.unwrap_or(0)
                ),
                Lang::Ja => format!(
                    "得点から{}点引かれる。内容はターンの実行時に表示される。",
                    p.hint_points.unwrap_or(0)
                ),
            },
            Style::new(),
        )),
    }
    if let Some(r) = &p.refusal {
        doc.push((String::new(), Style::new()));
        doc.push((
            format!(
                "{}{}",
                describe::lab(lang, "Cannot be queued:", "予約できない："),
                describe::refusal(r, lang)
            ),
            warn(),
        ));
    }
    doc
}

/// Draws the composer over the screen.
pub(crate) fn draw(c: &Composer, app: &App, frame: &mut Frame) {
    let lang = app.lang;
    let o = &app.obs;
    let area = frame.area();
    let area = ui::centered(
        area,
        area.width.saturating_sub(2).min(100),
        area.height.saturating_sub(2),
    );
    let title = match lang {
        Lang::En => format!(
            "Plan turn {} — {} of {} effort left",
            o.turn + 1,
            o.effort_available,
            o.effort_per_turn
        ),
        Lang::Ja => format!(
            "ターン{}の計画（残り工数{}/{}）",
            o.turn + 1,
            o.effort_available,
            o.effort_per_turn
        ),
    };
    let keys = match c.step {
        Step::Action | Step::Target => ui::keys(&[
            ("↑↓", tr(lang, "choose", "選ぶ")),
            ("Enter", tr(lang, "next", "次へ")),
            ("Esc", tr(lang, "back", "戻る")),
        ]),
        Step::Findings => ui::keys(&[
            ("Tab", tr(lang, "field", "項目")),
            ("Space", tr(lang, "tick", "選択")),
            ("←→", tr(lang, "turn", "ターン")),
            ("Enter", tr(lang, "review", "確認へ")),
            ("Esc", tr(lang, "back", "戻る")),
        ]),
        Step::Confirm => ui::keys(&[
            ("Enter", tr(lang, "queue it", "予約する")),
            ("Esc", tr(lang, "back", "戻る")),
        ]),
    };
    let inner = ui::popup(frame, area, &title, Some(keys));
    let [crumbs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(breadcrumbs(c.step, lang)), crumbs);
    if let Some((text, style)) = &app.status {
        frame.render_widget(Paragraph::new(Line::styled(text.clone(), *style)), status);
    }
    let width = body.width as usize;
    match c.step {
        Step::Action => draw_actions(c, app, frame, body),
        Step::Target => {
            let rows: Vec<String> = c.targets.iter().map(|t| target_row(app, t)).collect();
            let name = c
                .action_id(app)
                .map_or("", |a| app.s().actions[a].name.get(lang));
            let [head, list] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(body);
            frame.render_widget(
                Paragraph::new(Line::styled(fit(name, width), heading())),
                head,
            );
            draw_list(frame, list, &rows, c.target, |_| Style::new());
        }
        Step::Findings => {
            if let Some(form) = &c.form {
                findings::draw(form, app, frame, body);
            }
        }
        Step::Confirm => {
            if let Some(cmd) = &c.command {
                let lines: Vec<Line> = preview_doc(app, cmd)
                    .into_iter()
                    .flat_map(|(t, st)| ui::para(&t, width, 0, st))
                    .collect();
                let mut scroll = c.scroll.get();
                ui::scrolled(frame, body, lines, &mut scroll);
                c.scroll.set(scroll);
            }
        }
    }
}

fn breadcrumbs(step: Step, lang: Lang) -> Line<'static> {
    let names = [
        (Step::Action, tr(lang, "1 Action", "1 対応")),
        (Step::Target, tr(lang, "2 Target", "2 対象")),
        (Step::Confirm, tr(lang, "3 Confirm", "3 確認")),
    ];
    let now = if step == Step::Findings {
        Step::Target
    } else {
        step
    };
    let mut spans = Vec::new();
    for (i, (st, name)) in names.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", dim()));
        }
        let style = if st == now {
            heading().patch(notice())
        } else {
            dim()
        };
        spans.push(Span::styled(name.to_owned(), style));
    }
    Line::from(spans)
}

/// A list of one-line rows with a cursor, scrolled to keep the cursor visible.
pub(super) fn draw_list(
    frame: &mut Frame,
    area: Rect,
    rows: &[String],
    cursor: usize,
    style: impl Fn(usize) -> Style,
) {
    let width = area.width as usize;
    let height = area.height as usize;
    let start = ui::window_start(cursor, height, rows.len());
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, r)| {
            let mark = if i == cursor { "›" } else { " " };
            let line = Line::styled(
                format!("{mark} {}", fit(r, width.saturating_sub(3))),
                style(i),
            );
            if i == cursor {
                line.patch_style(selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    // The last column marks rows out of sight above or below.
    if width > 3 && height > 0 {
        let x = area.right() - 1;
        if start > 0 {
            frame.render_widget(Span::styled("↑", notice()), Rect::new(x, area.y, 1, 1));
        }
        if start + height < rows.len() {
            let y = area.bottom() - 1;
            frame.render_widget(Span::styled("↓", notice()), Rect::new(x, y, 1, 1));
        }
    }
}

fn draw_actions(c: &Composer, app: &App, frame: &mut Frame, body: Rect) {
    let s = app.s();
    let lang = app.lang;
    let width = body.width as usize;
    let [list, about] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(body);
    let mut rows = Vec::new();
    let mut ok = Vec::new();
    for (id, a) in s.actions.iter() {
        let (note, available) = match availability(app, id) {
            Ok(()) => (words::effort(a.cost, a.turns, lang), true),
            Err(why) => (why, false),
        };
        let room = width.saturating_sub(ui::width(&note) + 5);
        let name = fit(a.name.get(lang), room);
        let pad = " ".repeat(room.saturating_sub(ui::width(&name)));
        rows.push(format!("{name}{pad}  {note}"));
        ok.push(available);
    }
    draw_list(frame, list, &rows, c.action, |i| {
        if ok[i] { Style::new() } else { dim() }
    });
    if let Some(id) = c.action_id(app) {
        let a = &s.actions[id];
        let mut lines = Vec::new();
        if let Some(d) = &a.description {
            lines.extend(ui::para(d.get(lang), width, 0, dim()));
        }
        frame.render_widget(Paragraph::new(lines), about);
    }
}
