//! The JSON reader: strict RFC 8259 JSON into a span-carrying tree.
//!
//! `serde_json` decides what is valid, because its grammar is exactly JSON's. `jsonc-parser` builds the tree with
//! byte ranges and duplicate members kept. When the text is invalid, a lenient
//! second parse finds every trailing comma and comment in one pass.

use std::borrow::Cow;

use jsonc_parser::ast;
use jsonc_parser::tokens::Token;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::check::rules;
use crate::document::{Member, Node, Value};
use crate::finding::Finding;
use crate::source::{OffsetMap, Span};

/// The tree, when the text could be understood, and the findings about its
/// syntax. Spans in both are already mapped into the file's text.
pub struct Parsed {
    pub node: Option<Node>,
    pub findings: Vec<Finding>,
}

/// Parses `text`, mapping every span through `map` into the file's text.
pub fn parse(text: &str, map: &OffsetMap) -> Parsed {
    let mut findings = Vec::new();

    // A BOM inside the value reaches the app's JSON parser as a character.
    // Blank it out with three spaces so that offsets stay the same.
    let text: Cow<str> = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            findings.push(
                Finding::new(
                    &rules::JSON_SYNTAX,
                    "the JSON text starts with a byte order mark (U+FEFF)",
                )
                .help("remove the invisible character before the first `[`")
                .span(map.raw_span(Span::new(0, 3))),
            );
            Cow::Owned(format!("   {rest}"))
        }
        None => Cow::Borrowed(text),
    };

    let mut parsed = if let Some(finding) = check_limits(&text) {
        Parsed {
            node: None,
            findings: vec![finding],
        }
    } else {
        match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
            Ok(_) => parse_valid(&text),
            Err(error) => diagnose(&text, &error),
        }
    };
    for finding in &mut parsed.findings {
        finding.span = finding.span.map(|span| map.raw_span(span));
    }
    if !map.is_identity()
        && let Some(node) = &mut parsed.node
    {
        map_spans(node, map);
    }
    findings.append(&mut parsed.findings);
    Parsed {
        node: parsed.node,
        findings,
    }
}

/// Deepest nesting accepted. The parsers recurse once per level, so this
/// bound keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 128;

/// Most values accepted, about ten per site. Each value costs about a
/// hundred bytes in the tree, so this bounds memory well below a gigabyte.
pub const MAX_VALUES: usize = 4_000_000;

/// Scans the text once, skipping strings, and reports the first place where
/// nesting exceeds `MAX_DEPTH` or the values exceed `MAX_VALUES`.
fn check_limits(text: &str) -> Option<Finding> {
    let mut depth = 0usize;
    // Commas and colons each separate two values, so they count values.
    let mut separators = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let finding = Finding::new(
                        &rules::JSON_TOO_DEEP,
                        format!("the JSON is nested more than {MAX_DEPTH} levels deep"),
                    )
                    .help("a site list is an array of objects, three levels deep at most");
                    return Some(finding.span(Span::new(i, i + 1)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' | b':' => {
                separators += 1;
                if separators >= MAX_VALUES {
                    let finding = Finding::new(
                        &rules::JSON_TOO_LARGE,
                        format!("the JSON has more than {MAX_VALUES} values"),
                    )
                    .help("split the list; a site list has about ten values per site");
                    return Some(finding.span(Span::new(i, i + 1)));
                }
            }
            _ => {}
        }
    }
    None
}

fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Builds the tree of text that `serde_json` accepted.
fn parse_valid(text: &str) -> Parsed {
    let result = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict_options());
    match result {
        Ok(ast) => Parsed {
            node: Some(ast.value.map_or(empty_node(text), |v| convert(v))),
            findings: Vec::new(),
        },
        // serde_json skips escapes it does not keep, so a lone surrogate
        // (`\ud800`) passes it and only the tree builder rejects it.
        Err(error) => Parsed {
            node: None,
            findings: vec![
                Finding::new(
                    &rules::JSON_SYNTAX,
                    format!("invalid JSON: {}", error.kind()),
                )
                .help("a `\\uD800`-`\\uDFFF` escape must be half of a surrogate pair; write the character itself")
                .span(Span::new(error.range().start, error.range().end)),
            ],
        },
    }
}

fn empty_node(text: &str) -> Node {
    Node::new(Value::Null, Span::at(text.len()))
}

