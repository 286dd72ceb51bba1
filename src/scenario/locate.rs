//! Where things are in a RON source text: a path such as `adversary.stages[3].via` to a byte
//! span and a line:column.
//!
//! `ron` reports positions only for syntax and type errors; the validator's problems are found
//! on the deserialized data, which has no positions. This module parses the source a second
//! time into a tree of spans (no values), so any problem can point at its exact place. It never
//! fails: on malformed input it keeps what it could parse, and a path that cannot be followed
//! resolves to its deepest existing prefix.

use std::ops::Range;

/// One step of a path into a RON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A named field of a struct or struct-like enum variant.
    Field(&'static str),
    /// The n-th element of a list, tuple, tuple struct or tuple-like enum variant.
    Index(usize),
}

/// Line and column, both 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Line.
    pub line: usize,
    /// Column.
    pub col: usize,
}

#[derive(Debug, Clone, Default)]
struct Node {
    span: Range<usize>,
    /// The identifier before `(`, or the bare identifier of a unit value.
    name: Option<String>,
    fields: Vec<(String, Node)>,
    items: Vec<Node>,
    /// The unescaped contents, for plain string literals.
    string: Option<String>,
    /// Fields and items met (when walking, they are counted, not kept).
    count: usize,
}

/// One value met by [`SourceMap::walk`].
#[derive(Debug)]
pub struct Visit<'a> {
    /// The field names leading to it, list positions written `[]`
    /// (`organisation.hosts[].services`).
    pub pattern: &'a str,
    /// The same with list positions (`organisation.hosts[3].services`).
    pub shown: &'a str,
    /// Where it is.
    pub span: Range<usize>,
    /// Number of elements or fields, for a list, tuple or structure.
    pub items: usize,
    /// Length in characters, for a string literal.
    pub string_chars: Option<usize>,
    /// Length in characters of its name (a variant, a structure's name, or the field name
    /// when the value is visited as a field).
    pub name_chars: usize,
}

/// Span tree of one source text.
#[derive(Debug, Clone)]
pub struct SourceMap {
    root: Option<Node>,
    line_starts: Vec<usize>,
    len: usize,
    text: String,
}

/// Deeper than this, the tree is not built (ron's own limit is 128).
const MAX_DEPTH: usize = 256;

impl SourceMap {
    /// Indexes `src`. Never fails; see the module docs.
    pub fn new(src: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut parser = Parser {
            src: src.as_bytes(),
            text: src,
            pos: 0,
            stream: None,
        };
        parser.skip_trivia_and_attributes();
        let root = parser.value(0);
        Self {
            root,
            line_starts,
            len: src.len(),
            text: src.to_owned(),
        }
    }

    /// The byte span of the value at `path`, or of its deepest prefix that exists (the whole
    /// text if even the root is missing).
    pub fn span(&self, path: &[Step]) -> Range<usize> {
        let Some(mut node) = self.root.as_ref() else {
            return 0..self.len;
        };
        for step in path {
            match Self::child(node, step) {
                Some(next) => node = next,
                None => break,
            }
        }
        node.span.clone()
    }

    /// The indexed text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the full path exists.
    pub fn contains(&self, path: &[Step]) -> bool {
        let Some(mut node) = self.root.as_ref() else {
            return false;
        };
        for step in path {
            match Self::child(node, step) {
                Some(next) => node = next,
                None => return false,
            }
        }
        true
    }

    /// The string literal at `path`, if there is one.
    pub fn string(&self, path: &[Step]) -> Option<&str> {
        let mut node = self.root.as_ref()?;
        for step in path {
            node = Self::child(node, step)?;
        }
        node.string.as_deref()
    }

    /// Number of elements of the list (or tuple) at `path`; 0 if it is not one.
    pub fn len_at(&self, path: &[Step]) -> usize {
        let Some(mut node) = self.root.as_ref() else {
            return 0;
        };
        for step in path {
            match Self::child(node, step) {
                Some(next) => node = next,
                None => return 0,
            }
        }
        Self::unwrap_some(node).items.len()
    }

