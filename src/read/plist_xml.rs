//! The XML plist reader: a full plist document or a bare `<dict>` body into
//! a tree with spans, built on `quick-xml` events.
//!
//! Strings are decoded here, not by `quick-xml`, so that every decoded
//! character maps back to its offset in the file (entities, CDATA and CRLF
//! line endings included). Only the five predefined entities and character
//! references are expanded. A DOCTYPE's own entities never are, so entity
//! expansion attacks and external entities have no effect.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::plist::{DecodedText, Entry, PNode, PValue};
use crate::check::rules;
use crate::finding::Finding;
use crate::source::Span;

/// Deepest nesting of plist containers accepted.
const MAX_DEPTH: usize = 64;

/// The result of reading an XML plist.
pub struct XmlPlist {
    pub root: PNode,
    /// Whether the file has an XML declaration, DOCTYPE or `<plist>` element
    /// around the root `<dict>`, and where the first of them is.
    pub wrapper: Option<Span>,
}

/// Parses the plist XML in `text`, or returns the one finding that stopped it.
pub fn parse(text: &str) -> Result<XmlPlist, Finding> {
    let mut parser = Parser {
        reader: Reader::from_str(text),
        text,
    };
    parser.reader.config_mut().check_end_names = true;
    parser.document()
}

struct Parser<'t> {
    reader: Reader<&'t [u8]>,
    text: &'t str,
}

/// An event with the byte span it came from.
struct Spanned<'t> {
    event: Event<'t>,
    span: Span,
}

