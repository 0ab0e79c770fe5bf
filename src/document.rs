//! The document every reader produces: the `sites` value as a tree of JSON
//! values that remember their span in the user's file, the other top-level
//! keys, and what the reader itself found wrong.

use crate::finding::Finding;
use crate::source::{LineIndex, Position, Span};

/// A JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's literal text, kept as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in document order, duplicates included.
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// Returns the first member named `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Names the JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Converts to a `serde_json` value. Of duplicate members the last wins,
    /// as in `serde_json` itself.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(text) => serde_json::from_str::<serde_json::Number>(text)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => items.iter().map(Node::to_json).collect(),
            Value::Object(members) => members
                .iter()
                .map(|m| (m.key.clone(), m.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// Returns the node at a JSON Pointer, following the first of duplicate
    /// members.
    pub fn at_pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                Value::Object(members) => &members.iter().find(|m| m.key == segment)?.value,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// What kind of input a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// The value of `sites`: a JSON array of site objects.
    Json,
    /// A full XML plist document.
    PlistXml,
    /// A bare `<dict>` body, as Intune and Jamf take it.
    PlistDict,
    PlistBinary,
    Csv,
    /// `{"sites": "<JSON text>"}`.
    JsonObject,
    /// The JSON body of a Microsoft Graph `iosMobileAppConfiguration`.
    IntuneGraph,
    /// Key, type and value rows, as CSV or Markdown.
    Table,
    /// An AppConfig specfile, checked as such.
    Specfile,
    /// One site given by command-line flags.
    Flags,
    /// Content that matched no format.
    Unknown,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Json => "json",
            InputKind::PlistXml => "plist",
            InputKind::PlistDict => "dict",
            InputKind::PlistBinary => "binary-plist",
            InputKind::Csv => "csv",
            InputKind::JsonObject => "json-object",
            InputKind::IntuneGraph => "intune-graph",
            InputKind::Table => "table",
            InputKind::Specfile => "specfile",
            InputKind::Flags => "flags",
            InputKind::Unknown => "unknown",
        }
    }

    /// Says whether the site list sits in a plist's `sites` key.
    pub fn is_plist(self) -> bool {
        matches!(
            self,
            InputKind::PlistXml
                | InputKind::PlistDict
                | InputKind::PlistBinary
                | InputKind::IntuneGraph
        )
    }
}

/// The text that spans point into, with its line index.
#[derive(Debug, Clone)]
pub struct PositionText {
    pub text: String,
    /// Bytes in the file before `text` starts: 3 for a UTF-8 byte order
    /// mark, which the reader strips. Byte offsets in reports add it.
    pub file_offset: usize,
    index: LineIndex,
    /// The plist key whose string value is the text, when the text is not
    /// the file itself (a binary plist has no lines of its own).
    pub embedded_in: Option<String>,
}

impl PositionText {
    pub fn new(text: String, embedded_in: Option<String>) -> Self {
        let index = LineIndex::new(&text);
        PositionText {
            text,
            file_offset: 0,
            index,
            embedded_in,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        self.index.position(&self.text, offset)
    }

    pub fn line_text(&self, line: usize) -> &str {
        self.index.line_text(&self.text, line)
    }

    /// Returns the byte offset where the 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.index.line_start(line)
    }
}

/// A top-level plist key other than `sites`, kept so that nothing is lost.
#[derive(Debug, Clone)]
pub struct OtherKey {
    pub key: String,
    pub value: plist::Value,
    pub span: Option<Span>,
}

/// What a reader made of one input.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub kind: InputKind,
    /// `None` for input with no text to point into (command-line flags).
    pub positions: Option<PositionText>,
    /// The site list, when the reader could get that far.
    pub sites: Option<Node>,
    pub other_keys: Vec<OtherKey>,
    /// The groups of each site, from an inventory's `group` column: one
    /// entry per site, empty for a site that goes into every group. `None`
    /// when the input has no groups.
    pub groups: Option<Vec<Vec<String>>>,
    /// Findings about the syntax and structure around the site list.
    pub findings: Vec<Finding>,
}
