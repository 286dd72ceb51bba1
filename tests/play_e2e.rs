//! End to end: the real `cyberdrill play` binary in a pseudo-terminal (80x24), its output
//! parsed by a terminal emulator (`vt100`) and its screen read back as text, the keys sent as
//! a terminal would send them. Slower than `tui.rs` (which drives the app directly), so only
//! the few things that need the real process: raw mode and the alternate screen, the exit
//! status, the replay on disk, and the refusal without a terminal.
//!
//! Every wait is on screen text, with generous timeouts that only catch hangs; a failing wait
//! prints the whole screen. The child is killed and its directory removed when a test fails.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

use crate::util::{cyberdrill, root};

const ROWS: u16 = 24;
const COLS: u16 = 80;
/// How long any one screen may take to appear: a bound for hangs, not a speed target (CI has
/// two cores and runs the other tests alongside).
const TIMEOUT: Duration = Duration::from_secs(20);
/// How often the screen is looked at while waiting.
const POLL: Duration = Duration::from_millis(10);

const ENTER: &[u8] = b"\r";
const UP: &[u8] = b"\x1b[A";
const DOWN: &[u8] = b"\x1b[B";

/// A fresh directory under the system temp dir, removed when dropped (also when a test fails).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        Self(crate::util::temp_dir(&format!("e2e-{name}")))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `cyberdrill play` running in a pseudo-terminal. Dropping it kills the child if it is still
/// running, so a failed assertion never leaves a process behind.
struct Play {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set by the reader thread when the terminal has nothing more to read.
    closed: Arc<AtomicBool>,
    // Kept open for the child's lifetime: dropping the master hangs up the terminal.
    master: Box<dyn MasterPty + Send>,
}

