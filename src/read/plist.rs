//! Plist input, XML or binary: the tree both readers produce, and the step
//! that turns it into a document by finding `sites` and decoding its JSON.

use base64::Engine;

use super::json;
use crate::check::rules;
use crate::document::{Document, InputKind, Member, Node, OtherKey, PositionText, Value};
use crate::finding::Finding;
use crate::source::{OffsetMap, Span};

/// The key the Confluence app reads.
pub const SITES_KEY: &str = "sites";

/// A plist value with the span of its element (empty for binary plists).
#[derive(Debug, Clone)]
pub struct PNode {
    pub value: PValue,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum PValue {
    Dict(Vec<Entry>),
    Array(Vec<PNode>),
    String(DecodedText),
    Integer(String),
    Real(String),
    Bool(bool),
    Date(String),
    /// Base64 text as written.
    Data(String),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: PNode,
}

impl PNode {
    pub fn new(value: PValue, span: Span) -> Self {
        PNode { value, span }
    }

    fn type_name(&self) -> &'static str {
        match self.value {
            PValue::Dict(_) => "a <dict>",
            PValue::Array(_) => "an <array>",
            PValue::String(_) => "a <string>",
            PValue::Integer(_) => "an <integer>",
            PValue::Real(_) => "a <real>",
            PValue::Bool(_) => "a boolean",
            PValue::Date(_) => "a <date>",
            PValue::Data(_) => "a <data>",
        }
    }
}

/// Text decoded from XML, with the map back to the file's offsets.
#[derive(Debug, Clone, Default)]
pub struct DecodedText {
    pub text: String,
    pub map: OffsetMap,
}

impl DecodedText {
    pub fn empty(raw_start: usize) -> Self {
        DecodedText {
            text: String::new(),
            map: OffsetMap::shifted(raw_start),
        }
    }

    /// Returns text that maps one to one onto itself, for binary plists.
    pub fn plain(text: String) -> Self {
        DecodedText {
            text,
            map: OffsetMap::shifted(0),
        }
    }

    /// Appends raw character data that starts at `raw_start`, turning CRLF
    /// and lone CR into LF as XML 1.0 section 2.11 requires.
    pub fn push_raw(&mut self, raw: &str, raw_start: usize) {
        self.map.push(self.text.len(), raw_start);
        let bytes = raw.as_bytes();
        let mut copied = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b != b'\r' {
                continue;
            }
            self.text.push_str(&raw[copied..i]);
            self.text.push('\n');
            copied = if bytes.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            self.map.push(self.text.len(), raw_start + copied);
        }
        self.text.push_str(&raw[copied..]);
    }

    /// Appends one character expanded from the reference at `raw_start`.
    pub fn push_char(&mut self, c: char, raw_start: usize) {
        self.map.push(self.text.len(), raw_start);
        self.text.push(c);
    }
}

/// Builds the document of a plist whose root is `root`.
///
/// `file_text` is the XML text, or `None` for a binary plist, whose findings
/// then point into the `sites` string instead.
pub fn document(name: &str, kind: InputKind, root: PNode, file_text: Option<&str>) -> Document {
    let mut doc = Document {
        name: name.to_owned(),
        kind,
        positions: file_text.map(|t| PositionText::new(t.to_owned(), None)),
        sites: None,
        other_keys: Vec::new(),
        groups: None,
        findings: Vec::new(),
    };
    let has_spans = file_text.is_some();
    let at = |span: Span| if has_spans { Some(span) } else { None };

    let PValue::Dict(entries) = root.value else {
        let finding = Finding::new(
            &rules::PLIST_STRUCTURE,
            format!(
                "the root of the plist is {}, not a <dict>",
                root.type_name()
            ),
        )
        .help("managed app config is a <dict> of keys, with `sites` among them");
        doc.findings.push(with_span(finding, at(root.span)));
        return doc;
    };

    report_duplicate_keys(&entries, &mut doc, has_spans);
    let sites_entry = entries.iter().find(|e| e.key == SITES_KEY).or_else(|| {
        let near = entries.iter().find(|e| is_near_sites(&e.key))?;
        let finding = Finding::new(
            &rules::MISSING_SITES,
            format!(
                "the key `{}` is not read by the app, which reads `sites`",
                near.key
            ),
        )
        .help("rename the key to `sites`: key names are case-sensitive")
        .key_path(near.key.clone());
        doc.findings.push(with_span(finding, at(near.key_span)));
        Some(near)
    });

    for entry in &entries {
        // A repeated `sites` key is reported as a duplicate, not as another key.
        if sites_entry.is_some_and(|s| s.key == entry.key) {
            continue;
        }
        match to_plist_value(&entry.value) {
            Ok(value) => doc.other_keys.push(OtherKey {
                key: entry.key.clone(),
                value,
                span: at(entry.key_span),
            }),
            Err(finding) => doc.findings.push(with_span(finding, at(entry.value.span))),
        }
    }

    let Some(sites) = sites_entry else {
        let finding = Finding::new(&rules::MISSING_SITES, "the plist has no `sites` key")
            .help("add `<key>sites</key>` with the site list as a JSON `<string>`; without it the app shows no pre-populated site");
        doc.findings
            .push(with_span(finding, at(Span::at(root.span.start))));
        return doc;
    };
    read_sites(&mut doc, sites, has_spans);
    doc
}

