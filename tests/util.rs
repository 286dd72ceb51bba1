//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A one-team session of `s` on `seed`, played to its end by `policy`.
pub fn played(
    s: &std::sync::Arc<cyberdrill::scenario::Scenario>,
    seed: u64,
    team: &str,
    policy: &mut dyn cyberdrill::session::bots::Policy,
) -> cyberdrill::session::Session {
    let mut session = cyberdrill::session::Session::new(s.clone(), seed, &[team]).unwrap();
    cyberdrill::session::bots::play(&mut session, cyberdrill::engine::TeamId(0), policy, None)
        .unwrap();
    session
}

/// Every shipped scenario file, sorted.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

/// The checker's base fixture (a frozen, valid scenario; see tests/fixtures/base.ron).
pub fn tutorial() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/base.ron")).expect("base fixture exists")
}

/// The base fixture with `find` (which must occur exactly once) replaced by `replace`.
pub fn tutorial_with(find: &str, replace: &str) -> String {
    let src = tutorial();
    assert_eq!(
        src.matches(find).count(),
        1,
        "`{find}` must occur exactly once in the base fixture"
    );
    src.replacen(find, replace, 1)
}

/// The tutorial in format 2 with two root causes on its findings form (the second `correct`)
/// and a `Finding(RootCause)` objective.
pub fn tutorial_with_root_causes() -> String {
    tutorial_with(
        "        ],\n    ),\n\n    scoring: (\n        objectives: [\n",
        r#"        ],
        root_causes: [
            (id: "no-training", text: (en: "Staff were never trained to spot phishing", ja: "職員がフィッシングを見分ける訓練を受けていなかった")),
            (id: "macros", correct: true, text: (en: "Office macros from the internet were allowed", ja: "インターネット由来のOfficeマクロが許可されていた")),
        ],
    ),

    scoring: (
        objectives: [
            (id: "cause", name: (en: "Name the root cause", ja: "根本原因を特定する"), points: 10,
                learning: ["lo-report"], kind: Finding(RootCause)),
"#,
    )
    .replacen("format: 1,", "format: 2,", 1)
}

/// Runs the real binary with `args` in the repository root.
pub fn cyberdrill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cyberdrill-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}
