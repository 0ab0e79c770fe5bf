//! The CSV inventory reader: one site per row, with the columns `title`,
//! `baseURL`, and optionally `clientID` and `cacheSessionInMobileBrowser`.
//! Each row becomes a site object whose spans point at the row's cells, so
//! that the rules for JSON site lists report rows and columns.

use super::super::check::{rules, suggest};
use crate::document::{Document, InputKind, Member, Node, PositionText, Value};
use crate::finding::Finding;
use crate::source::Span;

/// Column names, matched after `suggest::fold` (case, spaces, `_`, `-`).
const COLUMNS: &[&str] = &[
    "title",
    "baseURL",
    "clientID",
    "cacheSessionInMobileBrowser",
    "group",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Column {
    Title,
    BaseUrl,
    ClientId,
    CacheSession,
    /// The groups a site belongs to, for `generate --by-group`.
    Group,
}

fn column_of(name: &str) -> Option<Column> {
    match suggest::fold(name.trim()).as_str() {
        "title" => Some(Column::Title),
        "baseurl" => Some(Column::BaseUrl),
        "clientid" => Some(Column::ClientId),
        "cachesessioninmobilebrowser" => Some(Column::CacheSession),
        "group" | "groups" => Some(Column::Group),
        _ => None,
    }
}

/// Says whether the first line looks like an inventory header.
pub fn looks_like_header(text: &str) -> bool {
    let line = text.lines().next().unwrap_or_default();
    let delimiter = delimiter_of(line);
    line.split(delimiter as char).any(|cell| {
        matches!(
            column_of(cell.trim_matches('"')),
            Some(Column::Title | Column::BaseUrl)
        )
    })
}

/// Picks the delimiter of the header line: tab or semicolon when the line
/// has one and no comma, as spreadsheets in some locales write, else comma.
fn delimiter_of(header: &str) -> u8 {
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Reads an inventory into a document whose site list has one site per row.
pub fn read(name: &str, text: String) -> Document {
    let mut findings = Vec::new();
    let mut groups = None;
    let sites = build(&text, &mut findings, &mut groups);
    Document {
        name: name.to_owned(),
        kind: InputKind::Csv,
        positions: Some(PositionText::new(text, None)),
        sites,
        other_keys: Vec::new(),
        groups,
        findings,
    }
}

/// Splits a `group` cell: groups are separated by `;`, and an empty cell
/// means every group.
fn groups_of(cell: &str) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for group in cell.split(';').map(str::trim).filter(|g| !g.is_empty()) {
        if !groups.iter().any(|g| g == group) {
            groups.push(group.to_owned());
        }
    }
    groups
}

fn build(
    text: &str,
    findings: &mut Vec<Finding>,
    groups: &mut Option<Vec<Vec<String>>>,
) -> Option<Node> {
    let delimiter = delimiter_of(text.lines().next().unwrap_or_default());
    if let Some(finding) = check_quotes(text, delimiter) {
        findings.push(finding);
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        // Hand-written inventories often put a space after each comma.
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = match records.next()? {
        Ok(header) => header,
        Err(error) => {
            findings.push(csv_error(&error));
            return None;
        }
    };
    let header_start = header.position().map_or(0, |p| p.byte() as usize);
    let header_spans = field_spans(text, header_start, delimiter);
    let columns = read_header(&header, &header_spans, findings)?;
    let group_column = columns.iter().position(|c| *c == Column::Group);
    if group_column.is_some() {
        *groups = Some(Vec::new());
    }

    let mut sites = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                findings.push(csv_error(&error));
                return None;
            }
        };
        let spans = field_spans(
            text,
            record.position().map_or(0, |p| p.byte() as usize),
            delimiter,
        );
        let start = spans.first().map_or(0, |s| s.start);
        let line_end = spans.last().map_or(start, |s| s.end);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            findings.push(
                Finding::new(
                    &rules::CSV_SYNTAX,
                    format!(
                        "this row has {} field{}, but the header has {}",
                        record.len(),
                        if record.len() == 1 { "" } else { "s" },
                        columns.len()
                    ),
                )
                .help("quote a field that contains the delimiter, and give every row the header's columns")
                .span(Span::new(start, line_end)),
            );
        }
        let cells: Vec<(Column, &str, Span)> = columns
            .iter()
            .zip(record.iter().zip(spans.iter()))
            .map(|(column, (cell, span))| (*column, cell, *span))
            .collect();
        sites.push(site_of(&cells, Span::new(start, line_end), findings));
        if let (Some(at), Some(groups)) = (group_column, groups.as_mut()) {
            groups.push(groups_of(record.get(at).unwrap_or_default()));
        }
    }
    let end = text.len();
    Some(Node::new(Value::Array(sites), Span::new(header_start, end)))
}