impl<'t> Parser<'t> {
    fn next(&mut self) -> Result<Spanned<'t>, Finding> {
        let start = self.reader.buffer_position() as usize;
        match self.reader.read_event() {
            Ok(event) => {
                let end = self.reader.buffer_position() as usize;
                Ok(Spanned {
                    event,
                    span: Span::new(start, end),
                })
            }
            Err(error) => Err(self.xml_error(&error)),
        }
    }

    fn xml_error(&self, error: &quick_xml::Error) -> Finding {
        let at = (self.reader.error_position() as usize).min(self.text.len());
        if self.text[at..].starts_with('&') || error.to_string().contains("reference not closed") {
            return Finding::new(
                &rules::PLIST_SYNTAX,
                "an `&` that does not start an XML entity",
            )
            .help("write a literal `&` as `&amp;` inside plist XML")
            .span(Span::new(at, (at + 1).min(self.text.len())));
        }
        let message = error.to_string();
        let help = if message.contains("&") || message.contains("reference") {
            "write a literal `&` as `&amp;` inside plist XML"
        } else if message.contains("end tag") || message.contains("close") {
            "check that every element is closed in the right order"
        } else {
            "check the XML near this position"
        };
        Finding::new(&rules::PLIST_SYNTAX, format!("invalid XML: {message}"))
            .help(help)
            .span(Span::new(at, (at + 1).min(self.text.len())))
    }

    /// Skips declarations, comments and whitespace; returns the next element
    /// event or end of file.
    fn next_significant(&mut self, wrapper: &mut Option<Span>) -> Result<Spanned<'t>, Finding> {
        loop {
            let item = self.next()?;
            match &item.event {
                Event::Decl(_) => {
                    wrapper.get_or_insert(item.span);
                }
                Event::DocType(doctype) => {
                    wrapper.get_or_insert(item.span);
                    if doctype.contains("<!ENTITY") {
                        return Err(Finding::new(
                            &rules::PLIST_SYNTAX,
                            "the DOCTYPE declares entities, which a plist never does",
                        )
                        .help("remove the entity declarations; this tool does not expand them")
                        .span(item.span));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim().is_empty() => {}
                _ => return Ok(item),
            }
        }
    }

    fn document(&mut self) -> Result<XmlPlist, Finding> {
        let mut wrapper = None;
        let first = self.next_significant(&mut wrapper)?;
        let (root, closes_plist) = match &first.event {
            Event::Start(e) if e.name().as_ref() == "plist" => {
                wrapper.get_or_insert(first.span);
                let value = self.next_significant(&mut wrapper)?;
                match value.event {
                    Event::End(_) => {
                        return Err(structure("the `<plist>` element is empty", value.span));
                    }
                    _ => (self.value(value, 0)?, true),
                }
            }
            Event::Empty(e) if e.name().as_ref() == "plist" => {
                return Err(structure("the `<plist>` element is empty", first.span));
            }
            Event::Eof => return Err(structure("the file has no plist element", first.span)),
            _ => (self.value(first, 0)?, false),
        };

        let mut ignored = None;
        if closes_plist {
            let end = self.next_significant(&mut ignored)?;
            if !matches!(&end.event, Event::End(e) if e.name().as_ref() == "plist") {
                return Err(structure(
                    "`<plist>` contains more than one value",
                    end.span,
                ));
            }
        }
        let rest = self.next_significant(&mut ignored)?;
        if !matches!(rest.event, Event::Eof) {
            return Err(structure("content follows the root element", rest.span));
        }
        Ok(XmlPlist { root, wrapper })
    }

    /// Reads one value whose opening event is `open`.
    fn value(&mut self, open: Spanned<'t>, depth: usize) -> Result<PNode, Finding> {
        if depth > MAX_DEPTH {
            return Err(structure(
                &format!("the plist is nested more than {MAX_DEPTH} levels deep"),
                open.span,
            ));
        }
        let (name, empty) = match &open.event {
            Event::Start(e) => (element_name(e), false),
            Event::Empty(e) => (element_name(e), true),
            Event::End(e) => {
                let name = e.name().as_ref().to_owned();
                return Err(structure(&format!("unexpected `</{name}>`"), open.span));
            }
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                return Err(structure("text outside a plist element", open.span));
            }
            Event::Eof => return Err(structure("the file ends inside the plist", open.span)),
            _ => return Err(structure("unexpected XML here", open.span)),
        };

        let start = open.span.start;
        let value = match (name.as_str(), empty) {
            ("dict", true) => PValue::Dict(Vec::new()),
            ("array", true) => PValue::Array(Vec::new()),
            ("true", true) => PValue::Bool(true),
            ("false", true) => PValue::Bool(false),
            ("dict", false) => return self.dict(start, depth),
            ("array", false) => return self.array(start, depth),
            ("true" | "false", false) => {
                let end = self.close(&name)?;
                return Ok(PNode::new(
                    PValue::Bool(name == "true"),
                    Span::new(start, end),
                ));
            }
            ("string" | "key" | "integer" | "real" | "date" | "data", true) => {
                scalar(&name, DecodedText::empty(open.span.end))
            }
            ("string" | "key" | "integer" | "real" | "date" | "data", false) => {
                let (text, end) = self.text_content(&name, open.span.end)?;
                return Ok(PNode::new(scalar(&name, text), Span::new(start, end)));
            }
            _ => {
                return Err(structure(
                    &format!("`<{name}>` is not a plist element"),
                    open.span,
                ));
            }
        };
        Ok(PNode::new(value, open.span))
    }

    fn dict(&mut self, start: usize, depth: usize) -> Result<PNode, Finding> {
        let mut entries = Vec::new();
        let mut ignored = None;
        loop {
            let item = self.next_significant(&mut ignored)?;
            let key = match &item.event {
                Event::End(e) if e.name().as_ref() == "dict" => {
                    return Ok(PNode::new(
                        PValue::Dict(entries),
                        Span::new(start, item.span.end),
                    ));
                }
                Event::Start(e) if e.name().as_ref() == "key" => {
                    let (text, end) = self.text_content("key", item.span.end)?;
                    (text.text, Span::new(item.span.start, end))
                }
                Event::Empty(e) if e.name().as_ref() == "key" => (String::new(), item.span),
                _ => {
                    return Err(structure(
                        "a `<dict>` contains a value without its `<key>`",
                        item.span,
                    ));
                }
            };
            let next = self.next_significant(&mut ignored)?;
            if matches!(&next.event, Event::End(e) if e.name().as_ref() == "dict")
                || matches!(&next.event, Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "key")
            {
                return Err(structure(
                    &format!("the key `{}` has no value", key.0),
                    key.1,
                ));
            }
            let value = self.value(next, depth + 1)?;
            entries.push(Entry {
                key: key.0,
                key_span: key.1,
                value,
            });
        }
    }

    fn array(&mut self, start: usize, depth: usize) -> Result<PNode, Finding> {
        let mut items = Vec::new();
        let mut ignored = None;
        loop {
            let item = self.next_significant(&mut ignored)?;
            if matches!(&item.event, Event::End(e) if e.name().as_ref() == "array") {
                return Ok(PNode::new(
                    PValue::Array(items),
                    Span::new(start, item.span.end),
                ));
            }
            items.push(self.value(item, depth + 1)?);
        }
    }

    /// Reads the closing tag of an element that contains nothing; returns its end.
    fn close(&mut self, name: &str) -> Result<usize, Finding> {
        let mut ignored = None;
        let item = self.next_significant(&mut ignored)?;
        match &item.event {
            Event::End(e) if e.name().as_ref() == name => Ok(item.span.end),
            _ => Err(structure(&format!("`<{name}>` must be empty"), item.span)),
        }
    }

    /// Decodes the text of an element up to its closing tag, keeping a map
    /// from each decoded offset to the file. Returns the text and the end of
    /// the closing tag.
    fn text_content(
        &mut self,
        name: &str,
        content_start: usize,
    ) -> Result<(DecodedText, usize), Finding> {
        let mut decoded = DecodedText::empty(content_start);
        loop {
            let item = self.next()?;
            match &item.event {
                Event::Text(t) => {
                    check_characters(t, item.span.start)?;
                    decoded.push_raw(t, item.span.start);
                }
                Event::CData(c) => {
                    let start = item.span.start + "<![CDATA[".len();
                    check_characters(c, start)?;
                    decoded.push_raw(c, start);
                }
                Event::GeneralRef(r) => {
                    let expanded = expand_reference(r, item.span)?;
                    if !is_xml_char(expanded) {
                        return Err(forbidden_character(expanded, item.span));
                    }
                    decoded.push_char(expanded, item.span.start);
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::End(e) if e.name().as_ref() == name => {
                    // Anchor the end, so that a span ending in an entity
                    // ends where the entity does.
                    decoded.map.push(decoded.text.len(), item.span.start);
                    return Ok((decoded, item.span.end));
                }
                Event::Eof => {
                    return Err(structure(
                        &format!("the file ends before `</{name}>`"),
                        Span::new(content_start, content_start),
                    )
                    .help(format!("close the element with `</{name}>`")));
                }
                _ => {
                    return Err(structure(
                        &format!("`<{name}>` contains markup; only text is allowed there"),
                        item.span,
                    ));
                }
            }
        }
    }
}

