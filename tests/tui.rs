//! The terminal UI of `cyberdrill play`, driven by keys without a terminal: every screen drawn
//! on ratatui's `TestBackend` in both languages (snapshots in `tests/snapshots/`), and the
//! action composer's rules (legal targets only, effort accounting, refusals with reasons).

use std::path::PathBuf;
use std::sync::Arc;

use cyberdrill::engine::TeamId;
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::model::{Command, Lang, Target};
use cyberdrill::scoring::PenaltyKind;
use cyberdrill::session::Session;
use cyberdrill::session::bots::{Policy, Scripted};
use cyberdrill::tui::{App, ReplayNote};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::util::{root, temp_dir};

const TEAM: TeamId = TeamId(0);

fn scenario(name: &str) -> Arc<Scenario> {
    let path = root().join("scenarios").join(name);
    let text = std::fs::read_to_string(&path).expect("shipped scenario");
    let checked = cyberdrill::scenario::check_bytes(&path.display().to_string(), text.as_bytes());
    Arc::new(checked.scenario.expect("shipped scenarios are valid"))
}

/// The UI on the tutorial, seed 1, with a replay path that is shown but never written.
fn app(lang: Lang) -> App {
    let session = Session::new(scenario("tutorial.ron"), 1, &["solo"]).expect("one team");
    let note = ReplayNote {
        path: Some(PathBuf::from("replays/tutorial-seed1.jsonl")),
        ..ReplayNote::default()
    };
    App::new(session, lang, note)
}

