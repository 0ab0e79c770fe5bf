//! Formats that wrap the site list in another layer: the `json-object`
//! (`{"sites": "<JSON text>"}`), the Microsoft Graph body of Intune (the
//! `<dict>` as base64 in `encodedSettingXml`), and the key, type and value
//! table of key-value consoles, as CSV or Markdown.

use base64::Engine;

use super::plist::{DecodedText, SITES_KEY};
use super::{json, plist as plist_read, plist_xml};
use crate::check::rules;
use crate::document::{Document, InputKind, Node, OtherKey, PositionText, Value};
use crate::finding::Finding;
use crate::source::Span;

/// The OData type of an Intune app configuration body.
const ODATA_TYPE: &str = "#microsoft.graph.iosMobileAppConfiguration";

/// Turns a JSON document whose root is an object with a `sites` string or an
/// `encodedSettingXml` member into the document of what it wraps. Returns
/// `None` for any other object, which stays a (wrong) site list.
pub fn unwrap_json_object(doc: &Document) -> Option<Document> {
    let root = doc.sites.as_ref()?;
    if root.get("encodedSettingXml").is_some() {
        return Some(read_graph(doc, root));
    }
    let sites = root.get(SITES_KEY)?;
    let Value::String(_) = &sites.value.value else {
        return None;
    };
    let text = &doc.positions.as_ref()?.text;
    let decoded = decode_json_string(
        &text[sites.value.span.start..sites.value.span.end],
        sites.value.span.start,
    );
    let parsed = json::parse(&decoded.text, &decoded.map);
    let mut findings = doc.findings.clone();
    findings.extend(parsed.findings.into_iter().map(|f| f.key_path(SITES_KEY)));
    let other_keys = match &root.value {
        Value::Object(members) => members
            .iter()
            .filter(|m| m.key != SITES_KEY)
            .filter_map(|m| {
                let value = json_to_plist(&m.value.to_json())?;
                Some(OtherKey {
                    key: m.key.clone(),
                    value,
                    span: Some(m.key_span),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(Document {
        name: doc.name.clone(),
        kind: InputKind::JsonObject,
        positions: doc.positions.clone(),
        sites: parsed.node,
        other_keys,
        groups: None,
        findings,
    })
}

/// Converts a JSON value to a plist value; `null` has no plist form.
fn json_to_plist(value: &serde_json::Value) -> Option<plist::Value> {
    Some(match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => plist::Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => plist::Value::Integer(i.into()),
            None => plist::Value::Real(n.as_f64()?),
        },
        serde_json::Value::String(s) => plist::Value::String(s.clone()),
        serde_json::Value::Array(items) => {
            plist::Value::Array(items.iter().filter_map(json_to_plist).collect())
        }
        serde_json::Value::Object(map) => {
            let mut dict = plist::Dictionary::new();
            for (key, value) in map {
                if let Some(value) = json_to_plist(value) {
                    dict.insert(key.clone(), value);
                }
            }
            plist::Value::Dictionary(dict)
        }
    })
}

fn read_graph(doc: &Document, root: &Node) -> Document {
    let mut findings = doc.findings.clone();
    let not_config =
        |message: String, span: Span| Finding::new(&rules::PLIST_STRUCTURE, message).span(span);
    match root.get("@odata.type").and_then(|m| m.value.as_str().map(|s| (s, m.value.span))) {
        Some((ODATA_TYPE, _)) => {}
        Some((other, span)) => findings.push(
            not_config(format!("`@odata.type` is `{other}`, not `{ODATA_TYPE}`"), span)
                .help("an iOS app configuration body has this type; other types configure other platforms"),
        ),
        None => findings.push(
            not_config(format!("the Graph body has no `@odata.type`; it should be `{ODATA_TYPE}`"), root.span)
                .severity(crate::finding::Severity::Warning),
        ),
    }
    let encoded = root
        .get("encodedSettingXml")
        .expect("checked by the caller");
    let Some(text) = encoded.value.as_str() else {
        findings.push(not_config(
            "`encodedSettingXml` is not a string".into(),
            encoded.value.span,
        ));
        return with(doc, InputKind::IntuneGraph, findings);
    };
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let xml = match base64::engine::general_purpose::STANDARD.decode(compact) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(xml) => xml,
            Err(_) => {
                findings.push(not_config(
                    "`encodedSettingXml` does not decode to UTF-8 text".into(),
                    encoded.value.span,
                ));
                return with(doc, InputKind::IntuneGraph, findings);
            }
        },
        Err(error) => {
            findings.push(
                Finding::new(
                    &rules::PLIST_SYNTAX,
                    format!("`encodedSettingXml` is not valid base64: {error}"),
                )
                .span(encoded.value.span),
            );
            return with(doc, InputKind::IntuneGraph, findings);
        }
    };
    // The decoded <dict> has its own lines: positions point into it.
    let mut inner = match plist_xml::parse(&xml) {
        Ok(parsed) => {
            plist_read::document(&doc.name, InputKind::IntuneGraph, parsed.root, Some(&xml))
        }
        Err(finding) => Document {
            name: doc.name.clone(),
            kind: InputKind::IntuneGraph,
            positions: Some(PositionText::new(xml.clone(), None)),
            sites: None,
            other_keys: Vec::new(),
            groups: None,
            findings: vec![finding],
        },
    };
    if let Some(positions) = &mut inner.positions {
        positions.embedded_in = Some("encodedSettingXml".to_owned());
    }
    // Findings about the envelope have spans in the outer JSON, which the
    // inner positions cannot show; keep them without a span.
    let mut outer: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            f.span = None;
            f
        })
        .collect();
    outer.append(&mut inner.findings);
    inner.findings = outer;
    inner
}