/// Says whether XML 1.0 allows the character (production 2, `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

pub(crate) fn forbidden_character(c: char, span: Span) -> Finding {
    Finding::new(
        &rules::PLIST_SYNTAX,
        format!("the character U+{:04X} is not allowed in XML 1.0", c as u32),
    )
    .help("remove it; plist parsers, and so MDMs and devices, reject the whole file")
    .span(span)
}

/// Rejects characters that XML 1.0 forbids in raw text starting at `start`.
pub(crate) fn check_characters(raw: &str, start: usize) -> Result<(), Finding> {
    match raw.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        Some((i, c)) => Err(forbidden_character(
            c,
            Span::new(start + i, start + i + c.len_utf8()),
        )),
        None => Ok(()),
    }
}

fn element_name(e: &BytesStart) -> String {
    e.name().as_ref().to_owned()
}

fn scalar(name: &str, text: DecodedText) -> PValue {
    match name {
        "integer" => PValue::Integer(text.text.trim().to_owned()),
        "real" => PValue::Real(text.text.trim().to_owned()),
        "date" => PValue::Date(text.text.trim().to_owned()),
        "data" => PValue::Data(text.text),
        _ => PValue::String(text),
    }
}

/// Expands a predefined entity or a character reference.
pub(crate) fn expand_reference(
    reference: &quick_xml::events::BytesRef,
    span: Span,
) -> Result<char, Finding> {
    let name: &str = reference;
    let predefined = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    };
    if let Some(c) = predefined {
        return Ok(c);
    }
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(Finding::new(
                &rules::PLIST_SYNTAX,
                format!("`&{name};` is not a valid character reference"),
            )
            .span(span)),
        };
    }
    Err(Finding::new(
        &rules::PLIST_SYNTAX,
        format!("unknown XML entity `&{name};`"),
    )
    .help("plist XML knows only `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`; write a literal `&` as `&amp;`")
    .span(span))
}