/// Opens the action composer on the action at `index` (0-based, in the scenario's order).
fn compose(app: &mut App, index: usize) {
    keys(app, "a");
    press(app, KeyCode::Home);
    for _ in 0..index {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The screen as text, one line per row (the second cell of a wide character left out).
fn screen_at(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| app.draw(f)).expect("draws");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

fn screen(app: &mut App) -> String {
    screen_at(app, 80, 24)
}

fn suffix(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    }
}

/// Plays the walkthrough's commands for the next turn and ends the turn with the keys.
fn play_walkthrough_turn(app: &mut App) {
    let s = app.session().scenario().clone();
    let mut plan = Scripted::walkthrough(&s);
    app.with_session(|session| {
        let commands = plan.decide(&session.view(TEAM));
        session
            .submit(TEAM, commands)
            .expect("walkthrough commands");
    });
    keys(app, "ey");
}

// --- every screen, both languages

#[test]
fn every_screen_in_both_languages() {
    for lang in [Lang::En, Lang::Ja] {
        let l = suffix(lang);
        let mut app = app(lang);
        insta::assert_snapshot!(format!("briefing_{l}"), screen(&mut app));

        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("main_turn1_{l}"), screen(&mut app));

        keys(&mut app, "?");
        insta::assert_snapshot!(format!("help_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Esc);

        // The composer: the actions, a target list, the confirmation.
        keys(&mut app, "a");
        insta::assert_snapshot!(format!("composer_actions_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Home);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down); // Take a forensic disk image
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("composer_targets_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Down); // pc-01
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("composer_confirm_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("main_queued_{l}"), screen(&mut app));

        // The findings report form (the last action).
        compose(&mut app, 13);
        insta::assert_snapshot!(format!("composer_findings_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Esc);

        keys(&mut app, "h");
        insta::assert_snapshot!(format!("hints_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Esc);

        keys(&mut app, "e");
        insta::assert_snapshot!(format!("confirm_end_{l}"), screen(&mut app));
        keys(&mut app, "y");
        insta::assert_snapshot!(format!("turn_summary_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("main_turn2_{l}"), screen(&mut app));

        // The alert raised in turn 1, read whole.
        assert!(app.session().observe(TEAM).inbox.len() == 1);
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("reader_alert_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Esc);

        keys(&mut app, "q");
        insta::assert_snapshot!(format!("confirm_quit_{l}"), screen(&mut app));
        keys(&mut app, "n");
        assert!(!app.should_quit(), "any key but y keeps playing");
    }
}

#[test]
fn a_question_is_read_answered_and_the_debrief_shown_in_both_languages() {
    for lang in [Lang::En, Lang::Ja] {
        let l = suffix(lang);
        let mut app = app(lang);
        press(&mut app, KeyCode::Enter);
        play_walkthrough_turn(&mut app); // turn 1 (nothing to do yet)
        press(&mut app, KeyCode::Enter);
        play_walkthrough_turn(&mut app); // turn 2
        press(&mut app, KeyCode::Enter);
        // Turn 3: the deputy mayor's question is the newest message.
        let obs = app.session().observe(TEAM);
        assert_eq!(obs.turn, 2);
        press(&mut app, KeyCode::Home);
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(format!("reader_question_{l}"), screen(&mut app));
        // Nothing is chosen in advance: Enter alone answers nothing.
        press(&mut app, KeyCode::Enter);
        assert!(app.session().queued(TEAM).is_empty());
        // Answer the second choice shown with the keys; the answer names that choice, in
        // whatever order this team sees them.
        let inject = app.session().scenario().injects.id("keep-quiet").unwrap();
        let order = app.session().choice_order(TEAM, inject);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        let queued = app.session().queued(TEAM).to_vec();
        assert!(
            matches!(queued.as_slice(), [Command::Answer { choice, .. }] if *choice == order[1]),
            "the answer is queued: {queued:?}"
        );
        // Play the rest of the walkthrough to the end.
        app.with_session(|s| s.unqueue(TEAM));
        for _ in 0..10 {
            if app.session().ending(TEAM).is_some() {
                break;
            }
            play_walkthrough_turn(&mut app);
            press(&mut app, KeyCode::Enter);
        }
        assert!(app.session().ending(TEAM).is_some(), "the walkthrough ends");
        insta::assert_snapshot!(format!("debrief_result_{l}"), screen(&mut app));
        press(&mut app, KeyCode::Tab);
        insta::assert_snapshot!(format!("debrief_timeline_{l}"), screen(&mut app));
    }
}

#[test]
fn screens_fit_any_size_and_use_a_larger_one() {
    let mut app = app(Lang::Ja);
    press(&mut app, KeyCode::Enter);
    compose(&mut app, 1);
    // Small, odd and large sizes all draw (a resize is a draw at the new size); from 40
    // columns on, the composer's target step and its action still show.
    let _ = screen_at(&mut app, 20, 6);
    for (w, h) in [(40, 12), (80, 24), (81, 25), (133, 41), (200, 60)] {
        let text = screen_at(&mut app, w, h);
        assert!(text.contains("ターン1"), "{w}×{h}:\n{text}");
        assert!(text.contains("ログ"), "{w}×{h}:\n{text}");
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    insta::assert_snapshot!("main_turn1_120x40_ja", screen_at(&mut app, 120, 40));
}

// --- the composer's rules

/// The rows of the composer's list that start with the cursor mark or its blank.
fn target_rows(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let inner = l.trim_matches(|c| c == '│' || c == '┌' || c == '└');
            let inner = inner.trim_start_matches('│');
            inner
                .strip_prefix("› ")
                .or_else(|| inner.strip_prefix("  "))
                .filter(|r| r.contains('['))
                .map(|r| r.split_whitespace().next().unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn the_composer_offers_only_legal_targets() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    // Isolate pc-01 in turn 1 and play it.
    compose(&mut app, 4);
    let rows = target_rows(&screen(&mut app));
    assert_eq!(rows, ["mx-01", "pc-01", "pc-02", "fs-01"]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "ey");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.session().observe(TEAM).hosts[1].isolated,
        "pc-01 is isolated"
    );

    // Isolating again offers every host but pc-01 ...
    compose(&mut app, 4);
    let text = screen(&mut app);
    assert_eq!(target_rows(&text), ["mx-01", "pc-02", "fs-01"], "{text}");
    // ... and the session agrees, target for target.
    let s = app.session().scenario().clone();
    let isolate = s.actions.id("isolate").expect("tutorial action");
    let legal = app.session().legal_targets(TEAM, isolate);
    assert_eq!(legal.len(), 3);
    assert!(!legal.contains(&Target::Host(s.hosts.id("pc-01").unwrap())));
    press(&mut app, KeyCode::Esc);

    // Reconnecting offers pc-01 and nothing else.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(target_rows(&screen(&mut app)), ["pc-01"]);
}

#[test]
fn an_action_with_nothing_to_act_on_is_refused_with_its_reason() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "a");
    // The cursor starts on the first action that can be taken: not triage (no alert yet).
    let text = screen(&mut app);
    assert!(text.contains("› Analyse a host's logs"), "{text}");
    // Triage (first) has no alert to act on in turn 1: refused, with the reason.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(text.contains("nothing to act on now"), "{text}");
    assert!(
        text.contains("1 Action"),
        "still choosing the action: {text}"
    );
    assert!(app.session().queued(TEAM).is_empty());
}

#[test]
fn effort_is_counted_and_overspending_refused() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    let image = |app: &mut App, target_downs: usize| {
        keys(app, "a");
        press(app, KeyCode::Home);
        press(app, KeyCode::Down);
        press(app, KeyCode::Down); // Take a forensic disk image (2 effort)
        press(app, KeyCode::Enter);
        for _ in 0..target_downs {
            press(app, KeyCode::Down);
        }
        press(app, KeyCode::Enter);
        press(app, KeyCode::Enter);
    };
    image(&mut app, 1); // pc-01
    assert!(screen(&mut app).contains("Effort 2/4 left"));
    image(&mut app, 1); // pc-02 (pc-01 is queued already, so no longer listed)
    let text = screen(&mut app);
    assert!(text.contains("Effort 0/4 left"), "{text}");
    assert_eq!(app.session().queued(TEAM).len(), 2);

    // A third image needs 2 effort with none left: refused at the first step, with why.
    compose(&mut app, 2);
    let text = screen(&mut app);
    assert!(text.contains("needs 2 effort, 0 left"), "{text}");
    assert_eq!(app.session().queued(TEAM).len(), 2);
    press(&mut app, KeyCode::Esc);

    // Taking a queued action off gives its effort back.
    keys(&mut app, "3");
    press(&mut app, KeyCode::Down);
    keys(&mut app, "x");
    assert!(screen(&mut app).contains("Effort 2/4 left"));
    assert_eq!(app.session().queued(TEAM).len(), 1);
}

#[test]
fn a_hint_costs_points_only_once_confirmed() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    // Turn 1: the first hint is not available before turn 2; the reason is shown.
    keys(&mut app, "h");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(text.contains("turn 2"), "{text}");
    assert!(app.session().queued(TEAM).is_empty());
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "ey");
    press(&mut app, KeyCode::Enter);

    // Turn 2: asked first; declining queues nothing.
    keys(&mut app, "h");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(
        text.contains("5 points"),
        "the cost is shown before: {text}"
    );
    keys(&mut app, "n");
    assert!(app.session().queued(TEAM).is_empty());
    // Confirming queues it and shows it at once; once played it costs its points.
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "y");
    assert_eq!(app.session().queued(TEAM).len(), 1);
    let s = app.session().scenario().clone();
    let first = s.hints.ids().next().unwrap();
    let text = screen_at(&mut app, 120, 40);
    let opening: String = s.hints[first].text.en.chars().take(30).collect();
    assert!(text.contains(&opening), "shown at once: {text}");
    assert!(text.contains("counted when the turn is played"), "{text}");
    press(&mut app, KeyCode::Esc);
    // Read, it cannot be given back.
    assert!(matches!(
        app.with_session(|session| session.withdraw(TEAM, 0)),
        Err(cyberdrill::session::SessionError::HintShown)
    ));
    assert_eq!(app.session().queued(TEAM).len(), 1);
    keys(&mut app, "ey");
    let card = app.session().scorecard(TEAM);
    let hints: Vec<_> = card
        .penalties
        .iter()
        .filter(|p| matches!(p.kind, PenaltyKind::Hint(_)))
        .collect();
    assert!(
        matches!(hints.as_slice(), [p] if p.points == 5),
        "one hint of 5 points: {card:?}"
    );
}

#[test]
fn quitting_asks_first_and_the_report_is_written_at_the_end() {
    let dir = temp_dir("tui-report");
    let session = Session::new(scenario("tutorial.ron"), 1, &["solo"]).expect("one team");
    let mut app = App::new(session, Lang::En, ReplayNote::beside(dir.join("run.jsonl")));
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "q");
    assert!(!app.should_quit(), "q only asks");
    press(&mut app, KeyCode::Esc);
    assert!(!app.should_quit());
    for _ in 0..10 {
        if app.session().ending(TEAM).is_some() {
            break;
        }
        play_walkthrough_turn(&mut app);
        press(&mut app, KeyCode::Enter);
    }
    let report = dir.join("run.html");
    let html = std::fs::read_to_string(&report).expect("the report is written at the end");
    assert!(html.contains("<html"), "an HTML report");
    let text = screen_at(&mut app, 120, 40);
    assert!(text.contains("After-action report written to"), "{text}");
    assert!(text.contains("run.html"), "{text}");
    keys(&mut app, "qy");
    assert!(app.should_quit());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_twice_gets_out_from_anywhere() {
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    // From the briefing, the help and the composer.
    for opening in ["", "?", "\na"] {
        let mut app = app(Lang::En);
        for c in opening.chars() {
            press(
                &mut app,
                if c == '\n' {
                    KeyCode::Enter
                } else {
                    KeyCode::Char(c)
                },
            );
        }
        app.handle_key(ctrl_c);
        assert!(!app.should_quit(), "{opening:?}: the first one asks");
        assert!(
            screen(&mut app).contains("Quit"),
            "{opening:?}: the question shows"
        );
        app.handle_key(ctrl_c);
        assert!(app.should_quit(), "{opening:?}: the second one quits");
    }
    // While `q`'s question is up, Ctrl-C answers it.
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "q");
    app.handle_key(ctrl_c);
    assert!(app.should_quit());
}

#[test]
fn play_reports_an_invalid_scenario_before_asking_for_a_terminal() {
    let dir = temp_dir("play-invalid");
    let bad = super::util::write(
        &dir,
        "bad.ron",
        super::util::tutorial_with("target: \"fs-01\"", "target: \"fs-1\""),
    );
    let out = super::util::cyberdrill(&["play", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown host `fs-1`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_findings_form_queues_the_report_as_filled_in() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "a");
    press(&mut app, KeyCode::End); // Submit the incident report
    press(&mut app, KeyCode::Enter);
    // Nothing is chosen in advance: the report cannot be filed yet.
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(text.contains("Choose an entry vector"), "{text}");
    // Entry vector: the USB stick, wherever it is shown; affected: pc-01; first compromise:
    // turn 1.
    let s = app.session().scenario().clone();
    let usb = app
        .session()
        .entry_order(TEAM)
        .iter()
        .position(|e| s.entry_vectors.key(*e) == "usb")
        .unwrap();
    for _ in 0..usb {
        press(&mut app, KeyCode::Down);
    }
    keys(&mut app, " ");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Down);
    keys(&mut app, " ");
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(
        text.contains("Give the turn of the first compromise"),
        "{text}"
    );
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    assert!(text.contains("3 Confirm"), "{text}");
    press(&mut app, KeyCode::Enter);
    let s = app.session().scenario().clone();
    let queued = app.session().queued(TEAM).to_vec();
    let [
        Command::Act {
            action,
            target: Target::Findings(f),
        },
    ] = queued.as_slice()
    else {
        panic!("one findings report queued: {queued:?}");
    };
    assert_eq!(s.actions.key(*action), "report");
    assert_eq!(s.entry_vectors.key(f.entry), "usb");
    assert_eq!(f.hosts, [s.hosts.id("pc-01").unwrap()]);
    assert!(f.data.is_empty());
    assert_eq!(f.first_turn, 1);
}

#[test]
fn a_long_confirmation_scrolls() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    compose(&mut app, 4); // Isolate a host
    press(&mut app, KeyCode::Down); // pc-01
    press(&mut app, KeyCode::Enter);
    // A terminal too short for the whole preview: its first line shows, then scrolls away.
    let top = screen_at(&mut app, 60, 10);
    assert!(
        top.contains("Isolate a host from the network: pc-01"),
        "{top}"
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let scrolled = screen_at(&mut app, 60, 10);
    assert!(
        !scrolled.contains("Isolate a host from the network: pc-01"),
        "{scrolled}"
    );
    // Still confirming: Enter queues it.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.session().queued(TEAM).len(), 1);
}

#[test]
fn answering_again_keeps_or_replaces_the_queued_answer() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    play_walkthrough_turn(&mut app);
    press(&mut app, KeyCode::Enter);
    play_walkthrough_turn(&mut app);
    press(&mut app, KeyCode::Enter);
    // Answers with the choice shown at `pos` (the first ↓ picks the first choice).
    let answer = |app: &mut App, pos: usize| {
        press(app, KeyCode::Home);
        press(app, KeyCode::Enter); // the deputy mayor's question, newest
        for _ in 0..=pos {
            press(app, KeyCode::Down);
        }
        press(app, KeyCode::Enter);
    };
    let inject = app.session().scenario().injects.id("keep-quiet").unwrap();
    let order = app.session().choice_order(TEAM, inject);
    let choices = |app: &App| -> Vec<usize> {
        app.session()
            .queued(TEAM)
            .iter()
            .filter_map(|c| match c {
                Command::Answer { choice, .. } => Some(*choice),
                _ => None,
            })
            .collect()
    };
    answer(&mut app, 1);
    assert_eq!(choices(&app), [order[1]]);
    answer(&mut app, 1); // the same answer again: still queued, once
    assert_eq!(choices(&app), [order[1]]);
    answer(&mut app, 0); // another answer replaces it
    assert_eq!(choices(&app), [order[0]]);
}

#[test]
fn the_turn_summary_explains_each_change_of_the_score() {
    for lang in [Lang::En, Lang::Ja] {
        let mut app = app(lang);
        press(&mut app, KeyCode::Enter);
        let mut explained = false;
        for _ in 0..10 {
            if app.session().ending(TEAM).is_some() {
                break;
            }
            play_walkthrough_turn(&mut app);
            let turn = app.session().turn(TEAM);
            let (before, after) = app.session().scores_around(TEAM, turn);
            let text = screen_at(&mut app, 100, 60);
            if before.total != after.total {
                let head = match lang {
                    Lang::En => format!("Score: {} → {}", before.total, after.total),
                    Lang::Ja => format!("得点：{} → {}", before.total, after.total),
                };
                assert!(text.contains(&head), "{text}");
                // The first change shows under the heading (the rest scroll into view).
                for c in app.session().score_changes(TEAM, turn).into_iter().take(1) {
                    let points = if c.points > 0 {
                        format!("+{}", c.points)
                    } else {
                        format!("−{}", -c.points)
                    };
                    assert!(text.contains(&points), "{points}: {text}");
                }
                explained = true;
            }
            press(&mut app, KeyCode::Enter);
        }
        assert!(explained, "the walkthrough's score changes");
    }
}

/// An alert raised again turn after turn (a noisy source) is one inbox row with its count;
/// triaging an alert marks it read.
#[test]
fn repeated_alerts_are_one_row_and_triage_marks_them_read() {
    let session = Session::new(scenario("municipal-breach.ron"), 1, &["solo"]).expect("one team");
    let mut app = App::new(session, Lang::En, ReplayNote::default());
    press(&mut app, KeyCode::Enter);
    for _ in 0..6 {
        keys(&mut app, "ey");
        press(&mut app, KeyCode::Esc);
    }
    let raised: usize = app
        .session()
        .observe(TEAM)
        .inbox
        .iter()
        .filter(|i| matches!(i, cyberdrill::session::observation::InboxItem::Alert { .. }))
        .count();
    let text = screen_at(&mut app, 160, 80);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" alert on ")).collect();
    assert!(
        rows.iter().any(|r| r.contains(" × ")),
        "{raised} alerts raised, some again: {text}"
    );
    assert!(
        rows.len() < raised,
        "{} rows for {raised} alerts",
        rows.len()
    );
    // Each alert once.
    let mut titles: Vec<String> = rows
        .iter()
        .map(|r| {
            let r = r.trim_start_matches(['│', ' ', '●']);
            r.split(" × ").next().unwrap().trim_end().to_owned()
        })
        .collect();
    let n = titles.len();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), n, "{rows:?}");

    // The inbox's first alert row (the second row: the newest entry is the newspaper's
    // call), unread: `t` opens its triage (then Esc), and it is read.
    let first = |app: &mut App| {
        screen_at(app, 160, 80)
            .lines()
            .find(|l| l.contains(" alert on "))
            .unwrap()
            .to_owned()
    };
    let before = first(&mut app);
    assert!(before.contains('●'), "{before}");
    for _ in 0..40 {
        press(&mut app, KeyCode::Up);
    }
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Esc);
    let after = first(&mut app);
    assert!(!after.contains('●'), "{after}");
}

/// The selection stays on the same entry when a new turn brings new ones above it.
#[test]
fn the_selection_follows_its_entry_across_turns() {
    let session = Session::new(scenario("municipal-breach.ron"), 1, &["solo"]).expect("one team");
    let mut app = App::new(session, Lang::En, ReplayNote::default());
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        keys(&mut app, "ey");
        press(&mut app, KeyCode::Esc);
    }
    // The last inbox entry (the oldest): the first proxy alert on zei-pc07.
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    // The reader shows the alert's text (the inbox row only its title).
    let first = screen_at(&mut app, 160, 50);
    assert!(first.contains("every 300 seconds"), "{first}");
    press(&mut app, KeyCode::Esc);
    // Three more turns bring new entries at the top of the inbox.
    let entries = app.session().observe(TEAM).inbox.len();
    for _ in 0..3 {
        keys(&mut app, "ey");
        press(&mut app, KeyCode::Esc);
    }
    assert!(app.session().observe(TEAM).inbox.len() > entries);
    press(&mut app, KeyCode::Enter);
    let again = screen_at(&mut app, 160, 50);
    assert!(again.contains("every 300 seconds"), "{again}");
}

