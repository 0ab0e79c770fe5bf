//! Readers: bytes in, a document out. The kind of input is detected from the
//! content, never from the file name alone.

pub mod csv;
pub mod json;
pub mod plist;
pub mod plist_binary;
pub mod plist_xml;
pub mod specfile;
pub mod wrapped;

use crate::check::rules;
use crate::document::{Document, InputKind, PositionText};
use crate::finding::Finding;
use crate::source::{OffsetMap, Span};

/// The input format the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    #[default]
    Auto,
    Json,
    Csv,
    Plist,
    /// An AppConfig specfile, checked as a specfile rather than rejected as
    /// a config.
    Specfile,
}

/// Says whether a file found in a directory looks like a config worth
/// checking: a JSON array or an object with site or `sites` members, a plist,
/// or an inventory. A generated `manifest.json`, a SARIF report or a
/// `package.json` is not.
pub fn is_candidate(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"bplist") {
        return true;
    }
    let text = match decode(bytes) {
        Ok((text, _)) => text,
        Err(_) => return false,
    };
    let start = text.trim_start();
    if start.starts_with('[') {
        return true;
    }
    if start.starts_with('{') {
        let head: String = start.chars().take(4096).collect();
        return ["\"sites\"", "\"baseURL\"", "\"title\""]
            .iter()
            .any(|k| head.contains(k));
    }
    if start.starts_with('<') {
        let head: String = start.chars().take(512).collect();
        return head.contains("<plist") || head.contains("<dict");
    }
    csv::looks_like_header(start)
}

/// Reads one input into a document. Whatever the bytes, the result is a
/// document: what is wrong with the content becomes findings.
pub fn read(name: &str, bytes: &[u8], format: InputFormat) -> Document {
    if bytes.starts_with(b"bplist") && matches!(format, InputFormat::Auto | InputFormat::Plist) {
        return read_binary_plist(name, bytes);
    }
    let (text, mut findings) = match decode(bytes) {
        Ok(decoded) => decoded,
        Err((finding, lossy)) => {
            let mut doc = not_a_config(name, finding);
            doc.positions = Some(PositionText::new(lossy, None));
            return doc;
        }
    };
    let mut doc = read_text(name, text, format);
    if bytes.starts_with(b"\xEF\xBB\xBF")
        && let Some(positions) = &mut doc.positions
        && positions.embedded_in.is_none()
    {
        positions.file_offset = 3;
    }
    if doc.kind == InputKind::Csv {
        // Spreadsheets write a BOM or UTF-16 as a matter of course, and an
        // inventory is never pasted into an MDM, so encoding is only noted.
        findings.retain(|f| f.span.is_none());
        for finding in &mut findings {
            finding.severity = crate::finding::Severity::Info;
            finding.message = finding
                .message
                .replace("; MDM value fields take UTF-8", "; it was decoded");
            finding.help = None;
        }
    }
    findings.append(&mut doc.findings);
    doc.findings = findings;
    doc
}