fn read_header(
    header: &csv::StringRecord,
    spans: &[Span],
    findings: &mut Vec<Finding>,
) -> Option<Vec<Column>> {
    let mut columns = Vec::new();
    let mut ok = true;
    for (i, cell) in header.iter().enumerate() {
        let span = spans.get(i).copied().unwrap_or_default();
        match column_of(cell) {
            Some(column) if columns.contains(&column) => {
                findings.push(
                    Finding::new(
                        &rules::CSV_HEADER,
                        format!("the column `{cell}` appears twice"),
                    )
                    .help("remove one of the two columns")
                    .span(span),
                );
                ok = false;
            }
            Some(column) => columns.push(column),
            None => {
                let help = match suggest::near_miss(cell, COLUMNS) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "the columns are {}",
                        COLUMNS
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                findings.push(
                    Finding::new(&rules::CSV_HEADER, format!("unknown column `{cell}`"))
                        .help(help)
                        .span(span),
                );
                ok = false;
            }
        }
    }
    for (required, name) in [(Column::Title, "title"), (Column::BaseUrl, "baseURL")] {
        if ok && !columns.contains(&required) {
            findings.push(Finding::new(&rules::CSV_HEADER, format!("the header has no `{name}` column"))
                .help("the first row names the columns: title,baseURL,clientID,cacheSessionInMobileBrowser")
                .span(Span::new(spans.first().map_or(0, |s| s.start), spans.last().map_or(0, |s| s.end))));
            ok = false;
        }
    }
    ok.then_some(columns)
}

fn site_of(cells: &[(Column, &str, Span)], row: Span, findings: &mut Vec<Finding>) -> Node {
    let cell = |wanted: Column| cells.iter().find(|(c, _, _)| *c == wanted);
    let string = |key: &str, text: &str, span: Span| Member {
        key: key.to_owned(),
        key_span: span,
        value: Node::new(Value::String(text.to_owned()), span),
    };
    let mut members = Vec::new();
    if let Some((_, text, span)) = cell(Column::Title) {
        members.push(string("title", text, *span));
    }
    if let Some((_, text, span)) = cell(Column::BaseUrl) {
        members.push(string("baseURL", text, *span));
    }
    let client_id = cell(Column::ClientId).filter(|(_, text, _)| !text.trim().is_empty());
    let flag = cell(Column::CacheSession).filter(|(_, text, _)| !text.trim().is_empty());
    match (client_id, flag) {
        (Some((_, id, id_span)), flag) => {
            let mut oauth = vec![string("clientID", id, *id_span)];
            oauth.push(flag_member(flag.map(|(_, t, s)| (*t, *s)), *id_span, findings));
            members.push(Member {
                key: "oauth".to_owned(),
                key_span: *id_span,
                value: Node::new(Value::Object(oauth), *id_span),
            });
        }
        (None, Some((_, _, span))) => findings.push(
            Finding::new(
                &rules::CSV_FLAG_WITHOUT_CLIENT_ID,
                "this row has a `cacheSessionInMobileBrowser` value but no client ID, so the value is dropped",
            )
            .help("add the client ID, or clear the flag")
            .span(*span),
        ),
        (None, None) => {}
    }
    Node::new(Value::Object(members), row)
}

/// Reads the flag cell: `true` or `false` in any letter case; empty means
/// `false`, which is reported; anything else stays a string for the rules.
fn flag_member(flag: Option<(&str, Span)>, id_span: Span, findings: &mut Vec<Finding>) -> Member {
    let (value, span) = match flag {
        None => {
            findings.push(
                Finding::new(&rules::CACHE_SESSION_DEFAULTED, "empty `cacheSessionInMobileBrowser` read as `false`")
                    .help("write `true` to keep the browser session used for sign-in, or `false` to say so explicitly")
                    .span(id_span),
            );
            (Value::Bool(false), id_span)
        }
        Some((text, span)) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => (Value::Bool(true), span),
            "false" => (Value::Bool(false), span),
            _ => (Value::String(text.to_owned()), span),
        },
    };
    Member {
        key: "cacheSessionInMobileBrowser".to_owned(),
        key_span: span,
        value: Node::new(value, span),
    }
}

fn csv_error(error: &csv::Error) -> Finding {
    let offset = error.position().map_or(0, |p| p.byte() as usize);
    Finding::new(&rules::CSV_SYNTAX, format!("invalid CSV: {error}"))
        .help("check the quoting of this row")
        .span(Span::new(offset, offset + 1))
}

