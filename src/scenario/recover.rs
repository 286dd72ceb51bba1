//! Turning `ron` errors into problems, and finding *every* type error rather than the first.
//!
//! serde stops at the first error. When the file is valid RON but some value has the wrong
//! shape, each list item (host, stage, inject …) is deserialized again on its own, so a wrong
//! field in three hosts gives three problems, each at its place. A syntax error stops
//! everything: after it, nothing can be trusted.

use serde::de::{DeserializeOwned, IgnoredAny};

use super::locate::{LineCol, SourceMap};
use super::problem::{Path, Problem, Severity};
use super::raw;
use super::ron_options;
use super::validate::closest;
use crate::text::{SHOWN_CHARS, quoted, shorten};

/// Byte offset in `text` of a 1-based ron position (ron counts columns in characters).
fn offset_in(text: &str, pos: ron::error::Position) -> usize {
    let mut line_start = 0;
    for _ in 1..pos.line.max(1) {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    text[line_start..line_end]
        .char_indices()
        .nth(pos.col.saturating_sub(1))
        .map_or(line_end, |(i, _)| line_start + i)
}

/// Rust's words in a serde or ron message, in the file's terms: `RawCommand::Act` is `Act`,
/// `struct RawHost` a structure, `u32` a whole number.
fn user_terms(text: &str) -> String {
    let mut out = text.to_owned();
    for (rust, user) in [
        ("tuple variant ", "variant "),
        ("struct variant ", "variant "),
        ("unit variant ", "variant "),
        ("newtype variant ", "variant "),
        ("tuple struct ", "structure "),
        ("struct ", "structure "),
        ("u64", "a whole number"),
        ("u32", "a whole number"),
        ("u16", "a whole number"),
        ("u8", "a whole number"),
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("a borrowed string", "a string"),
        ("a sequence", "a list `[ … ]`"),
    ] {
        out = out.replace(rust, user);
    }
    // `RawCommand::Act` -> `Act`, `RawHost` -> `Host`.
    let mut cleaned = String::with_capacity(out.len());
    for word in out.split_inclusive(|c: char| c.is_whitespace()) {
        let bare = word.trim_end();
        let tail = &word[bare.len()..];
        let bare = bare.rsplit("::").next().unwrap_or(bare);
        let bare = bare
            .strip_prefix("Raw")
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            .unwrap_or(bare);
        cleaned.push_str(bare);
        cleaned.push_str(tail);
    }
    cleaned
}

/// A readable message and hint for a ron error, in the terms of the file (never Rust's).
pub(crate) fn describe(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    let list = |xs: &[&str]| {
        xs.iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let within = |outer: &Option<String>| {
        outer
            .as_deref()
            .map(|o| format!(" in {}", quoted(&user_terms(o))))
            .unwrap_or_default()
    };
    match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            format!("unknown field {}{}", quoted(found), within(outer)),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::MissingStructField { field, outer } => (
            format!("missing field `{field}`{}", within(outer)),
            Some(format!("add `{field}: …`; see docs/scenario-format.md")),
        ),
        E::DuplicateStructField { field, outer } => (
            format!("field `{field}` is given twice{}", within(outer)),
            None,
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            format!("unknown variant {}{}", quoted(found), within(outer)),
            Some(match closest(found, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of {}", list(expected)),
            }),
        ),
        E::InvalidValueForType { expected, found } => (
            format!(
                "expected {}, found {}",
                user_terms(expected),
                user_terms(&shorten(found, SHOWN_CHARS))
            ),
            None,
        ),
        E::ExpectedDifferentLength { expected, found } => {
            // ron says "tuple variant RawCommand::Act with 2 elements".
            let expected = user_terms(expected);
            let values = |n: usize| format!("{n} value{}", if n == 1 { "" } else { "s" });
            match expected
                .strip_prefix("variant ")
                .and_then(|rest| rest.split_once(" with "))
            {
                Some((name, count)) => {
                    let count = count
                        .trim_end_matches(" elements")
                        .trim_end_matches(" element");
                    let hint = (name == "Act").then(|| {
                        "write the action's id and its target, e.g. `Act(\"isolate\", Host(\"pc-01\"))`"
                            .to_owned()
                    });
                    (
                        format!(
                            "`{name}(…)` takes {count} value{}, found {}",
                            if count == "1" { "" } else { "s" },
                            values(*found)
                        ),
                        hint,
                    )
                }
                None => (
                    format!("expected {expected}, found {}", values(*found)),
                    None,
                ),
            }
        }
        E::Eof => (
            "unexpected end of file".into(),
            Some("a parenthesis, bracket or string is probably not closed".into()),
        ),
        E::ExceededRecursionLimit => (
            "values are nested too deeply".into(),
            Some("a scenario never needs more than a few levels of nesting".into()),
        ),
        E::TrailingCharacters => (
            "unexpected text after the end of the scenario".into(),
            Some("the whole scenario is one `( … )`; is a parenthesis closed too early?".into()),
        ),
        E::ExpectedString | E::ExpectedStringEnd => (
            "expected a string in double quotes".into(),
            Some("write text as `\"…\"`".into()),
        ),
        E::ExpectedInteger => ("expected a whole number".into(), None),
        E::InvalidIntegerDigit { digit, .. } => (
            format!(
                "expected a whole number: {} is not a digit",
                quoted(&digit.to_string())
            ),
            Some("numbers are written with the digits 0 to 9 only, like `10`".into()),
        ),
        E::IntegerOutOfBounds => (
            "the number is out of range".into(),
            Some("counts, turns and points are whole numbers from 0 to 4294967295".into()),
        ),
        E::ExpectedFloat | E::FloatUnderscore => ("expected a number".into(), None),
        E::ExpectedBoolean => ("expected `true` or `false`".into(), None),
        E::ExpectedArray => ("expected a list `[ … ]`".into(), None),
        E::ExpectedArrayEnd => (
            "expected `]` to close the list".into(),
            Some("is a comma missing between two items?".into()),
        ),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => {
            ("expected a `( … )` structure".into(), None)
        }
        E::ExpectedStructLikeEnd => (
            "expected `)` to close the structure".into(),
            Some("is a comma missing between two fields?".into()),
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            format!(
                "expected `{}`, found {}",
                user_terms(expected),
                quoted(found)
            ),
            None,
        ),
        E::ExpectedStructName(name) => (
            format!("expected the name {}", quoted(&user_terms(name))),
            None,
        ),
        E::ExpectedMapColon => ("expected `:` after the field name".into(), None),
        E::ExpectedMap | E::ExpectedMapEnd => ("expected a map `{ … }`".into(), None),
        E::ExpectedOption | E::ExpectedOptionEnd => (
            "expected a value or `None`".into(),
            Some("an optional value is written as the value itself, or `None`".into()),
        ),
        E::ExpectedUnit => ("expected `()`".into(), None),
        E::ExpectedChar => ("expected a character in single quotes".into(), None),
        E::ExpectedByteLiteral | E::ExpectedByteString => {
            ("expected text in double quotes, not bytes".into(), None)
        }
        E::ExpectedIdentifier => ("expected a name".into(), None),
        E::InvalidIdentifier(name) | E::SuggestRawIdentifier(name) => {
            (format!("{} is not a valid name", quoted(name)), None)
        }
        E::ExpectedAttribute | E::ExpectedAttributeEnd | E::NoSuchExtension(_) => (
            "a `#![…]` line at the top is not understood".into(),
            Some("scenario files need no `#![…]` lines; remove it".into()),
        ),
        E::UnclosedBlockComment => ("a `/* … */` comment is not closed".into(), None),
        E::UnclosedLineComment => ("a `//` comment runs to the end of the file".into(), None),
        E::UnderscoreAtBeginning => ("a number cannot start with `_`".into(), None),
        E::ExpectedComma => (
            "expected a comma".into(),
            Some("items and fields are separated by `,`".into()),
        ),
        E::UnexpectedChar('\u{feff}') => (
            "unexpected byte-order mark (U+FEFF)".into(),
            Some("save the file as UTF-8 without a byte-order mark (BOM)".into()),
        ),
        E::UnexpectedChar(c) => (
            format!("unexpected character {}", quoted(&c.to_string())),
            None,
        ),
        E::InvalidEscape(_) => (
            "unknown escape in a string".into(),
            Some("in a string, write `\\\\` for a backslash and `\\\"` for a quote".into()),
        ),
        E::Utf8Error(_) => ("the text is not valid UTF-8".into(), None),
        E::ExpectedRawValue | E::ExpectedRangeSyntax => ("unexpected value here".into(), None),
        E::Fmt | E::Io(_) => ("the file could not be read".into(), None),
        E::Message(m) => (user_terms(&shorten(m, 200)), None),
        other => (user_terms(&shorten(&other.to_string(), 200)), None),
    }
}

pub(crate) fn problem(
    map: &SourceMap,
    text: &str,
    base: usize,
    err: &ron::error::SpannedError,
    path: &Path,
) -> Problem {
    let mut offset = base + offset_in(text, err.span.start);
    // ron may point at the white space before the offending token.
    let full = map.text();
    while full
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(char::is_whitespace)
    {
        offset += full[offset..].chars().next().map_or(1, char::len_utf8);
    }
    let LineCol { line, col } = map.line_col(offset);
    let (message, hint) = describe(&err.code);
    Problem {
        severity: Severity::Error,
        line,
        col,
        path: path.to_string(),
        message,
        hint,
        span: offset..offset,
    }
}

/// Says what a value may be where the place says more than ron's error does.
fn in_place(p: &mut Problem) {
    let quoted_string = p.message == "expected a string in double quotes";
    if quoted_string && p.path.starts_with("adversary.stages.") && p.path.ends_with(".target") {
        p.message = "a stage's `target` is the id of one host, in double quotes".into();
        p.hint = Some(
            "write it as `target: \"pc-01\"`; for a set of hosts, write `targets: Segment(\"lan\")`, `targets: Hosts([…])` or `targets: Kind(Workstation)` instead (format 2)"
                .into(),
        );
    }
}

/// Problems for a file that `ron` could not deserialize.
pub(crate) fn ron_problems(
    src: &str,
    map: &SourceMap,
    err: &ron::error::SpannedError,
) -> Vec<Problem> {
    if let Err(syntax) = ron_options().from_str::<IgnoredAny>(src) {
        return vec![problem(map, src, 0, &syntax, &Path::root())];
    }
    let mut found = Vec::new();
    let root = Path::root();
    let org = root.field("organisation");
    let adv = root.field("adversary");
    let mut spans = Vec::new();
    let mut items = |path: Path, f: fn(&str) -> Result<(), ron::error::SpannedError>| {
        for i in 0..map.len_at(path.steps()) {
            let item = path.index(i);
            let id = map
                .string(item.field("id").steps())
                .map(str::to_owned)
                .unwrap_or_default();
            let item = path.item(i, &id);
            let span = map.span(item.steps());
            spans.push((span.clone(), item.clone()));
            if let Err(e) = f(&src[span.clone()]) {
                let mut p = problem(map, &src[span.clone()], span.start, &e, &item);
                let inner = map.describe_descent(item.steps(), p.span.start);
                p.path = item.shown_suffix(&inner).to_string();
                in_place(&mut p);
                found.push(p);
            }
        }
    };
    fn de<T: DeserializeOwned>(text: &str) -> Result<(), ron::error::SpannedError> {
        ron_options().from_str::<T>(text).map(|_| ())
    }
    items(
        root.field("learning_objectives"),
        de::<raw::RawLearningObjective>,
    );
    items(org.field("segments"), de::<raw::RawSegment>);
    items(org.field("hosts"), de::<raw::RawHost>);
    items(org.field("accounts"), de::<raw::RawAccount>);
    items(org.field("data_sets"), de::<raw::RawDataSet>);
    items(org.field("business_functions"), de::<raw::RawFunction>);
    items(
        org.field("external_addresses"),
        de::<raw::RawExternalAddress>,
    );
    items(org.field("mitigations"), de::<raw::RawMitigation>);
    items(root.field("stakeholders"), de::<raw::RawStakeholder>);
    items(root.field("notifications"), de::<raw::RawNotificationRule>);
    items(adv.field("infrastructure"), de::<raw::RawInfrastructure>);
    items(adv.field("stages"), de::<raw::RawStage>);
    items(root.field("noise"), de::<raw::RawNoise>);
    items(root.field("injects"), de::<raw::RawInject>);
    items(root.field("actions"), de::<raw::RawAction>);
    items(root.field("hints"), de::<raw::RawHint>);
    items(
        root.field("findings").field("entry_vectors"),
        de::<raw::RawEntryVector>,
    );
    items(
        root.field("scoring").field("objectives"),
        de::<raw::RawObjective>,
    );
    items(root.field("scoring").field("grades"), de::<raw::RawGrade>);
    items(root.field("walkthrough"), de::<raw::RawTurnPlan>);

    // The error serde stopped at: keep it unless an item check already reported it.
    let mut whole = problem(map, src, 0, err, &root);
    let offset = whole.span.start;
    if let Some((_, path)) = spans
        .iter()
        .filter(|(span, _)| span.start <= offset && offset < span.end)
        .min_by_key(|(span, _)| span.len())
    {
        whole.path = path.to_string();
    }
    if !found
        .iter()
        .any(|p| p.line == whole.line && p.col == whole.col)
    {
        found.push(whole);
    }
    found.sort_by_key(|p| (p.line, p.col));
    found.dedup();
    found
}