impl Play {
    /// Starts `cyberdrill play <tutorial> --lang en --seed 1 --replay <replay>` in `cwd`.
    fn start(cwd: &Path, replay: &Path) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal opens");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_cyberdrill"));
        cmd.arg("play");
        cmd.arg(root().join("scenarios/tutorial.ron"));
        cmd.args([
            "--lang", "en", "--seed", "1", "--player", "Aoki", "--replay",
        ]);
        cmd.arg(replay);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        // The installation's key, kept in the test's directory.
        cmd.env("CYBERDRILL_KEY", cwd.join("signing.key"));
        let child = pair.slave.spawn_command(cmd).expect("the binary starts");
        // Only the child holds the terminal's slave side now, so reads end when it exits.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(COLS).expect("columns"),
            0,
        )));
        let closed = Arc::new(AtomicBool::new(false));
        let mut reader = pair.master.try_clone_reader().expect("a pty reader");
        {
            let parser = Arc::clone(&parser);
            let closed = Arc::clone(&closed);
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        // EOF, or EIO on Linux once the child has closed the terminal.
                        Ok(0) | Err(_) => break,
                        Ok(n) => parser.lock().unwrap().process(&buf[..n]),
                    }
                }
                closed.store(true, Ordering::SeqCst);
            });
        }
        let writer = pair.master.take_writer().expect("a pty writer");
        Self {
            child,
            writer,
            parser,
            closed,
            master: pair.master,
        }
    }

    /// The screen as text, one line per row.
    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Panics with the whole screen and the child's state.
    fn fail(&mut self, why: &str) -> ! {
        let state = match self.child.try_wait() {
            Ok(Some(status)) => format!("exited with {status:?}"),
            Ok(None) => "still running".to_owned(),
            Err(e) => format!("state unknown: {e}"),
        };
        let closed = if self.closed.load(Ordering::SeqCst) {
            ", terminal closed"
        } else {
            ""
        };
        panic!(
            "{why}\n(the child is {state}{closed}; the screen:)\n{}\n{}\n{}",
            "-".repeat(COLS as usize),
            self.screen(),
            "-".repeat(COLS as usize)
        );
    }

    /// Waits until `found` finds something on the screen (described by `what` if it never
    /// does) and returns it.
    fn wait_map<T>(&mut self, what: &str, found: impl Fn(&vt100::Screen) -> Option<T>) -> T {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(x) = found(self.parser.lock().unwrap().screen()) {
                return x;
            }
            if Instant::now() > deadline {
                self.fail(&format!("timed out after {TIMEOUT:?} waiting for {what}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until `ready` holds for the screen; returns the screen's text.
    fn wait_until(&mut self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) -> String {
        self.wait_map(what, |s| ready(s).then(|| s.contents()))
    }

    /// Waits until the screen contains `text`; returns the screen's text.
    fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on the screen"), |s| {
            s.contents().contains(text)
        })
    }

    /// Resizes the terminal (and the emulator reading it), as a window manager would.
    fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.lock().unwrap().set_size(
            NonZeroU16::new(rows).expect("rows"),
            NonZeroU16::new(cols).expect("columns"),
        );
        if let Err(e) = self.master.resize(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        }) {
            self.fail(&format!("cannot resize the terminal: {e}"));
        }
    }

    /// Sends `bytes` as typed keys.
    fn send(&mut self, bytes: &[u8]) {
        if let Err(e) = self
            .writer
            .write_all(bytes)
            .and_then(|()| self.writer.flush())
        {
            self.fail(&format!("cannot send {bytes:?}: {e}"));
        }
    }

    /// Moves the highlight of the list on screen (the line marked "› ") to the line that
    /// starts with `label`, with ↑ or ↓ depending on where that line is (↓ if it is not in
    /// view), waiting for each move to show.
    fn highlight(&mut self, label: &str) {
        for _ in 0..40 {
            let (at, text, target) = self.wait_map("a highlighted line (› ) in a list", |s| {
                let rows: Vec<String> = s.rows(0, COLS).collect();
                let (at, text) = rows
                    .iter()
                    .enumerate()
                    .find_map(|(i, r)| highlighted(r).map(|t| (i, t.to_owned())))?;
                let target = rows.iter().position(|r| list_line(r).starts_with(label));
                Some((at, text, target))
            });
            if text.starts_with(label) {
                return;
            }
            self.send(if target.is_some_and(|t| t < at) {
                UP
            } else {
                DOWN
            });
            self.wait_until(&format!("the highlight to move off {text:?}"), |s| {
                s.rows(0, COLS)
                    .enumerate()
                    .find_map(|(i, r)| highlighted(&r).map(|t| (i, t.to_owned())))
                    .is_some_and(|(i, t)| i != at || t != text)
            });
        }
        self.fail(&format!(
            "no line starting with {label:?} could be highlighted"
        ));
    }

    /// Ends turn `turn` (`e`, then `y`), waits for its summary, closes it with Enter, and
    /// returns whether the exercise is over (the debrief is showing).
    fn end_turn(&mut self, turn: u32) -> bool {
        self.send(b"e");
        self.wait_for(&format!("End turn {turn}"));
        self.send(b"y");
        let title = format!("Turn {turn} —");
        self.wait_for(&title);
        self.send(ENTER);
        let next = format!("Turn {}/", turn + 1);
        let screen = self.wait_until(
            &format!(
                "the summary of turn {turn} to close (then the debrief or turn {})",
                turn + 1
            ),
            |s| {
                let text = s.contents();
                text.contains("Debrief") || (!text.contains(&title) && text.contains(&next))
            },
        );
        screen.contains("Debrief")
    }

    /// Quits with `q` then `y` (the question differs between the game and the debrief), waits
    /// for the process to end and for the terminal to be back on its main screen, with the
    /// replay's path printed; returns the exit status.
    fn quit(&mut self) -> ExitStatus {
        self.send(b"q");
        self.wait_until("the quit question", |s| {
            let text = s.contents();
            text.contains("Quit the exercise?") || text.contains("Leave cyberdrill?")
        });
        self.send(b"y");
        let status = self.wait_exit();
        // The terminal is given back (main screen) and the last words are printed on it.
        self.wait_until("the main screen with \"Replay written to\"", |s| {
            !s.alternate_screen() && s.contents().contains("Replay written to")
        });
        status
    }

    /// Waits for the child to exit.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() <= deadline => std::thread::sleep(POLL),
                Ok(None) => self.fail(&format!("the child did not exit within {TIMEOUT:?}")),
                Err(e) => self.fail(&format!("cannot wait for the child: {e}")),
            }
        }
    }
}

