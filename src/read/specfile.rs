//! The specfile reader, for `--input-format specfile`: checks the structure
//! of an AppConfig specfile and reads the site list in the default value of
//! its `sites` key, with positions in the file.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::json;
use super::plist::{DecodedText, SITES_KEY};
use super::plist_xml::{check_characters, expand_reference, forbidden_character, is_xml_char};
use crate::check::rules;
use crate::document::{Document, InputKind, PositionText};
use crate::finding::{Finding, Severity};
use crate::source::Span;
use crate::write::specfile::{check_bundle_id, check_spec_version};

/// The parts of a specfile that the event walk collected.
#[derive(Default)]
struct Collected {
    root: Option<(String, Span)>,
    version: Option<(String, Span)>,
    bundle_id: Option<(String, Span)>,
    /// The element that declares `sites`, such as `string`.
    sites_element: Option<(String, Span)>,
    default_value: Option<DecodedText>,
}

pub fn read(name: &str, text: String) -> Document {
    let mut findings = Vec::new();
    let collected = match walk(&text) {
        Ok(collected) => collected,
        Err(finding) => {
            findings.push(finding);
            Collected::default()
        }
    };
    let mut sites = None;
    if findings.is_empty() {
        check_structure(&collected, &mut findings);
        if let Some(decoded) = &collected.default_value {
            let parsed = json::parse(&decoded.text, &decoded.map);
            findings.extend(parsed.findings);
            sites = parsed.node;
        }
    }
    Document {
        name: name.to_owned(),
        kind: InputKind::Specfile,
        positions: Some(PositionText::new(text, None)),
        sites,
        other_keys: Vec::new(),
        groups: None,
        findings,
    }
}

fn structure(message: impl Into<String>, span: Span) -> Finding {
    Finding::new(&rules::SPECFILE_STRUCTURE, message).span(span)
}

fn check_structure(collected: &Collected, findings: &mut Vec<Finding>) {
    let root_span = collected.root.as_ref().map_or(Span::default(), |r| r.1);
    match &collected.root {
        Some((name, _)) if name == "managedAppConfiguration" => {}
        _ => {
            findings.push(structure(
                "the root element is not <managedAppConfiguration>",
                root_span,
            ));
            return;
        }
    }
    match &collected.version {
        None => findings.push(structure("the specfile has no <version>", root_span)),
        Some((text, span)) => {
            let valid = text
                .trim()
                .parse::<u32>()
                .map_err(anyhow::Error::from)
                .and_then(check_spec_version);
            if let Err(error) = valid {
                findings.push(structure(
                    format!("<version> `{}` is invalid: {error:#}", text.trim()),
                    *span,
                ));
            }
        }
    }
    match &collected.bundle_id {
        None => findings.push(structure("the specfile has no <bundleId>", root_span)),
        Some((text, span)) => {
            if let Err(error) = check_bundle_id(text.trim()) {
                findings.push(structure(format!("{error:#}"), *span));
            }
        }
    }
    match &collected.sites_element {
        None => findings.push(
            Finding::new(
                &rules::MISSING_SITES,
                "the specfile declares no key named `sites`",
            )
            .help("add <string keyName=\"sites\"> to its <dict>")
            .span(root_span),
        ),
        Some((element, span)) if element != "string" => findings.push(
            Finding::new(
                &rules::SITES_NOT_STRING,
                format!(
                    "`sites` is declared as <{element}>, but the app reads a string of JSON text"
                ),
            )
            .span(*span),
        ),
        Some((_, span)) if collected.default_value.is_none() => findings.push(
            structure(
                "the `sites` key has no <defaultValue><value>, so there is no site list to check",
                *span,
            )
            .severity(Severity::Warning),
        ),
        Some(_) => {}
    }
}

/// Walks the XML and collects the parts a specfile has. Entities are
/// expanded as in plist XML, and DOCTYPE entities never are.
fn walk(text: &str) -> Result<Collected, Finding> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut collected = Collected::default();
    let mut path: Vec<(String, bool)> = Vec::new();
    let mut capture: Option<(String, DecodedText, Span)> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|error| {
            let at = (reader.error_position() as usize).min(text.len());
            Finding::new(&rules::PLIST_SYNTAX, format!("invalid XML: {error}"))
                .span(Span::new(at, (at + 1).min(text.len())))
        })?;
        let end = reader.buffer_position() as usize;
        let span = Span::new(start, end);
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                let names_sites = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "keyName" && a.value.as_ref() == SITES_KEY);
                if path.is_empty() {
                    collected.root = Some((name.clone(), span));
                }
                let parent_is_dict = path.len() == 2 && path[1].0 == "dict";
                if parent_is_dict && names_sites {
                    collected.sites_element = Some((name.clone(), span));
                }
                let in_sites = names_sites && parent_is_dict || path.last().is_some_and(|p| p.1);
                let wanted = match path.len() {
                    1 => name == "version" || name == "bundleId",
                    4 => in_sites && name == "value" && path[3].0 == "defaultValue",
                    _ => false,
                };
                if wanted {
                    capture = Some((name.clone(), DecodedText::empty(end), span));
                }
                path.push((name, in_sites));
                if is_empty {
                    finish(&mut path, &mut capture, &mut collected, end);
                }
            }
            Event::End(_) => finish(&mut path, &mut capture, &mut collected, start),
            Event::Text(t) => {
                if let Some((_, decoded, _)) = &mut capture {
                    check_characters(&t, start)?;
                    decoded.push_raw(&t, start);
                }
            }
            Event::CData(c) => {
                if let Some((_, decoded, _)) = &mut capture {
                    decoded.push_raw(&c, start + "<![CDATA[".len());
                }
            }
            Event::GeneralRef(r) => {
                let c = expand_reference(&r, span)?;
                if !is_xml_char(c) {
                    return Err(forbidden_character(c, span));
                }
                if let Some((_, decoded, _)) = &mut capture {
                    decoded.push_char(c, start);
                }
            }
            Event::DocType(d) if d.contains("<!ENTITY") => {
                return Err(Finding::new(
                    &rules::PLIST_SYNTAX,
                    "the DOCTYPE declares entities, which a specfile never does",
                )
                .span(span));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(collected)
}

/// Closes the innermost element; stores what was captured in it.
fn finish(
    path: &mut Vec<(String, bool)>,
    capture: &mut Option<(String, DecodedText, Span)>,
    collected: &mut Collected,
    end: usize,
) {
    let Some((name, _)) = path.pop() else {
        return;
    };
    let Some((captured, _, _)) = capture.as_ref() else {
        return;
    };
    if *captured != name {
        return;
    }
    let (name, mut decoded, span) = capture.take().expect("checked above");
    decoded.map.push(decoded.text.len(), end);
    match name.as_str() {
        "version" => collected.version = Some((decoded.text, span)),
        "bundleId" => collected.bundle_id = Some((decoded.text, span)),
        _ => collected.default_value = Some(decoded),
    }
}