fn with(doc: &Document, kind: InputKind, findings: Vec<Finding>) -> Document {
    Document {
        name: doc.name.clone(),
        kind,
        positions: doc.positions.clone(),
        sites: None,
        other_keys: Vec::new(),
        groups: None,
        findings,
    }
}

/// Decodes a JSON string literal (quotes included) that starts at file
/// offset `base`, keeping the map from decoded offsets to the file.
pub fn decode_json_string(literal: &str, base: usize) -> DecodedText {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(literal);
    let start = base + 1;
    let mut decoded = DecodedText::empty(start);
    let bytes = inner.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        decoded.push_raw(&inner[copied..i], start + copied);
        let (c, len) = unescape(&inner[i..]);
        decoded.push_char(c, start + i);
        i += len;
        copied = i;
    }
    decoded.push_raw(&inner[copied..], start + copied);
    decoded.map.push(decoded.text.len(), start + inner.len());
    decoded
}

/// Reads one escape at the start of `text`; returns the character and the
/// escape's length. The text was valid JSON, so the escape is well formed.
fn unescape(text: &str) -> (char, usize) {
    let hex = |s: &str| s.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok());
    match text.as_bytes().get(1) {
        Some(b'n') => ('\n', 2),
        Some(b't') => ('\t', 2),
        Some(b'r') => ('\r', 2),
        Some(b'b') => ('\u{8}', 2),
        Some(b'f') => ('\u{c}', 2),
        Some(b'u') => {
            let Some(high) = hex(&text[2..]) else {
                return ('\u{fffd}', 2);
            };
            if (0xD800..0xDC00).contains(&high)
                && text[6..].starts_with("\\u")
                && let Some(low) = hex(&text[8..])
            {
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return (char::from_u32(code).unwrap_or('\u{fffd}'), 12);
            }
            (char::from_u32(high).unwrap_or('\u{fffd}'), 6)
        }
        Some(&other) => (other as char, 2),
        None => ('\\', 1),
    }
}

