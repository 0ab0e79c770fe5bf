//! The binary plist reader: events from the `plist` crate's binary reader
//! into the same tree as XML plists. Reading events, rather than a
//! `plist::Value`, keeps duplicate keys, which a dictionary would merge.

use base64::Engine;
use plist::stream::{BinaryReader, Event};

use super::plist::{DecodedText, Entry, PNode, PValue};
use crate::check::rules;
use crate::finding::Finding;
use crate::source::Span;

/// Deepest nesting of containers accepted, as for XML plists.
const MAX_DEPTH: usize = 64;

/// A container being filled: its values, and for a dict the key waiting for
/// its value.
enum Open {
    Array(Vec<PNode>),
    Dict(Vec<Entry>, Option<String>),
}

/// Parses a binary plist, or returns the finding that stopped it.
pub fn parse(bytes: &[u8]) -> Result<PNode, Finding> {
    let damaged = || {
        Finding::new(
            &rules::PLIST_SYNTAX,
            "the binary plist is damaged or truncated, so it cannot be read",
        )
        .help("export the plist again from the tool that made it")
    };
    let mut stack: Vec<Open> = Vec::new();
    for event in BinaryReader::new(std::io::Cursor::new(bytes)) {
        let event = event.map_err(|_| damaged())?;
        let value = match event {
            Event::StartArray(_) | Event::StartDictionary(_) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Finding::new(
                        &rules::PLIST_STRUCTURE,
                        format!("the plist is nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
                stack.push(match event {
                    Event::StartArray(_) => Open::Array(Vec::new()),
                    _ => Open::Dict(Vec::new(), None),
                });
                continue;
            }
            Event::EndCollection => match stack.pop() {
                Some(Open::Array(items)) => PValue::Array(items),
                Some(Open::Dict(entries, _)) => PValue::Dict(entries),
                None => return Err(damaged()),
            },
            Event::String(text) => {
                if let Some(Open::Dict(_, key @ None)) = stack.last_mut() {
                    *key = Some(text.into_owned());
                    continue;
                }
                PValue::String(DecodedText::plain(text.into_owned()))
            }
            Event::Boolean(b) => PValue::Bool(b),
            Event::Integer(i) => PValue::Integer(i.to_string()),
            Event::Real(r) => PValue::Real(r.to_string()),
            Event::Date(d) => PValue::Date(d.to_xml_format()),
            Event::Data(data) => {
                PValue::Data(base64::engine::general_purpose::STANDARD.encode(data))
            }
            // UIDs occur only in keyed archives, never in app config.
            _ => return Err(damaged()),
        };
        let node = PNode::new(value, Span::default());
        match stack.last_mut() {
            None => return Ok(node),
            Some(Open::Array(items)) => items.push(node),
            Some(Open::Dict(entries, key)) => match key.take() {
                Some(key) => entries.push(Entry {
                    key,
                    key_span: Span::default(),
                    value: node,
                }),
                // A dict key that is not a string.
                None => return Err(damaged()),
            },
        }
    }
    Err(damaged())
}