    /// The fields and positions leading from the value at `path` down to the innermost value
    /// containing `offset`, as text (`.os`, `[2]`), for naming where a type error sits.
    pub fn describe_descent(&self, path: &[Step], offset: usize) -> String {
        let Some(mut node) = self.root.as_ref() else {
            return String::new();
        };
        for step in path {
            match Self::child(node, step) {
                Some(next) => node = next,
                None => return String::new(),
            }
        }
        let mut out = String::new();
        loop {
            let inner = Self::unwrap_some(node);
            let contains =
                |n: &Node| n.span.start <= offset && offset < n.span.end.max(n.span.start + 1);
            if let Some((name, child)) = inner.fields.iter().find(|(_, v)| contains(v)) {
                out.push('.');
                out.push_str(name);
                node = child;
            } else if let Some((i, child)) =
                inner.items.iter().enumerate().find(|(_, v)| contains(v))
            {
                if inner.name.is_none() {
                    out.push_str(&format!("[{i}]"));
                }
                node = child;
            } else {
                return out;
            }
        }
    }

    /// Calls `visit` for every value in the indexed text, parents before children, with
    /// where it is and how big it is (see [`walk`], which does the same without a map).
    pub fn walk(&self, visit: &mut dyn FnMut(&Visit<'_>)) {
        if let Some(root) = &self.root {
            let mut pattern = String::new();
            let mut shown = String::new();
            Self::walk_node(root, &mut pattern, &mut shown, visit);
        }
    }

    fn walk_node(
        node: &Node,
        pattern: &mut String,
        shown: &mut String,
        visit: &mut dyn FnMut(&Visit<'_>),
    ) {
        visit(&Visit {
            pattern,
            shown,
            span: node.span.clone(),
            items: node.items.len() + node.fields.len(),
            string_chars: node.string.as_ref().map(|s| s.chars().count()),
            name_chars: node.name.as_ref().map_or(0, |n| n.chars().count()),
        });
        let named = node.name.is_some();
        for (name, child) in &node.fields {
            let (p, s) = (pattern.len(), shown.len());
            if !pattern.is_empty() {
                pattern.push('.');
                shown.push('.');
            }
            // A field name is shown in full only if it is short; limits report long ones.
            let field: String = name.chars().take(64).collect();
            pattern.push_str(&field);
            shown.push_str(&field);
            visit(&Visit {
                pattern,
                shown,
                span: child.span.clone(),
                items: 0,
                string_chars: None,
                name_chars: name.chars().count(),
            });
            Self::walk_node(child, pattern, shown, visit);
            pattern.truncate(p);
            shown.truncate(s);
        }
        for (i, child) in node.items.iter().enumerate() {
            let (p, s) = (pattern.len(), shown.len());
            // Inside a variant (`Host("pc-01")`, `Some(…)`) the position is not part of the path.
            if !named {
                pattern.push_str("[]");
                shown.push_str(&format!("[{i}]"));
            }
            Self::walk_node(child, pattern, shown, visit);
            pattern.truncate(p);
            shown.truncate(s);
        }
    }

    fn unwrap_some(node: &Node) -> &Node {
        let mut node = node;
        while node.name.as_deref() == Some("Some") && node.items.len() == 1 {
            node = &node.items[0];
        }
        node
    }

    fn child<'a>(node: &'a Node, step: &Step) -> Option<&'a Node> {
        let node = Self::unwrap_some(node);
        match step {
            Step::Field(name) => node
                .fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value),
            Step::Index(i) => node.items.get(*i),
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        LineCol { line, col }
    }