/// Says whether an inventory-like header is the key, type and value table.
pub fn is_table_header(cells: &[&str]) -> bool {
    let folded: Vec<String> = cells
        .iter()
        .map(|c| crate::check::suggest::fold(c))
        .collect();
    folded.iter().any(|c| c == "key" || c == "configurationkey")
        && folded
            .iter()
            .any(|c| c == "value" || c == "configurationvalue")
}

/// Reads the key, type and value table, as CSV (`markdown` false) or as a
/// Markdown table.
pub fn read_table(name: &str, text: String, markdown: bool) -> Document {
    let mut findings = Vec::new();
    let rows = if markdown {
        markdown_rows(&text)
    } else {
        csv_rows(&text, &mut findings)
    };
    let mut doc = Document {
        name: name.to_owned(),
        kind: InputKind::Table,
        positions: None,
        sites: None,
        other_keys: Vec::new(),
        groups: None,
        findings,
    };
    let Some(header) = rows.first() else {
        doc.findings.push(Finding::new(
            &rules::CSV_HEADER,
            "the table has no header row",
        ));
        doc.positions = Some(PositionText::new(text, None));
        return doc;
    };
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|cell| names.contains(&crate::check::suggest::fold(&cell.text).as_str()))
    };
    let (Some(key_at), Some(value_at)) = (
        column(&["key", "configurationkey"]),
        column(&["value", "configurationvalue"]),
    ) else {
        doc.findings.push(Finding::new(
            &rules::CSV_HEADER,
            "the table needs `key` and `value` columns",
        ));
        doc.positions = Some(PositionText::new(text, None));
        return doc;
    };
    let type_at = column(&["type", "valuetype"]);
    for row in &rows[1..] {
        let (Some(key), Some(value)) = (row.get(key_at), row.get(value_at)) else {
            continue;
        };
        let kind = type_at
            .and_then(|i| row.get(i))
            .map(|c| c.text.to_ascii_lowercase())
            .unwrap_or_default();
        if key.text == SITES_KEY {
            let parsed = json::parse(&value.text, &value.map);
            doc.findings
                .extend(parsed.findings.into_iter().map(|f| f.key_path(SITES_KEY)));
            doc.sites = parsed.node;
            continue;
        }
        let value = match kind.as_str() {
            "boolean" | "bool" => value.text.parse::<bool>().ok().map(plist::Value::Boolean),
            "integer" | "int" => value
                .text
                .parse::<i64>()
                .ok()
                .map(|i| plist::Value::Integer(i.into())),
            "real" | "float" => value.text.parse::<f64>().ok().map(plist::Value::Real),
            "json" => serde_json::from_str(&value.text)
                .ok()
                .and_then(|v| json_to_plist(&v)),
            _ => Some(plist::Value::String(value.text.clone())),
        };
        match value {
            Some(value) => doc.other_keys.push(OtherKey {
                key: key.text.clone(),
                value,
                span: Some(key.span),
            }),
            None => doc.findings.push(
                Finding::new(
                    &rules::WRONG_TYPE,
                    format!("the value of `{}` is not a valid {kind}", key.text),
                )
                .span(key.span),
            ),
        }
    }
    if doc.sites.is_none() {
        doc.findings.push(
            Finding::new(&rules::MISSING_SITES, "the table has no `sites` row").help(
                "add a row with the key `sites`, the type String and the site list as the value",
            ),
        );
    }
    doc.positions = Some(PositionText::new(text, None));
    doc
}

/// One table cell: its text and the map back into the file.
struct Cell {
    text: String,
    map: crate::source::OffsetMap,
    span: Span,
}

fn csv_rows(text: &str, findings: &mut Vec<Finding>) -> Vec<Vec<Cell>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                findings.push(Finding::new(
                    &rules::CSV_SYNTAX,
                    format!("invalid CSV: {error}"),
                ));
                break;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let start = start
            + text.as_bytes()[start..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        rows.push(csv_cells(text, start));
    }
    rows
}