/// Finds every trailing comma and comment, then the first other error.
fn diagnose(text: &str, error: &serde_json::Error) -> Parsed {
    let mut options = strict_options();
    options.allow_comments = true;
    options.allow_trailing_commas = true;
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::AsTokens,
        tokens: true,
    };
    let Ok(lenient) = jsonc_parser::parse_to_ast(text, &collect, &options) else {
        return Parsed {
            node: None,
            findings: vec![syntax_finding(text, error)],
        };
    };

    let tokens = lenient.tokens.unwrap_or_default();
    let (findings, repaired) = lenient_findings(text, &tokens);
    if findings.is_empty() {
        return Parsed {
            node: None,
            findings: vec![syntax_finding(text, error)],
        };
    }

    // The lenient tree is trustworthy only if blanking out what was found
    // leaves valid JSON; otherwise report the next error as well.
    match serde_json::from_str::<serde::de::IgnoredAny>(&repaired) {
        Ok(_) => Parsed {
            node: lenient.value.map(convert),
            findings,
        },
        Err(next) => {
            let mut findings = findings;
            findings.push(syntax_finding(&repaired, &next));
            Parsed {
                node: None,
                findings,
            }
        }
    }
}

/// Reports trailing commas and comments, and returns the text with each of
/// them replaced by spaces of the same length.
fn lenient_findings(
    text: &str,
    tokens: &[jsonc_parser::tokens::TokenAndRange],
) -> (Vec<Finding>, String) {
    let mut findings = Vec::new();
    let mut repaired = text.as_bytes().to_vec();
    let mut blank = |range: jsonc_parser::common::Range| {
        for byte in &mut repaired[range.start..range.end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    };

    let significant: Vec<_> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::CommentLine(_) | Token::CommentBlock(_)))
        .collect();
    for pair in significant.windows(2) {
        let closer = match pair[1].token {
            Token::CloseBrace => "}",
            Token::CloseBracket => "]",
            _ => continue,
        };
        if pair[0].token == Token::Comma {
            let range = pair[0].range;
            findings.push(
                Finding::new(
                    &rules::JSON_TRAILING_COMMA,
                    format!("trailing comma before `{closer}` is not valid JSON"),
                )
                .help("delete this comma")
                .span(Span::new(range.start, range.end)),
            );
            blank(range);
        }
    }

    for token in tokens {
        if matches!(token.token, Token::CommentLine(_) | Token::CommentBlock(_)) {
            let range = token.range;
            findings.push(
                Finding::new(&rules::JSON_COMMENT, "JSON does not allow comments")
                    .help("delete the comment; keep notes outside the MDM value")
                    .span(Span::new(range.start, range.end)),
            );
            blank(range);
        }
    }

    findings.sort_by_key(|f| f.span);
    // Only ASCII bytes inside commas and comments were replaced by spaces,
    // and a comment's non-ASCII characters became whole runs of spaces.
    let repaired = String::from_utf8(repaired).unwrap_or_else(|_| text.to_owned());
    (findings, repaired)
}