impl Drop for Play {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The text of a list line inside a window: the row without its borders, its highlight
/// marker and its indentation.
fn list_line(row: &str) -> &str {
    let inner = row.trim_start_matches(['│', ' ']);
    inner.strip_prefix("› ").unwrap_or(inner).trim_start()
}

/// The text of the row if it is a list's highlighted line (marked "› ").
fn highlighted(row: &str) -> Option<&str> {
    row.trim_start_matches(['│', ' '])
        .strip_prefix("› ")
        .map(|rest| rest.trim_end_matches(['│', ' ']))
}

/// The effort left this turn, as the header (the top row) shows it: "Effort 4/4 left".
fn effort_left(screen: &vt100::Screen) -> Option<u32> {
    let header = screen.rows(0, COLS).next()?;
    let after = &header[header.find("Effort ")? + "Effort ".len()..];
    after[..after.find('/')?].parse().ok()
}

/// Checks the replay log on disk: a header line, the player's member line, exactly `turns`
/// turn lines numbered 1..=turns, and a seal signed by the installation's key (with `reason`);
/// and that `cyberdrill replay verify --key` accepts it. Returns the turn lines.
fn check_replay(replay: &Path, turns: u32, reason: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(replay)
        .unwrap_or_else(|e| panic!("the replay {} is readable: {e}", replay.display()));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a JSON line: {e}\n{l}")))
        .collect();
    assert_eq!(
        lines.first().and_then(|h| h["type"].as_str()),
        Some("header"),
        "the first line is the header:\n{text}"
    );
    assert!(
        lines[0]["started"].is_string(),
        "the header says when: {text}"
    );
    assert_eq!(lines[1]["type"], "member", "{text}");
    assert_eq!(lines[1]["name"], "Aoki", "{text}");
    let seal = lines.last().expect("lines");
    assert_eq!(seal["type"], "seal", "the last line is the seal:\n{text}");
    assert_eq!(seal["reason"], reason, "{text}");
    let key = seal["signature"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("the seal is signed: {text}"))
        .to_owned();
    let turn_lines: Vec<serde_json::Value> =
        lines.into_iter().filter(|l| l["type"] == "turn").collect();
    let numbers: Vec<u64> = turn_lines
        .iter()
        .map(|l| l["turn"].as_u64().expect("a turn number"))
        .collect();
    assert_eq!(
        numbers,
        (1..=u64::from(turns)).collect::<Vec<_>>(),
        "one turn line per turn played:\n{text}"
    );
    let path = replay.to_str().expect("a UTF-8 temp path");
    let public = Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .args(["replay", "key"])
        .env(
            "CYBERDRILL_KEY",
            replay.parent().expect("a directory").join("signing.key"),
        )
        .output()
        .expect("the binary runs");
    assert_eq!(
        String::from_utf8_lossy(&public.stdout).trim(),
        key,
        "signed with the installation's key"
    );
    let out = cyberdrill(&["replay", "verify", path, "--key", &key]);
    assert!(
        out.status.success(),
        "replay verify fails: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    turn_lines
}

/// Briefing, one real action queued through the composer, then turns ended until the debrief;
/// the debrief shows the score and the replay; `q` `y` exits 0 and the replay verifies.
#[test]
fn a_whole_exercise_played_in_a_terminal_leaves_a_verifiable_replay() {
    let dir = TempDir::new("whole");
    let replay = dir.path().join("run.jsonl");
    let mut play = Play::start(dir.path(), &replay);

    play.wait_for("Briefing");
    play.send(ENTER);
    play.wait_for("Turn 1/10");
    let before = play.wait_map("the effort in the header", effort_left);

    // Image pc-01: the action, then the target, then queue it.
    play.send(b"a");
    play.wait_for("Plan turn 1");
    play.highlight("Take a forensic disk image");
    play.send(ENTER);
    play.wait_until("the target step (pc-01 listed)", |s| {
        s.rows(0, COLS).any(|r| list_line(&r).starts_with("pc-01"))
            && !s.rows(0, COLS).any(|r| {
                highlighted(&r).is_some_and(|h| h.starts_with("Take a forensic disk image"))
            })
    });
    play.highlight("pc-01");
    play.send(ENTER);
    play.wait_for("Take a forensic disk image: pc-01");
    play.send(ENTER);
    play.wait_until(
        &format!("the composer to close and the effort to go down from {before}"),
        |s| !s.contents().contains("Plan turn 1") && effort_left(s).is_some_and(|e| e < before),
    );

    let mut turns = 0;
    let mut over = false;
    while !over {
        turns += 1;
        if turns > 10 {
            play.fail("the tutorial has 10 turns, but no debrief came after the 10th");
        }
        over = play.end_turn(turns);
    }

    // The debrief shows the score and where the replay went (waited for, not read at once: a
    // frame can arrive in pieces). The full path fits on its line unless the system temp dir
    // is unusually long.
    let shown = replay.display().to_string();
    let fits = "│Replay written to ".chars().count() + shown.chars().count() < COLS as usize;
    let path = if fits { shown.as_str() } else { "run.jsonl" };
    play.wait_until(
        &format!("the debrief with the score and \"Replay written to {path}\""),
        |s| {
            let text = s.contents();
            text.contains("Debrief")
                && text.contains("Score")
                && text.contains("Replay written to")
                && text.contains(path)
        },
    );

    let status = play.quit();
    assert!(status.success(), "exit status {status:?}");
    // The after-action report was written beside the replay when the exercise ended.
    let html = std::fs::read_to_string(replay.with_extension("html")).expect("the report");
    assert!(html.contains("Tutorial"), "the report is of the tutorial");
    let logged = check_replay(&replay, turns, "completed");
    let first = logged[0]["actions"].to_string();
    assert!(
        first.contains("image-disk") && first.contains("pc-01"),
        "turn 1 records the image of pc-01 queued in the composer: {first}"
    );
    assert_eq!(
        logged[0]["by"].to_string(),
        r#"["Aoki"]"#,
        "and who queued it"
    );
}

/// Two turns, then `q` `y` in the middle of the exercise: exit 0, and the replay keeps exactly
/// the two turns played and verifies.
#[test]
fn quitting_mid_exercise_keeps_the_replay_of_the_turns_played() {
    let dir = TempDir::new("quit");
    let replay = dir.path().join("run.jsonl");
    let mut play = Play::start(dir.path(), &replay);

    play.wait_for("Briefing");
    play.send(ENTER);
    play.wait_for("Turn 1/10");
    for turn in 1..=2 {
        assert!(
            !play.end_turn(turn),
            "the tutorial lasts more than {turn} turn(s)"
        );
    }
    play.wait_for("Turn 3/10");

    let status = play.quit();
    assert!(status.success(), "exit status {status:?}");
    check_replay(&replay, 2, "closed");
}

/// `ESC [ ?` begins a sequence that a terminal never finishes: it must not freeze the UI.
/// A resize still redraws, the next key ends the sequence, and Ctrl-C twice (ask, then yes)
/// always gets out, keeping the replay.
#[test]
fn a_stray_escape_sequence_never_freezes_the_screen() {
    let dir = TempDir::new("stray");
    let replay = dir.path().join("run.jsonl");
    let mut play = Play::start(dir.path(), &replay);
    play.wait_for("Briefing");
    play.send(ENTER);
    play.wait_for("Turn 1/10");
    assert!(!play.end_turn(1));

    play.send(b"\x1b[?");
    play.resize(30, 100);
    play.wait_until("a redraw 100 columns wide", |s| {
        (0..30).any(|row| {
            s.cell(row, 99)
                .is_some_and(|c| !c.contents().trim().is_empty())
        })
    });
    play.send(b"\x1b[?1;2");
    play.send(b"\x03");
    play.wait_for("Quit the exercise?");
    play.send(b"\x03");
    let status = play.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    check_replay(&replay, 1, "closed");
}

/// A replay file that exists already is never overwritten: `play` refuses before starting.
#[test]
fn an_existing_replay_file_is_kept() {
    let dir = TempDir::new("existing");
    let replay = dir.path().join("run.jsonl");
    std::fs::write(&replay, "an earlier session\n").expect("write");
    let mut play = Play::start(dir.path(), &replay);
    let status = play.wait_exit();
    assert_eq!(
        status.exit_code(),
        2,
        "an existing file is a wrong argument"
    );
    play.wait_for("already exists");
    assert_eq!(
        std::fs::read_to_string(&replay).expect("still there"),
        "an earlier session\n"
    );
}

/// Without a terminal (stdin and stdout are pipes), `play` refuses with status 1 and says
/// why, before writing anything.
#[test]
fn play_without_a_terminal_exits_1_and_says_it_needs_one() {
    let dir = TempDir::new("notty");
    let out = Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .arg("play")
        .arg(root().join("scenarios/tutorial.ron"))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("needs a terminal"), "stderr: {stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the temp dir")
        .map(|e| e.expect("an entry").path())
        .collect();
    assert!(
        left.is_empty(),
        "nothing is written without a terminal: {left:?}"
    );
}