/// Splits the CSV record at `start` into cells, unquoting each with its map.
fn csv_cells(text: &str, start: usize) -> Vec<Cell> {
    let bytes = text.as_bytes();
    let mut cells = Vec::new();
    let mut i = start;
    loop {
        let cell_start = i;
        let mut decoded = DecodedText::empty(i);
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut copied = i;
            decoded = DecodedText::empty(i);
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    decoded.push_raw(&text[copied..i], copied);
                    if bytes.get(i + 1) == Some(&b'"') {
                        decoded.push_char('"', i);
                        i += 2;
                        copied = i;
                        continue;
                    }
                    i += 1;
                    copied = usize::MAX;
                    break;
                }
                i += 1;
            }
            if copied != usize::MAX {
                decoded.push_raw(&text[copied..i], copied);
            }
        }
        let field_end = i + text[i..].find([',', '\n', '\r']).unwrap_or(text.len() - i);
        if decoded.text.is_empty() && bytes.get(cell_start) != Some(&b'"') {
            decoded.push_raw(&text[cell_start..field_end], cell_start);
        }
        decoded.map.push(decoded.text.len(), field_end);
        cells.push(trimmed_cell(decoded, Span::new(cell_start, field_end)));
        i = field_end;
        if bytes.get(i) != Some(&b',') {
            break;
        }
        i += 1;
    }
    cells
}

/// Reads a Markdown table: `| a | b |` rows, skipping the `| --- |` rule,
/// with `\|` and `\\` unescaped.
fn markdown_rows(text: &str) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if !trimmed.starts_with('|') {
            continue;
        }
        let lead = body.len() - trimmed.len();
        if trimmed.trim_matches(['|', '-', ' ', ':']).is_empty() {
            continue;
        }
        let mut cells = Vec::new();
        let bytes = body.as_bytes();
        let mut i = lead + 1;
        let mut cell_start = i;
        let mut decoded = DecodedText::empty(line_start + i);
        let mut copied = i;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if matches!(bytes.get(i + 1), Some(b'|' | b'\\')) => {
                    decoded.push_raw(&body[copied..i], line_start + copied);
                    decoded.push_char(bytes[i + 1] as char, line_start + i);
                    i += 2;
                    copied = i;
                }
                b'|' => {
                    decoded.push_raw(&body[copied..i], line_start + copied);
                    decoded.map.push(decoded.text.len(), line_start + i);
                    cells.push(trimmed_cell(
                        decoded,
                        Span::new(line_start + cell_start, line_start + i),
                    ));
                    i += 1;
                    cell_start = i;
                    copied = i;
                    decoded = DecodedText::empty(line_start + i);
                }
                _ => i += 1,
            }
        }
        rows.push(cells);
    }
    rows
}

/// Trims the spaces Markdown puts around a cell, keeping the map right.
fn trimmed_cell(decoded: DecodedText, span: Span) -> Cell {
    let lead = decoded.text.len() - decoded.text.trim_start().len();
    let text = decoded.text.trim().to_owned();
    let mut map = crate::source::OffsetMap::shifted(decoded.map.raw_offset(lead));
    for at in 1..=text.len() {
        let raw = decoded.map.raw_offset(lead + at);
        if raw != map.raw_offset(at) {
            map.push(at, raw);
        }
    }
    Cell { text, map, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_string_map_follows_escapes() {
        let literal = r#""a\"b\"c""#;
        let decoded = decode_json_string(literal, 10);
        assert_eq!(decoded.text, "a\"b\"c");
        // `a` at 11, `\"` at 12, `b` at 14, `\"` at 15, `c` at 17.
        let raws: Vec<usize> = (0..=5).map(|d| decoded.map.raw_offset(d)).collect();
        assert_eq!(raws, [11, 12, 14, 15, 17, 18]);
    }
}