fn structure(message: &str, span: Span) -> Finding {
    Finding::new(&rules::PLIST_STRUCTURE, message).span(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_of(root: &PNode, key: &str) -> DecodedText {
        let PValue::Dict(entries) = &root.value else {
            panic!()
        };
        let entry = entries.iter().find(|e| e.key == key).unwrap();
        let PValue::String(text) = &entry.value.value else {
            panic!()
        };
        text.clone()
    }

    #[test]
    fn bare_dict_has_no_wrapper() {
        let parsed = parse("<dict>\n<key>sites</key>\n<string>[]</string>\n</dict>\n").unwrap();
        assert!(parsed.wrapper.is_none());
        assert_eq!(string_of(&parsed.root, "sites").text, "[]");
    }

    #[test]
    fn entity_maps_to_file_offset() {
        let text = "<dict><key>sites</key><string>a&amp;b</string></dict>";
        let parsed = parse(text).unwrap();
        let s = string_of(&parsed.root, "sites");
        assert_eq!(s.text, "a&b");
        assert_eq!(s.map.raw_offset(2), text.find('b').unwrap());
    }

    #[test]
    fn crlf_becomes_lf() {
        let text = "<dict><key>sites</key><string>a\r\nb</string></dict>";
        let s = string_of(&parse(text).unwrap().root, "sites");
        assert_eq!(s.text, "a\nb");
        assert_eq!(s.map.raw_offset(2), text.find('b').unwrap());
    }

    #[test]
    fn cdata_kept_verbatim() {
        let text = "<dict><key>sites</key><string><![CDATA[a&b]]></string></dict>";
        let s = string_of(&parse(text).unwrap().root, "sites");
        assert_eq!(s.text, "a&b");
        assert_eq!(s.map.raw_offset(2), text.find('b').unwrap());
    }

    #[test]
    fn full_document_has_wrapper() {
        let text = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>";
        assert_eq!(parse(text).unwrap().wrapper, Some(Span::new(0, 21)));
    }

    #[test]
    fn unescaped_ampersand_is_syntax_error() {
        let error = parse("<dict><key>sites</key><string>R&D</string></dict>")
            .err()
            .unwrap();
        assert_eq!(error.rule.id, "plist-syntax");
    }

    #[test]
    fn declared_entities_rejected() {
        let text =
            "<!DOCTYPE plist [<!ENTITY a \"aaaa\">]><dict><key>k</key><string>&a;</string></dict>";
        let error = parse(text).err().unwrap();
        assert!(error.message.contains("entities"));
    }

    #[test]
    fn deep_nesting_rejected() {
        let text = "<array>".repeat(10_000);
        assert_eq!(parse(&text).err().unwrap().rule.id, "plist-structure");
    }
}