/// Finds the first misplaced quote. The `csv` crate reads a stray quote as
/// the start of a quoted field that swallows the rows after it, so this scan
/// runs first and names the quote instead.
fn check_quotes(text: &str, delimiter: u8) -> Option<Finding> {
    let bytes = text.as_bytes();
    let mut field_start = true;
    let mut quoted_from: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted_from.is_some() {
            if b == b'"' {
                match bytes.get(i + 1) {
                    Some(b'"') => i += 1,
                    Some(&next) if next != delimiter && next != b'\n' && next != b'\r' => {
                        return Some(
                            Finding::new(
                                &rules::CSV_SYNTAX,
                                "text follows the closing quote of a quoted field",
                            )
                            .help(
                                "inside a quoted field, write a quote as two quotes: \"Wi\"\"ki\"",
                            )
                            .span(Span::new(i, i + 1)),
                        );
                    }
                    _ => quoted_from = None,
                }
            }
        } else if b == b'"' {
            if !field_start {
                return Some(
                    Finding::new(
                        &rules::CSV_SYNTAX,
                        "a quote inside a field that does not start with a quote",
                    )
                    .help("quote the whole field and write the quote as two quotes: \"Wi\"\"ki\"")
                    .span(Span::new(i, i + 1)),
                );
            }
            quoted_from = Some(i);
        }
        field_start = quoted_from.is_none() && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    quoted_from.map(|open| {
        Finding::new(&rules::CSV_SYNTAX, "this quoted field is never closed")
            .help("add the closing quote, or remove the opening one")
            .span(Span::new(open, open + 1))
    })
}

/// Finds the byte span of each field of the record that starts at `start`,
/// quotes included. The `csv` crate gives the record's start only.
fn field_spans(text: &str, start: usize, delimiter: u8) -> Vec<Span> {
    let bytes = text.as_bytes();
    // After CRLF the crate reports the record as starting at the LF.
    let start = start
        + bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
    let mut spans = Vec::new();
    let mut field_start = start;
    let mut in_quotes = false;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' {
            in_quotes = true;
        } else if b == delimiter {
            spans.push(Span::new(field_start, i));
            field_start = i + 1;
        } else if b == b'\n' || b == b'\r' {
            break;
        }
        i += 1;
    }
    spans.push(Span::new(field_start, i));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_spans_handle_quotes() {
        let text = "a,\"b,\"\"c\"\"\",d\nx";
        assert_eq!(
            field_spans(text, 0, b','),
            [Span::new(0, 1), Span::new(2, 11), Span::new(12, 13)]
        );
    }

    #[test]
    fn rows_become_sites() {
        let doc = read("t.csv", "title,baseURL,clientID,cacheSessionInMobileBrowser\r\nWiki,https://w.example.com,abc,TRUE\r\nDocs,https://d.example.com,,\r\n".into());
        assert!(doc.findings.is_empty(), "{:?}", doc.findings);
        let json = doc.sites.unwrap().to_json();
        assert_eq!(json[0]["oauth"]["cacheSessionInMobileBrowser"], true);
        assert!(json[1].get("oauth").is_none());
    }

    #[test]
    fn empty_flag_defaults_to_false() {
        let doc = read(
            "t.csv",
            "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://w.example.com,abc,\n"
                .into(),
        );
        assert_eq!(doc.findings[0].rule.id, "cache-session-defaulted");
        assert_eq!(
            doc.sites.unwrap().to_json()[0]["oauth"]["cacheSessionInMobileBrowser"],
            false
        );
    }

    #[test]
    fn stray_quote_named() {
        let doc = read(
            "t.csv",
            "title,baseURL\nWi\"ki,https://w.example.com\nDocs,https://d.example.com\n".into(),
        );
        assert_eq!(doc.findings.len(), 1);
        assert_eq!(doc.findings[0].rule.id, "csv-syntax");
        assert_eq!(doc.findings[0].span, Some(Span::new(16, 17)));
    }

    #[test]
    fn unclosed_quote_named() {
        let doc = read(
            "t.csv",
            "title,baseURL\n\"Wiki,https://w.example.com\n".into(),
        );
        assert!(doc.findings[0].message.contains("never closed"));
    }

    #[test]
    fn quoted_fields_pass() {
        let doc = read(
            "t.csv",
            "title,baseURL\n\"A \"\"B\"\", C\",https://w.example.com\n".into(),
        );
        assert!(doc.findings.is_empty(), "{:?}", doc.findings);
        assert_eq!(doc.sites.unwrap().to_json()[0]["title"], "A \"B\", C");
    }

    #[test]
    fn header_variants_accepted() {
        assert!(looks_like_header("Title;Base URL\n"));
        let doc = read(
            "t.csv",
            "Base URL,title\nhttps://w.example.com,Wiki\n".into(),
        );
        assert!(doc.findings.is_empty());
    }
}