fn read_text(name: &str, text: String, format: InputFormat) -> Document {
    let start = text.trim_start();
    if start.is_empty() {
        return not_a_config(
            name,
            Finding::new(&rules::NOT_A_CONFIG, "the file is empty")
                .help("write the site list, a plist or a CSV inventory into it"),
        );
    }
    if let Some(at) = text.find('\0') {
        let finding = Finding::new(
            &rules::NOT_A_CONFIG,
            "the file contains NUL bytes, so it is binary, not text",
        )
        .help("give the site list as JSON, a plist or a CSV inventory")
        .span(Span::new(at, at + 1));
        return with_text(not_a_config(name, finding), text);
    }
    let kind = match format {
        InputFormat::Json => Detected::Json,
        InputFormat::Csv => Detected::Csv,
        InputFormat::Plist => Detected::Xml,
        InputFormat::Specfile => return specfile::read(name, text),
        InputFormat::Auto => detect(start),
    };
    let offset = text.len() - start.len();
    match kind {
        Detected::Json => {
            let parsed = json::parse(&text, &OffsetMap::shifted(0));
            let doc = Document {
                name: name.to_owned(),
                kind: InputKind::Json,
                positions: Some(PositionText::new(text, None)),
                sites: parsed.node,
                other_keys: Vec::new(),
                groups: None,
                findings: parsed.findings,
            };
            wrapped::unwrap_json_object(&doc).unwrap_or(doc)
        }
        Detected::Csv => {
            let header = text.lines().next().unwrap_or_default();
            let cells: Vec<&str> = header
                .split([',', ';', '\t'])
                .map(|c| c.trim().trim_matches('"'))
                .collect();
            if wrapped::is_table_header(&cells) {
                wrapped::read_table(name, text, false)
            } else {
                csv::read(name, text)
            }
        }
        Detected::MarkdownTable => wrapped::read_table(name, text, true),
        Detected::Xml => read_xml(name, text),
        Detected::Html => with_text(
            not_a_config(
                name,
                Finding::new(&rules::NOT_A_CONFIG, "this is an HTML page, not a config")
                    .help("a browser saved the page around the file; download the raw file instead")
                    .span(Span::new(offset, offset + 1)),
            ),
            text,
        ),
        Detected::Unknown => {
            let first: String = start.chars().take(20).collect();
            let finding = Finding::new(
                &rules::NOT_A_CONFIG,
                format!("the content is not JSON, a plist or a CSV inventory (it starts with `{}`)", first.escape_debug()),
            )
            .help("a site list starts with `[`, a plist with `<`, and a CSV inventory with the header `title,baseURL,...`")
            .span(Span::new(offset, offset + 1));
            with_text(not_a_config(name, finding), text)
        }
    }
}

enum Detected {
    Json,
    MarkdownTable,
    Csv,
    Xml,
    Html,
    Unknown,
}

fn detect(start: &str) -> Detected {
    let head: String = start
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Detected::Html;
    }
    if start.starts_with('<') {
        return Detected::Xml;
    }
    if start.starts_with(['[', '{', '"']) {
        return Detected::Json;
    }
    if start.starts_with('|') {
        return Detected::MarkdownTable;
    }
    let header = start.lines().next().unwrap_or_default();
    let cells: Vec<&str> = header
        .split([',', ';', '\t'])
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    if csv::looks_like_header(start) || wrapped::is_table_header(&cells) {
        return Detected::Csv;
    }
    // Curly quotes, a comment or a stray word before the JSON: let the JSON
    // reader name the cause.
    if start.starts_with(['“', '”', '\'', '/']) || start.contains("\"baseURL\"") {
        return Detected::Json;
    }
    Detected::Unknown
}

fn read_xml(name: &str, text: String) -> Document {
    if text.contains("<managedAppConfiguration") {
        let at = text.find("<managedAppConfiguration").unwrap_or(0);
        let finding = Finding::new(
            &rules::NOT_A_CONFIG,
            "this is an AppConfig specfile: it describes the keys, but the MDM needs the values",
        )
        .help("upload the specfile where the MDM asks for a specfile, and give the config generated by `confluence-mdm generate` as the app config; check the specfile itself with `--input-format specfile`")
        .span(Span::new(at, at + "<managedAppConfiguration".len()));
        return with_text(not_a_config(name, finding), text);
    }
    match plist_xml::parse(&text) {
        Ok(parsed) => {
            let kind = if parsed.wrapper.is_some() {
                InputKind::PlistXml
            } else {
                InputKind::PlistDict
            };
            let mut doc = plist::document(name, kind, parsed.root, Some(&text));
            if let Some(span) = parsed.wrapper {
                doc.findings.insert(0, Finding::new(
                    &rules::PLIST_WRAPPER,
                    "a full plist document: Intune's and Jamf's XML fields take only the <dict> body",
                )
                .help("paste only <dict>...</dict> into Intune or Jamf (`generate --format dict`); upload the full file where an MDM asks for a plist file")
                .span(span));
            }
            doc
        }
        Err(finding) => Document {
            name: name.to_owned(),
            kind: InputKind::PlistXml,
            positions: Some(PositionText::new(text, None)),
            sites: None,
            other_keys: Vec::new(),
            groups: None,
            findings: vec![finding],
        },
    }
}

fn read_binary_plist(name: &str, bytes: &[u8]) -> Document {
    match plist_binary::parse(bytes) {
        Ok(root) => plist::document(name, InputKind::PlistBinary, root, None),
        Err(finding) => {
            let mut doc = not_a_config(name, finding);
            doc.kind = InputKind::PlistBinary;
            doc
        }
    }
}

