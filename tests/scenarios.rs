//! Properties every shipped scenario keeps.

use cyberdrill::scenario;

use crate::util::shipped_scenarios;

#[test]
fn every_shipped_scenario_validates_without_errors_or_warnings() {
    let files = shipped_scenarios();
    assert!(!files.is_empty(), "scenarios/ holds at least the tutorial");
    for file in files {
        let checked = scenario::check_file(&file).expect("readable");
        let problems: Vec<String> = checked
            .problems
            .iter()
            .map(|p| format!("{}:{}: {} ({})", p.line, p.col, p.message, p.path))
            .collect();
        assert!(
            checked.is_valid() && problems.is_empty(),
            "{} has problems:\n{}",
            file.display(),
            problems.join("\n")
        );
        assert_eq!(
            checked.stats.languages.len(),
            2,
            "{} is complete in both languages",
            file.display()
        );
    }
}