/// The target list starts on the host the team has reason to suspect, not on the first one.
#[test]
fn the_target_list_starts_on_the_suspicious_host() {
    let mut app = app(Lang::En);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "ey");
    press(&mut app, KeyCode::Esc);
    let status = app.session().observe(TEAM).hosts[1].status;
    assert_ne!(
        status,
        cyberdrill::session::observation::HostStatus::Normal,
        "the EDR alert makes pc-01 suspect"
    );
    // Isolate a host: the cursor is on pc-01, the second host listed.
    compose(&mut app, 4);
    let text = screen(&mut app);
    assert_eq!(target_rows(&text)[0], "mx-01", "{text}");
    let selected = text
        .lines()
        .find_map(|l| l.trim_start_matches(['│', '┌', '└']).strip_prefix("› "))
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(selected, "pc-01", "{text}");
}

/// A question that must be answered by a turn is listed in the Work pane with its deadline.
#[test]
fn questions_with_a_deadline_are_listed_as_work() {
    use cyberdrill::session::observation::InboxItem;
    let session = Session::new(scenario("municipal-breach.ron"), 1, &["solo"]).expect("one team");
    let mut app = App::new(session, Lang::En, ReplayNote::default());
    press(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        keys(&mut app, "ey");
        press(&mut app, KeyCode::Esc);
        let obs = app.session().observe(TEAM);
        let waiting = obs.inbox.iter().find_map(|i| match i {
            InboxItem::Message {
                inject,
                answer: None,
                expired: false,
                answer_by: Some(by),
                ..
            } => Some((*inject, *by)),
            _ => None,
        });
        if let Some((inject, by)) = waiting {
            let text = screen_at(&mut app, 160, 60);
            let subject = app.session().scenario().injects[inject].subject.en.clone();
            let short: String = subject.chars().take(20).collect();
            assert!(text.contains("Answers due"), "{text}");
            assert!(
                text.lines()
                    .any(|l| l.contains(&short) && l.contains(&format!("by turn {by}"))),
                "{subject} by turn {by}: {text}"
            );
            return;
        }
    }
    panic!("no question with a deadline came in ten turns");
}