/// Converts a `serde_json` error position (1-based line, 1-based byte column,
/// lines split at LF only) into a byte offset.
fn serde_offset(text: &str, error: &serde_json::Error) -> usize {
    let line_start = if error.line() <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(error.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let mut offset = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Describes a syntax error with the likely cause and its fix.
fn syntax_finding(text: &str, error: &serde_json::Error) -> Finding {
    let offset = serde_offset(text, error);
    let reason = error.to_string();
    let reason = reason.split(" at line ").next().unwrap_or(&reason);
    let (cause, help, span) = likely_cause(text, offset, reason);
    // A named cause replaces serde_json's reason, which describes the
    // parser's state ("key must be a string") rather than the mistake.
    let message = match cause {
        Some(cause) => format!("invalid JSON: {cause}"),
        None => format!("invalid JSON: {reason}"),
    };
    Finding::new(&rules::JSON_SYNTAX, message)
        .help(help)
        .span(span)
}

/// Returns `at`, or the start of the character that contains it.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Guesses why the JSON is invalid from the text around the error.
fn likely_cause(text: &str, offset: usize, reason: &str) -> (Option<&'static str>, String, Span) {
    let char_span = |at: usize| {
        let at = floor_boundary(text, at);
        let len = text[at..].chars().next().map_or(0, char::len_utf8);
        Span::new(at, at + len)
    };
    let rest = &text[offset..];
    let current = rest.chars().next();

    // serde_json reports some errors one character past the culprit.
    let before = text[..offset].trim_end();
    let previous = before.chars().next_back();

    if let Some(c) = [current, previous]
        .into_iter()
        .flatten()
        .find(|c| matches!(c, '“' | '”' | '„' | '‟' | '″' | '‘' | '’' | '«' | '»'))
    {
        let at = if current == Some(c) {
            offset
        } else {
            before.len() - c.len_utf8()
        };
        return (
            Some("curly quotes"),
            format!(
                "replace `{c}` with a straight double quote `\"`; word processors and chat apps convert quotes"
            ),
            char_span(at),
        );
    }
    if current == Some('\'') {
        return (
            Some("single quotes"),
            "JSON strings and keys take double quotes `\"`".into(),
            char_span(offset),
        );
    }
    if rest.starts_with("//") || rest.starts_with("/*") {
        return (
            Some("a comment"),
            "JSON does not allow comments; delete it".into(),
            char_span(offset),
        );
    }
    // serde_json stops at the second `{` of `{{mail}}`, so look one back.
    let token_at = if text[..offset].ends_with('{') && rest.starts_with('{') {
        Some(offset - 1)
    } else if rest.starts_with("{{") || rest.starts_with('$') || rest.starts_with('%') {
        Some(offset)
    } else {
        None
    };
    if let Some(at) = token_at {
        let end = text[at..]
            .find(['}', ',', ']', '\n'])
            .map_or(text.len(), |i| {
                let close = at + i;
                close
                    + text[close..]
                        .bytes()
                        .take_while(|b| *b == b'}')
                        .count()
                        .min(2)
            });
        return (
            Some("an unquoted MDM token"),
            format!(
                "put the token inside a JSON string: `\"{}\"`",
                &text[at..end]
            ),
            Span::new(at, end),
        );
    }
    for (word, literal) in [
        ("True", "true"),
        ("TRUE", "true"),
        ("False", "false"),
        ("FALSE", "false"),
        ("None", "null"),
        ("NULL", "null"),
    ] {
        if rest.starts_with(word) {
            return (
                Some("a literal in the wrong case"),
                format!("JSON literals are lowercase: write `{literal}`"),
                Span::new(offset, offset + word.len()),
            );
        }
    }
    if reason.starts_with("control character") {
        // serde_json's position is not always the character itself, so find
        // the first control character of the string that holds the offset.
        let string_start = text[..offset].rfind('"').map_or(0, |i| i + 1);
        let at = text.as_bytes()[string_start..]
            .iter()
            .position(|b| *b < 0x20)
            .map_or(offset, |i| string_start + i);
        return (
            Some("a line break, tab or other control character inside a string"),
            "keep each string on one line, or write the character as `\\n` or `\\t`".into(),
            char_span(at),
        );
    }
    if reason.contains("escape")
        || reason.contains("surrogate")
        || reason.contains("unicode code point")
    {
        let at = text[..offset]
            .rfind("\\u")
            .unwrap_or(floor_boundary(text, offset.saturating_sub(1)));
        let end = floor_boundary(text, (at + 6).min(text.len()));
        let help = if reason.contains("surrogate") {
            "a `\\uD800`-`\\uDFFF` escape must be half of a surrogate pair; write the character itself"
        } else {
            "`\\u` takes four hexadecimal digits, such as `\\u00e9`"
        };
        return (
            Some("a broken `\\u` escape"),
            help.into(),
            Span::new(at, end.max(at)),
        );
    }
    if reason.starts_with("EOF while parsing") {
        return (
            Some("the text ends early"),
            "a closing `]`, `}` or `\"` is missing".into(),
            Span::at(text.len()),
        );
    }
    if reason.starts_with("trailing characters") {
        return (
            None,
            "the site list is one JSON array; remove what follows its closing `]`, or put every site inside one `[ ]`".into(),
            char_span(offset),
        );
    }
    (
        None,
        "fix the JSON at this position".into(),
        char_span(offset),
    )
}

fn range_span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

/// Converts the parser's tree into ours. Depth is bounded by `check_limits`.
fn convert(value: ast::Value) -> Node {
    match value {
        ast::Value::StringLit(s) => {
            Node::new(Value::String(s.value.into_owned()), range_span(s.range))
        }
        ast::Value::NumberLit(n) => {
            Node::new(Value::Number(n.value.to_owned()), range_span(n.range))
        }
        ast::Value::BooleanLit(b) => Node::new(Value::Bool(b.value), range_span(b.range)),
        ast::Value::NullKeyword(n) => Node::new(Value::Null, range_span(n.range)),
        ast::Value::Array(a) => Node::new(
            Value::Array(a.elements.into_iter().map(convert).collect()),
            range_span(a.range),
        ),
        ast::Value::Object(o) => {
            let members = o
                .properties
                .into_iter()
                .map(|prop| {
                    let (key, key_span) = match prop.name {
                        ast::ObjectPropName::String(s) => {
                            (s.value.into_owned(), range_span(s.range))
                        }
                        ast::ObjectPropName::Word(w) => (w.value.to_owned(), range_span(w.range)),
                    };
                    Member {
                        key,
                        key_span,
                        value: convert(prop.value),
                    }
                })
                .collect();
            Node::new(Value::Object(members), range_span(o.range))
        }
    }
}

fn map_spans(node: &mut Node, map: &OffsetMap) {
    node.span = map.raw_span(node.span);
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|item| map_spans(item, map)),
        Value::Object(members) => {
            for member in members {
                member.key_span = map.raw_span(member.key_span);
                map_spans(&mut member.value, map);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_plain(text: &str) -> Parsed {
        parse(text, &OffsetMap::shifted(0))
    }

    fn ids(parsed: &Parsed) -> Vec<&'static str> {
        parsed.findings.iter().map(|f| f.rule.id).collect()
    }

    #[test]
    fn valid_keeps_duplicates_and_spans() {
        let parsed = parse_plain(r#"[{"a":1,"a":2}]"#);
        assert!(parsed.findings.is_empty());
        let node = parsed.node.unwrap();
        let Value::Array(items) = &node.value else {
            panic!()
        };
        let Value::Object(members) = &items[0].value else {
            panic!()
        };
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].key_span, Span::new(8, 11));
    }

    #[test]
    fn every_trailing_comma_reported() {
        let parsed = parse_plain("[{\"a\":1,},\n{\"b\":2},\n]");
        assert_eq!(ids(&parsed), ["json-trailing-comma", "json-trailing-comma"]);
        assert_eq!(parsed.findings[0].span, Some(Span::new(7, 8)));
        assert_eq!(parsed.findings[1].span, Some(Span::new(18, 19)));
        assert!(parsed.node.is_some());
    }

    #[test]
    fn comment_reported_and_tree_kept() {
        let parsed = parse_plain("[ // x\n1]");
        assert_eq!(ids(&parsed), ["json-comment"]);
        assert!(parsed.node.is_some());
    }

    #[test]
    fn curly_quotes_named() {
        let parsed = parse_plain("[{“title”: 1}]");
        assert_eq!(ids(&parsed), ["json-syntax"]);
        assert!(parsed.findings[0].message.contains("curly quotes"));
        assert_eq!(parsed.findings[0].span, Some(Span::new(2, 5)));
    }

    #[test]
    fn unquoted_token_named() {
        let parsed = parse_plain(r#"[{"clientID":{{mail}}}]"#);
        assert!(parsed.findings[0].message.contains("unquoted MDM token"));
        assert_eq!(parsed.findings[0].span, Some(Span::new(13, 21)));
        assert_eq!(
            parsed.findings[0].help.as_deref(),
            Some("put the token inside a JSON string: `\"{{mail}}\"`")
        );
    }

    #[test]
    fn control_character_after_multibyte() {
        let parsed = parse_plain("[{\"title\":\"–W\r\"}]");
        let span = parsed.findings[0].span.unwrap();
        assert_eq!(span, Span::new(15, 16));
    }

    #[test]
    fn broken_escape_spans_the_escape() {
        let parsed = parse_plain(r#"["a\uZZZZ"]"#);
        assert_eq!(parsed.findings[0].span, Some(Span::new(3, 9)));
        assert!(parsed.findings[0].message.contains("broken"));
    }

    #[test]
    fn deep_nesting_stops() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let parsed = parse_plain(&text);
        assert_eq!(ids(&parsed), ["json-too-deep"]);
    }

    #[test]
    fn comma_then_deep_nesting_is_safe() {
        let text = "[1,]".to_owned() + &"[".repeat(100_000);
        let parsed = parse_plain(&text);
        assert!(!parsed.findings.is_empty());
    }

    #[test]
    fn control_character_in_string() {
        let parsed = parse_plain("[\"a\rb\"]");
        assert_eq!(ids(&parsed), ["json-syntax"]);
        assert!(parsed.findings[0].message.contains("line break"));
    }

    #[test]
    fn lone_surrogate_rejected() {
        let parsed = parse_plain(r#"["\ud800"]"#);
        assert_eq!(ids(&parsed), ["json-syntax"]);
    }

    #[test]
    fn bom_reported_and_parsed() {
        let parsed = parse_plain("\u{feff}[1]");
        assert_eq!(ids(&parsed), ["json-syntax"]);
        assert!(parsed.node.is_some());
    }
}
