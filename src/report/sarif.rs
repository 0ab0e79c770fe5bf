//! The `sarif` report: SARIF 2.1.0, which GitHub code scanning and other
//! tools import. Columns are Unicode characters (`unicodeCodePoints`), as in
//! every other report.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{FileReport, locate};
use crate::check::rules::{ALL, Rule};
use crate::finding::{Finding, Severity};
use crate::input::ReadError;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Returns the rule id in PascalCase, the form SARIF suggests for `name`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.explanation },
        "help": {
            "text": format!("{}\n\nFails:\n{}\n\nPasses:\n{}", rule.explanation, rule.failing, rule.passing),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
    })
}

/// Encodes a file name as a URI reference relative to the current
/// directory, or as a `file` URI for an absolute path outside it.
pub fn artifact_uri(name: &str) -> String {
    let path = std::path::Path::new(name);
    if path.is_absolute() {
        let relative = std::env::current_dir().ok().and_then(|cwd| {
            path.strip_prefix(cwd)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        });
        match relative {
            Some(relative) => return artifact_uri(&relative),
            None => {
                if let Ok(url) = url::Url::from_file_path(path) {
                    return url.to_string();
                }
            }
        }
    }
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    name.split(['/', '\\'])
        .map(|segment| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// A fingerprint that ignores line numbers, so that it stays the same when
/// unrelated lines move. It hashes the rule, the file, the place in the site
/// list, the message, the text of the finding's line, and `occurrence`, which
/// tells apart findings that share all of these.
fn fingerprint(uri: &str, report: &FileReport, finding: &Finding, occurrence: usize) -> String {
    let place = finding
        .pointer
        .as_deref()
        .or(finding.key_path.as_deref())
        .unwrap_or_default();
    let line = match (locate(report.doc, finding), &report.doc.positions) {
        (Some(at), Some(positions)) => positions.line_text(at.start.line).trim(),
        _ => "",
    };
    let mut hasher = Sha256::new();
    for part in [
        finding.rule.id,
        uri,
        place,
        &finding.message,
        line,
        &occurrence.to_string(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn result(report: &FileReport, finding: &Finding, occurrence: usize) -> Value {
    let uri = artifact_uri(&report.doc.name);
    let mut physical = json!({
        "artifactLocation": { "uri": uri },
    });
    let in_file = report
        .doc
        .positions
        .as_ref()
        .is_some_and(|p| p.embedded_in.is_none());
    if let (Some(at), true) = (locate(report.doc, finding), in_file) {
        physical["region"] = json!({
            "startLine": at.start.line,
            "startColumn": at.start.column,
            "endLine": at.end.line,
            "endColumn": at.end.column,
        });
    }
    let mut location = json!({ "physicalLocation": physical });
    let logical = finding
        .pointer
        .as_deref()
        .map(|p| ("sites", p))
        .or(finding.key_path.as_deref().map(|k| (k, "")));
    if let Some((key, pointer)) = logical {
        location["logicalLocations"] =
            json!([{ "fullyQualifiedName": format!("{key}{pointer}"), "kind": "member" }]);
    }
    let rule_index = ALL
        .iter()
        .position(|r| r.id == finding.rule.id)
        .unwrap_or(0);
    let text = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { "confluenceMdmFinding/v1": fingerprint(&uri, report, finding, occurrence) },
    })
}

/// Writes one SARIF log with one run for all files.
pub fn write_sarif(
    out: &mut dyn Write,
    reports: &[FileReport],
    unreadable: &[ReadError],
) -> io::Result<()> {
    let mut results = Vec::new();
    for report in reports {
        let mut seen: HashMap<(&str, &str, Option<&str>), usize> = HashMap::new();
        for finding in &report.findings {
            let key = (
                finding.rule.id,
                finding.message.as_str(),
                finding.pointer.as_deref(),
            );
            let occurrence = seen.entry(key).or_insert(0);
            results.push(result(report, finding, *occurrence));
            *occurrence += 1;
        }
    }
    let artifacts: Vec<Value> = reports
        .iter()
        .map(|report| json!({ "location": { "uri": artifact_uri(&report.doc.name) } }))
        .collect();
    // Inputs that could not be read are notifications of the invocation, not
    // results, as no rule produced them.
    let notifications: Vec<Value> = unreadable
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": { "text": format!("cannot read: {}", error.reason) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": artifact_uri(&error.name) } } }],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": ALL.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                "executionSuccessful": unreadable.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(artifact_uri("fixtures/a b.plist"), "fixtures/a%20b.plist");
        assert_eq!(artifact_uri("/tmp/x.json"), "file:///tmp/x.json");
    }

    #[test]
    fn rule_names_in_pascal_case() {
        assert_eq!(pascal_case("client-id-format"), "ClientIdFormat");
    }
}
