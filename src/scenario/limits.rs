//! What a scenario may contain at most: the file's size, the number of items in each list, the
//! length of ids, texts and names. `check` enforces these before anything is built from the
//! file (the typed model, the network's reachability, the walkthrough's playthroughs), so time
//! and memory stay proportional to the file whatever it holds. docs/scenario-format.md lists
//! them in its "Limits" table; keep the two in step.
//!
//! Numbers (turns, points, effort, chances) have their own ranges, checked by the validator
//! (`MAX_TURNS`, `MAX_POINTS` and [`MAX_TOTAL_POINTS`]).

use super::locate::{LineCol, walk};
use super::problem::{Problem, Severity};

/// Largest scenario file, in bytes (4 MiB; the shipped scenarios are about 100 KB).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest id (`id: "…"`), in characters.
pub const MAX_ID_CHARS: usize = 64;

/// Longest string of any other kind (a text in one language, an address, a tag), in
/// characters.
pub const MAX_STRING_CHARS: usize = 4_000;

/// Longest name of a field or variant, in characters (the longest real one is about 20).
pub const MAX_NAME_CHARS: usize = 64;

/// Most items in any list not named in [`LISTS`] (the hosts a stage reveals, the actions of
/// one walkthrough turn …), and most fields in a structure.
pub const MAX_ITEMS: usize = 1_000;

/// Most points all scored objectives can give together.
pub const MAX_TOTAL_POINTS: u64 = 1_000_000;

/// Lists with a limit of their own: the network and the cast, which the engine holds per
/// team and compares pairwise.
pub const LISTS: &[(&str, usize)] = &[
    ("organisation.segments", 256),
    ("organisation.hosts", 20_000),
    ("organisation.accounts", 1_000),
    ("organisation.data_sets", 1_000),
    ("organisation.business_functions", 256),
    ("organisation.external_addresses", 1_000),
    ("organisation.mitigations", 256),
    ("stakeholders", 256),
    ("notifications", 256),
    ("learning_objectives", 256),
    ("adversary.infrastructure", 256),
    ("adversary.stages", 1_000),
    ("noise", 20_000),
    ("injects", 1_000),
    ("actions", 256),
    ("hints", 256),
    ("scoring.objectives", 1_000),
    ("scoring.grades", 32),
];

/// The limit on the list at `pattern` (see [`Visit::pattern`]).
pub fn list_limit(pattern: &str) -> usize {
    LISTS
        .iter()
        .find(|(p, _)| *p == pattern)
        .map_or(MAX_ITEMS, |&(_, n)| n)
}

/// Everything in `src` that is over a limit, one problem per offending value in file order
/// (at most [`MAX_REPORTED`], then one saying how many more there are). The text is read
/// once and nothing is built from it; `line_col` places the problems found.
pub fn check(src: &str, line_col: &dyn Fn(usize) -> LineCol) -> Vec<Problem> {
    // (position in file order, where, path, message, hint)
    let mut found: Vec<(usize, std::ops::Range<usize>, String, String, &'static str)> = Vec::new();
    walk(src, &mut |seq, v| {
        let mut over = |message: String, hint: &'static str| {
            found.push((seq, v.span.clone(), v.shown.to_owned(), message, hint));
        };
        let limit = list_limit(v.pattern);
        if v.items > limit {
            over(
                format!("{} items, more than the limit of {limit}", v.items),
                "see \"Limits\" in docs/scenario-format.md",
            );
        }
        if let Some(chars) = v.string_chars {
            let is_id = v.pattern == "id" || v.pattern.ends_with(".id");
            let (limit, what) = if is_id {
                (MAX_ID_CHARS, "an id")
            } else {
                (MAX_STRING_CHARS, "a string")
            };
            if chars > limit {
                over(
                    format!("{what} of {chars} characters, more than the limit of {limit}"),
                    "see \"Limits\" in docs/scenario-format.md",
                );
            }
        }
        if v.name_chars > MAX_NAME_CHARS {
            over(
                format!(
                    "a name of {} characters, more than the limit of {MAX_NAME_CHARS}",
                    v.name_chars
                ),
                "is a quote missing before this text?",
            );
        }
    });
    // Visits come children first; file order is the order of their positions (a value's
    // own problems in the order they were found).
    found.sort_by_key(|(seq, ..)| *seq);
    let more = found.len().saturating_sub(MAX_REPORTED);
    found.truncate(MAX_REPORTED);
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|(_, span, path, message, hint)| {
            let at = line_col(span.start);
            Problem {
                severity: Severity::Error,
                line: at.line,
                col: at.col,
                path,
                message,
                hint: Some(hint.to_owned()),
                span,
            }
        })
        .collect();
    if more > 0 {
        let mut last = problems.last().cloned().expect("the list is full");
        last.message = format!("and {more} more values over a limit");
        last.hint = None;
        problems.push(last);
    }
    problems
}

/// Problems over a limit reported one by one; the rest are counted.
pub const MAX_REPORTED: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<Problem> {
        let map = crate::scenario::locate::SourceMap::new(src);
        check(src, &|offset| map.line_col(offset))
    }

    #[test]
    fn accepts_what_is_within_the_limits() {
        assert!(
            problems(r#"(id: "x", organisation: (segments: [(id: "a"), (id: "b")]))"#).is_empty()
        );
    }

    #[test]
    fn rejects_long_lists_ids_strings_and_names() {
        let segments = "(id: \"s\"),".repeat(257);
        let p = problems(&format!("(organisation: (segments: [{segments}]))"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "organisation.segments");
        assert!(
            p[0].message
                .contains("257 items, more than the limit of 256")
        );

        let p = problems(&format!("(tags: [{}])", "\"t\",".repeat(1_001)));
        assert!(p[0].message.contains("1001 items"));

        let p = problems(&format!("(hosts: [(id: \"{}\")])", "h".repeat(65)));
        assert_eq!(p[0].path, "hosts[0].id");
        assert!(p[0].message.contains("an id of 65 characters"));

        let p = problems(&format!("(title: (en: \"{}\"))", "t".repeat(4_001)));
        assert_eq!(p[0].path, "title.en");

        let p = problems(&format!("(via: {}(\"x\"))", "H".repeat(65)));
        assert!(p[0].message.contains("a name of 65 characters"));
        let p = problems(&format!("({}: 1)", "f".repeat(65)));
        assert!(p[0].message.contains("a name of 65 characters"));
    }

    #[test]
    fn reports_a_hundred_then_counts() {
        let hosts = format!("(id: \"{}\"),", "h".repeat(65)).repeat(150);
        let p = problems(&format!("(hosts: [{hosts}])"));
        assert_eq!(p.len(), MAX_REPORTED + 1);
        assert!(p[MAX_REPORTED].message.contains("and 50 more"));
    }
}