    /// Byte offset of a 1-based line and character column (clamped to the text).
    pub fn offset(&self, at: LineCol) -> usize {
        let Some(&start) = self.line_starts.get(at.line.saturating_sub(1)) else {
            return self.len;
        };
        let line_end = self
            .line_starts
            .get(at.line)
            .map_or(self.len, |&next| next.saturating_sub(1));
        self.text[start..line_end]
            .char_indices()
            .nth(at.col.saturating_sub(1))
            .map_or(line_end, |(i, _)| start + i)
    }
}

/// Calls `visit` for every value in `src` with where it is and how big it is, as
/// [`SourceMap::walk`] does, while reading the text once and building nothing: for enforcing
/// limits before anything is built from a file. Visits come children first; each carries its
/// position in the parents-first order of [`SourceMap::walk`].
pub fn walk(src: &str, visit: &mut dyn FnMut(usize, &Visit<'_>)) {
    let mut parser = Parser {
        src: src.as_bytes(),
        text: src,
        pos: 0,
        stream: Some(Stream {
            pattern: String::new(),
            shown: String::new(),
            next: 0,
            muted: 0,
            visit,
        }),
    };
    parser.skip_trivia_and_attributes();
    parser.value(0);
}

/// The state of [`walk`]: the paths to where the parser is, and where visits go.
struct Stream<'a> {
    pattern: String,
    shown: String,
    /// The position of the next visit in parents-first order.
    next: usize,
    /// Inside the key of a `{ … }` map (not walked).
    muted: usize,
    visit: &'a mut dyn FnMut(usize, &Visit<'_>),
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    /// Walking ([`walk`]): children are visited and counted, not kept.
    stream: Option<Stream<'a>>,
}