#[test]
fn the_findings_form_asks_for_a_root_cause_where_the_scenario_has_them() {
    let text = crate::util::tutorial_with_root_causes();
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("tutorial-v2.ron", text.as_bytes())
            .scenario
            .expect("loads"),
    );
    let session = Session::new(s, 1, &["solo"]).expect("one team");
    let mut app = App::new(session, Lang::En, ReplayNote::default());
    press(&mut app, KeyCode::Enter);
    compose(&mut app, 13);
    let form = screen(&mut app);
    assert!(form.contains("Root cause"), "{form}");
    assert!(
        form.contains("( ) Office macros from the internet were allowed"),
        "{form}"
    );
    // Entry vector, hosts, data, turn, then the root cause.
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char(' '));
    let chosen = screen(&mut app);
    let first = first_cause_listed(&chosen);
    assert!(chosen.contains(&format!("(•) {first}")), "{chosen}");
    // Without root causes (the tutorial), the form has no such field.
    let mut plain = self::app(Lang::En);
    press(&mut plain, KeyCode::Enter);
    compose(&mut plain, 13);
    assert!(!screen(&mut plain).contains("Root cause"));
}

/// The first root cause the form lists (each team sees its own order).
fn first_cause_listed(screen: &str) -> String {
    let causes = [
        "Staff were never trained to spot phishing",
        "Office macros from the internet were allowed",
    ];
    causes
        .into_iter()
        .min_by_key(|c| screen.find(c).unwrap_or(usize::MAX))
        .unwrap()
        .to_owned()
}