fn with_span(finding: Finding, span: Option<Span>) -> Finding {
    match span {
        Some(span) => finding.span(span),
        None => finding,
    }
}

/// Says whether a key is probably a mistyped `sites`.
fn is_near_sites(key: &str) -> bool {
    let folded = key.trim().to_lowercase();
    folded == SITES_KEY
        || folded == "site"
        || crate::check::suggest::distance(&folded, SITES_KEY) <= 1
}

fn report_duplicate_keys(entries: &[Entry], doc: &mut Document, has_spans: bool) {
    let mut seen = std::collections::HashSet::new();
    for entry in entries {
        if !seen.insert(entry.key.as_str()) {
            let finding = Finding::new(
                &rules::DUPLICATE_KEY,
                format!(
                    "the key `{}` appears more than once in this <dict>",
                    entry.key
                ),
            )
            .help("keep one of them: MDMs and the app may each pick a different one")
            .key_path(entry.key.clone());
            doc.findings
                .push(with_span(finding, has_spans.then_some(entry.key_span)));
        }
    }
}

fn read_sites(doc: &mut Document, sites: &Entry, has_spans: bool) {
    let key = sites.key.clone();
    match &sites.value.value {
        PValue::String(decoded) => {
            if !has_spans {
                doc.positions = Some(PositionText::new(decoded.text.clone(), Some(key.clone())));
            }
            if decoded.text.trim().is_empty() {
                let finding =
                    Finding::new(&rules::SITES_EMPTY, format!("`{key}` is an empty string"))
                        .help("put the JSON site list inside <string>...</string>")
                        .key_path(key);
                doc.findings
                    .push(with_span(finding, has_spans.then_some(sites.value.span)));
                return;
            }
            let parsed = json::parse(&decoded.text, &decoded.map);
            doc.findings
                .extend(parsed.findings.into_iter().map(|f| f.key_path(key.clone())));
            doc.sites = parsed.node;
        }
        PValue::Array(_) | PValue::Dict(_) => {
            let node = to_node(&sites.value);
            let json = serde_json::to_string(&node.to_json()).unwrap_or_default();
            let finding = Finding::new(
                &rules::SITES_NOT_STRING,
                format!(
                    "`{key}` is {}, but the app reads a string of JSON text",
                    sites.value.type_name()
                ),
            )
            .help(format!(
                "replace it with <string>{}</string>",
                xml_escape(&json)
            ))
            .key_path(key.clone());
            doc.findings
                .push(with_span(finding, has_spans.then_some(sites.value.span)));
            if !has_spans {
                doc.positions = None;
            }
            doc.sites = Some(node);
        }
        _ => {
            let finding = Finding::new(
                &rules::SITES_NOT_STRING,
                format!(
                    "`{key}` is {}, but the app reads a string of JSON text",
                    sites.value.type_name()
                ),
            )
            .help("write the site list as JSON text inside <string>...</string>")
            .key_path(key);
            doc.findings
                .push(with_span(finding, has_spans.then_some(sites.value.span)));
        }
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Converts a native plist value to a JSON tree, keeping element spans.
fn to_node(node: &PNode) -> Node {
    let value = match &node.value {
        PValue::Dict(entries) => Value::Object(
            entries
                .iter()
                .map(|e| Member {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: to_node(&e.value),
                })
                .collect(),
        ),
        PValue::Array(items) => Value::Array(items.iter().map(to_node).collect()),
        PValue::String(text) => Value::String(text.text.clone()),
        PValue::Integer(text) | PValue::Real(text) => Value::Number(text.clone()),
        PValue::Bool(b) => Value::Bool(*b),
        PValue::Date(text) | PValue::Data(text) => Value::String(text.clone()),
    };
    Node::new(value, node.span)
}

/// Converts to a `plist` value so that other keys pass through unchanged.
fn to_plist_value(node: &PNode) -> Result<plist::Value, Finding> {
    let invalid = |what: &str, text: &str| {
        Finding::new(
            &rules::PLIST_SYNTAX,
            format!("`{text}` is not a valid {what}"),
        )
    };
    Ok(match &node.value {
        PValue::Dict(entries) => {
            let mut dict = plist::Dictionary::new();
            for entry in entries {
                dict.insert(entry.key.clone(), to_plist_value(&entry.value)?);
            }
            plist::Value::Dictionary(dict)
        }
        PValue::Array(items) => {
            plist::Value::Array(items.iter().map(to_plist_value).collect::<Result<_, _>>()?)
        }
        PValue::String(text) => plist::Value::String(text.text.clone()),
        PValue::Integer(text) => {
            let integer = text
                .parse::<i64>()
                .map(plist::Integer::from)
                .or_else(|_| text.parse::<u64>().map(plist::Integer::from))
                .map_err(|_| invalid("<integer>", text))?;
            plist::Value::Integer(integer)
        }
        PValue::Real(text) => {
            plist::Value::Real(text.parse::<f64>().map_err(|_| invalid("<real>", text))?)
        }
        PValue::Bool(b) => plist::Value::Boolean(*b),
        PValue::Date(text) => plist::Value::Date(
            plist::Date::from_xml_format(text).map_err(|_| invalid("<date>", text))?,
        ),
        PValue::Data(text) => {
            let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| invalid("base64 <data>", text.trim()))?;
            plist::Value::Data(bytes)
        }
    })
}