impl Parser<'_> {
    /// When walking, the position of a visit about to begin.
    fn begin(&mut self) -> Option<usize> {
        let stream = self.stream.as_mut().filter(|s| s.muted == 0)?;
        stream.next += 1;
        Some(stream.next - 1)
    }

    /// Walking: a value is complete.
    fn visited(&mut self, seq: Option<usize>, node: &Node) {
        if let (Some(seq), Some(stream)) = (seq, self.stream.as_mut()) {
            (stream.visit)(
                seq,
                &Visit {
                    pattern: &stream.pattern,
                    shown: &stream.shown,
                    span: node.span.clone(),
                    items: node.count,
                    string_chars: node.string.as_ref().map(|s| s.chars().count()),
                    name_chars: node.name.as_ref().map_or(0, |n| n.chars().count()),
                },
            );
        }
    }

    /// Walking: the paths into a field; returns their lengths before.
    fn push_field(&mut self, name: &str) -> (usize, usize) {
        let Some(stream) = self.stream.as_mut() else {
            return (0, 0);
        };
        let before = (stream.pattern.len(), stream.shown.len());
        if !stream.pattern.is_empty() {
            stream.pattern.push('.');
            stream.shown.push('.');
        }
        // A field name is shown in full only if it is short; limits report long ones.
        for c in name.chars().take(64) {
            stream.pattern.push(c);
            stream.shown.push(c);
        }
        before
    }

    /// Walking: the paths into the `i`-th item of a list (not of a variant's contents).
    fn push_item(&mut self, named: bool, i: usize) -> (usize, usize) {
        let Some(stream) = self.stream.as_mut() else {
            return (0, 0);
        };
        let before = (stream.pattern.len(), stream.shown.len());
        if !named {
            use std::fmt::Write;
            stream.pattern.push_str("[]");
            let _ = write!(stream.shown, "[{i}]");
        }
        before
    }

    fn pop(&mut self, (pattern, shown): (usize, usize)) {
        if let Some(stream) = self.stream.as_mut() {
            stream.pattern.truncate(pattern);
            stream.shown.truncate(shown);
        }
    }

    /// Keeps a parsed child (or, walking, counts it).
    fn keep(&self, list: &mut Vec<Node>, child: Node) {
        if self.stream.is_none() {
            list.push(child);
        }
    }
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    /// Skips white space and comments (block comments nest, as in RON).
    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b) if b.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    while let Some(b) = self.peek() {
                        self.pos += 1;
                        if b == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => return,
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_trivia_and_attributes(&mut self) {
        self.skip_trivia();
        while self.peek() == Some(b'#') && self.peek_at(1) == Some(b'!') {
            while let Some(b) = self.peek() {
                self.pos += 1;
                if b == b']' {
                    break;
                }
            }
            self.skip_trivia();
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_trivia();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn is_ident_start(b: u8) -> bool {
        b.is_ascii_alphabetic() || b == b'_'
    }

    fn is_ident_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_'
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_trivia();
        let start = self.pos;
        if self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#') {
            self.pos += 2;
        }
        if !self.peek().is_some_and(Self::is_ident_start) {
            self.pos = start;
            return None;
        }
        while self.peek().is_some_and(Self::is_ident_char) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        Some(raw.trim_start_matches("r#").to_owned())
    }

    /// Parses one value; `None` if there is none here (the caller stops).
    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let seq = self.begin();
        self.skip_trivia();
        let start = self.pos;
        let first = self.peek()?;
        let mut node = Node::default();
        match first {
            b'"' => {
                node.string = Some(self.string_literal());
            }
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#'))
                && !(self.peek_at(1) == Some(b'#')
                    && self.peek_at(2).is_some_and(Self::is_ident_start)) =>
            {
                self.pos += 1;
                node.string = Some(self.raw_string_literal());
            }
            b'b' if matches!(self.peek_at(1), Some(b'"' | b'\'')) => {
                self.pos += 1;
                if self.peek() == Some(b'"') {
                    self.string_literal();
                } else {
                    self.char_literal();
                }
            }
            b'\'' => self.char_literal(),
            b'(' => {
                self.pos += 1;
                self.body(&mut node, b')', depth);
            }
            b'[' => {
                self.pos += 1;
                self.seq(&mut node, b']', depth);
            }
            b'{' => {
                self.pos += 1;
                self.map(&mut node, depth);
            }
            b if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                while self.peek().is_some_and(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'_')
                }) {
                    self.pos += 1;
                }
            }
            b if Self::is_ident_start(b) => {
                node.name = self.ident();
                let save = self.pos;
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    self.body(&mut node, b')', depth);
                } else {
                    self.pos = save;
                }
            }
            _ => return None,
        }
        node.span = start..self.pos;
        self.visited(seq, &node);
        Some(node)
    }

    /// Contents of `( … )`: struct fields if it starts with `ident:`, else positional items.
    fn body(&mut self, node: &mut Node, close: u8, depth: usize) {
        self.skip_trivia();
        let save = self.pos;
        let is_struct = self.ident().is_some() && {
            self.skip_trivia();
            self.peek() == Some(b':') && self.peek_at(1) != Some(b':')
        };
        self.pos = save;
        if !is_struct {
            self.seq(node, close, depth);
            return;
        }
        loop {
            if self.eat(close) {
                return;
            }
            let Some(field) = self.ident() else { return };
            if !self.eat(b':') {
                return;
            }
            // Walking: the field is visited before its value, as a value of its own.
            let field_seq = self.begin();
            let paths = self.push_field(&field);
            let value = self.value(depth + 1);
            if let (Some(value), Some(seq), Some(stream)) =
                (&value, field_seq, self.stream.as_mut())
            {
                (stream.visit)(
                    seq,
                    &Visit {
                        pattern: &stream.pattern,
                        shown: &stream.shown,
                        span: value.span.clone(),
                        items: 0,
                        string_chars: None,
                        name_chars: field.chars().count(),
                    },
                );
            }
            self.pop(paths);
            let Some(value) = value else {
                return;
            };
            node.count += 1;
            if self.stream.is_none() {
                node.fields.push((field, value));
            }
            if !self.eat(b',') {
                self.eat(close);
                return;
            }
        }
    }

    fn seq(&mut self, node: &mut Node, close: u8, depth: usize) {
        loop {
            if self.eat(close) {
                return;
            }
            let paths = self.push_item(node.name.is_some(), node.count);
            let value = self.value(depth + 1);
            self.pop(paths);
            let Some(value) = value else {
                return;
            };
            node.count += 1;
            self.keep(&mut node.items, value);
            if !self.eat(b',') {
                self.eat(close);
                return;
            }
        }
    }

    /// `{ k: v, … }`: values are kept as items, keys are skipped.
    fn map(&mut self, node: &mut Node, depth: usize) {
        loop {
            if self.eat(b'}') {
                return;
            }
            if let Some(stream) = self.stream.as_mut() {
                stream.muted += 1;
            }
            let key = self.value(depth + 1);
            if let Some(stream) = self.stream.as_mut() {
                stream.muted -= 1;
            }
            if key.is_none() || !self.eat(b':') {
                return;
            }
            let paths = self.push_item(false, node.count);
            let value = self.value(depth + 1);
            self.pop(paths);
            let Some(value) = value else {
                return;
            };
            node.count += 1;
            self.keep(&mut node.items, value);
            if !self.eat(b',') {
                self.eat(b'}');
                return;
            }
        }
    }

    /// A `"…"` literal starting at the quote; returns the text with simple escapes undone.
    fn string_literal(&mut self) -> String {
        self.pos += 1;
        let mut out = String::new();
        let mut chunk_start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    out.push_str(&self.text[chunk_start..self.pos]);
                    self.pos += 1;
                    return out;
                }
                b'\\' => {
                    out.push_str(&self.text[chunk_start..self.pos]);
                    self.pos += 1;
                    if let Some(escaped) = self.peek() {
                        match escaped {
                            b'n' => out.push('\n'),
                            b't' => out.push('\t'),
                            b'"' => out.push('"'),
                            b'\\' => out.push('\\'),
                            _ => {}
                        }
                        self.pos += 1;
                        while !self.text.is_char_boundary(self.pos) {
                            self.pos += 1;
                        }
                    }
                    chunk_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        out.push_str(&self.text[chunk_start..self.pos]);
        out
    }

    /// `r"…"` or `r#"…"#` with the `r` already consumed.
    fn raw_string_literal(&mut self) -> String {
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek() != Some(b'"') {
            return String::new();
        }
        self.pos += 1;
        let start = self.pos;
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'"'
                && self.src[self.pos + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
                && self.src.len() >= self.pos + 1 + hashes
            {
                let text = self.text[start..self.pos].to_owned();
                self.pos += 1 + hashes;
                return text;
            }
            self.pos += 1;
        }
        self.text[start..].to_owned()
    }

    fn char_literal(&mut self) {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'\'' => return,
                _ => {}
            }
        }
        self.pos = self.pos.min(self.src.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r##"#![enable(implicit_some)]
// a comment
Scenario(
    id: "demo", /* block /* nested */ comment */
    hosts: [
        (id: "pc-1", segment: "office"),
        (id: "pc-2", segment: "lan", note: r#"raw "quoted""#),
    ],
    via: Host("pc-1"),
    when: All([Turn(3), Not(StageDone("x"))]),
    opt: Some((a: 1)),
    unit: Org,
    map: {"k": 5},
    text: (en: "héllo \"you\"", ja: "日本語"),
)
"##;

    fn at(map: &SourceMap, path: &[Step]) -> String {
        SRC[map.span(path)].to_owned()
    }

    #[test]
    fn finds_fields_and_items() {
        let map = SourceMap::new(SRC);
        use Step::*;
        assert_eq!(at(&map, &[Field("id")]), "\"demo\"");
        assert_eq!(
            at(&map, &[Field("hosts"), Index(1), Field("segment")]),
            "\"lan\""
        );
        assert_eq!(at(&map, &[Field("via")]), "Host(\"pc-1\")");
        assert_eq!(at(&map, &[Field("via"), Index(0)]), "\"pc-1\"");
        assert_eq!(
            at(&map, &[Field("when"), Index(0), Index(1), Index(0)]),
            "StageDone(\"x\")"
        );
        assert_eq!(at(&map, &[Field("opt"), Field("a")]), "1");
        assert_eq!(at(&map, &[Field("unit")]), "Org");
        assert_eq!(at(&map, &[Field("map"), Index(0)]), "5");
        assert_eq!(
            map.string(&[Field("hosts"), Index(0), Field("id")]),
            Some("pc-1")
        );
        assert_eq!(
            map.string(&[Field("hosts"), Index(1), Field("note")]),
            Some("raw \"quoted\"")
        );
        assert_eq!(
            map.string(&[Field("text"), Field("en")]),
            Some("héllo \"you\"")
        );
        assert_eq!(map.len_at(&[Field("hosts")]), 2);
    }

    #[test]
    fn missing_path_falls_back_to_deepest_prefix() {
        let map = SourceMap::new(SRC);
        use Step::*;
        assert_eq!(
            at(&map, &[Field("hosts"), Index(0), Field("nope")]),
            "(id: \"pc-1\", segment: \"office\")"
        );
        assert!(!map.contains(&[Field("hosts"), Index(7)]));
        assert!(map.contains(&[Field("hosts"), Index(1)]));
    }

    /// Every visit of a walk, in the parents-first order.
    fn visits(src: &str, streamed: bool) -> Vec<String> {
        let mut out = Vec::new();
        let record = |v: &Visit<'_>| {
            format!(
                "{} {} {:?} {} {:?} {}",
                v.pattern, v.shown, v.span, v.items, v.string_chars, v.name_chars
            )
        };
        if streamed {
            let mut numbered = Vec::new();
            walk(src, &mut |seq, v| numbered.push((seq, record(v))));
            numbered.sort_by_key(|(seq, _)| *seq);
            out.extend(numbered.into_iter().map(|(_, v)| v));
        } else {
            SourceMap::new(src).walk(&mut |v| out.push(record(v)));
        }
        out
    }

    #[test]
    fn walking_the_text_visits_what_walking_the_map_does() {
        let tutorial = include_str!("../../scenarios/tutorial.ron");
        let samples = [
            tutorial,
            &tutorial[..tutorial.len() / 2],
            r#"(a: [1, (b: "x", c: Some("y")), {"k": (d: 1), 2: [3]}], e: Host("h"), f: r"raw")"#,
            "(a: [1, 2,, 3], b: (c: , d: 1)",
            "([[[[]]]], x: \"unterminated",
        ];
        for src in samples {
            let (streamed, mapped) = (visits(src, true), visits(src, false));
            assert_eq!(streamed, mapped, "{src:.60}");
            assert!(!mapped.is_empty());
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let map = SourceMap::new(SRC);
        let ja = map.span(&[Step::Field("text"), Step::Field("ja")]).start;
        let pos = map.line_col(ja);
        assert_eq!(pos.line, 14);
        assert_eq!(map.offset(pos), ja);
        let after_ja = ja + "\"日本".len();
        let pos2 = map.line_col(after_ja);
        assert_eq!(pos2.col, pos.col + 3);
        assert_eq!(map.offset(pos2), after_ja);
    }

    #[test]
    fn never_panics_on_garbage() {
        for src in [
            "",
            "(",
            "[[[[",
            "\"unterminated",
            "r#\"x",
            "(a: ",
            "/* open",
            "'",
            "b'",
            "#![",
            "(a: [1, (b: \"\\",
            "ü(ü: ü)",
            &"[".repeat(10_000),
        ] {
            let map = SourceMap::new(src);
            let _ = map.span(&[Step::Field("a"), Step::Index(0)]);
            let _ = map.line_col(src.len() + 5);
            let _ = map.offset(LineCol { line: 99, col: 99 });
        }
    }
}