/// Decodes UTF-8 (with or without a BOM) or UTF-16 with a BOM. On failure
/// returns the finding and the text decoded lossily, for positions.
/// Decodes UTF-16 code units read with `convert`; `None` for a lone
/// surrogate. An odd last byte counts as a unit with a zero high byte.
fn decode_utf16(bytes: &[u8], convert: fn([u8; 2]) -> u16) -> Option<String> {
    let units = bytes
        .chunks(2)
        .map(|pair| convert([pair[0], *pair.get(1).unwrap_or(&0)]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

fn decode(bytes: &[u8]) -> Result<(String, Vec<Finding>), (Finding, String)> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            Some((rest, "UTF-16 LE", u16::from_le_bytes as fn([u8; 2]) -> u16))
        }
        [0xFE, 0xFF, rest @ ..] => {
            Some((rest, "UTF-16 BE", u16::from_be_bytes as fn([u8; 2]) -> u16))
        }
        _ => None,
    };
    if let Some((rest, label, convert)) = utf16 {
        return match decode_utf16(rest, convert) {
            Some(text) => Ok((text, vec![Finding::new(
                &rules::TEXT_ENCODING,
                format!("the file is {label} text; MDM value fields take UTF-8"),
            )
            .help("save the file as UTF-8 without a byte order mark (PowerShell: `Out-File -Encoding utf8NoBOM`)")])),
            None => Err((
                Finding::new(&rules::NOT_A_CONFIG, format!("the file starts with a {label} byte order mark but is not valid {label}")),
                String::new(),
            )),
        };
    }
    if let Some(label) = utf16_without_bom(bytes) {
        let convert = if label.ends_with("LE") {
            u16::from_le_bytes
        } else {
            u16::from_be_bytes
        };
        if let Some(text) = decode_utf16(bytes, convert) {
            let finding = Finding::new(
                &rules::TEXT_ENCODING,
                format!("the file is {label} text without a byte order mark; MDM value fields take UTF-8"),
            )
            .help("save the file as UTF-8 without a byte order mark (PowerShell: `Out-File -Encoding utf8NoBOM`)");
            return Ok((text, vec![finding]));
        }
    }
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(body) {
        Ok(text) => {
            let findings = if bom {
                vec![Finding::new(&rules::TEXT_ENCODING, "the file starts with a UTF-8 byte order mark")
                    .help("save it as UTF-8 without a BOM, and paste nothing before the first `[` or `<` into the MDM")
                    .span(Span::at(0))]
            } else {
                Vec::new()
            };
            Ok((text.to_owned(), findings))
        }
        Err(error) => {
            let at = error.valid_up_to();
            let lossy = String::from_utf8_lossy(body).into_owned();
            // The lossy text has the same offsets up to the first invalid byte.
            let finding = Finding::new(
                &rules::NOT_A_CONFIG,
                format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02X})",
                    body[at]
                ),
            )
            .help("save the file as UTF-8 (in Excel: Save As > CSV UTF-8); if it is binary, it is not a config")
            .span(Span::new(at, at + 1));
            Err((finding, lossy))
        }
    }
}

/// Recognises UTF-16 without a byte order mark by its pattern of NUL bytes:
/// text that starts with ASCII has a NUL in every second byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (even_nul, odd_nul) = head.chunks(2).fold((true, true), |(even, odd), pair| {
        (even && pair[0] == 0, odd && pair[1] == 0)
    });
    let ascii = |b: &u8| *b != 0 && b.is_ascii();
    if odd_nul && head.iter().step_by(2).all(ascii) {
        Some("UTF-16 LE")
    } else if even_nul && head.iter().skip(1).step_by(2).all(ascii) {
        Some("UTF-16 BE")
    } else {
        None
    }
}

fn not_a_config(name: &str, finding: Finding) -> Document {
    Document {
        name: name.to_owned(),
        kind: InputKind::Unknown,
        positions: None,
        sites: None,
        other_keys: Vec::new(),
        groups: None,
        findings: vec![finding],
    }
}

fn with_text(mut doc: Document, text: String) -> Document {
    doc.positions = Some(PositionText::new(text, None));
    doc
}
