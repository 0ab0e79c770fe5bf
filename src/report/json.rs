//! The `json` report: one versioned document for all files. Later versions
//! only add fields.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, locate};
use crate::finding::{Severity, Tally};
use crate::input::ReadError;

/// Version of the envelope's layout.
pub const JSON_REPORT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    files: Vec<FileEntry<'a>>,
    /// Inputs that could not be read at all (exit status 2).
    unreadable: Vec<UnreadableEntry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct UnreadableEntry<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    unreadable: usize,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    path: &'a str,
    kind: &'static str,
    findings: Vec<FindingEntry<'a>>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    /// 1-based line and column (Unicode characters) of the start and end.
    start: Option<crate::source::Position>,
    end: Option<crate::source::Position>,
    /// Byte offsets into the file (into its text decoded to UTF-8, if it was
    /// UTF-16).
    byte_start: Option<usize>,
    byte_end: Option<usize>,
    /// JSON Pointer into the site list.
    pointer: Option<&'a str>,
    /// Plist key path, for plist inputs.
    key_path: Option<&'a str>,
}

/// Writes the JSON envelope for every file.
pub fn write_json(
    out: &mut dyn Write,
    reports: &[FileReport],
    unreadable: &[ReadError],
) -> io::Result<()> {
    let mut tally = Tally::default();
    let files = reports
        .iter()
        .map(|report| FileEntry {
            path: &report.doc.name,
            kind: report.doc.kind.as_str(),
            findings: report
                .findings
                .iter()
                .map(|finding| {
                    tally.add(finding.severity);
                    let at = locate(report.doc, finding);
                    let in_file = report
                        .doc
                        .positions
                        .as_ref()
                        .is_some_and(|p| p.embedded_in.is_none());
                    let shift = report.doc.positions.as_ref().map_or(0, |p| p.file_offset);
                    FindingEntry {
                        rule: finding.rule.id,
                        severity: finding.severity,
                        message: &finding.message,
                        help: finding.help.as_deref(),
                        start: at.as_ref().map(|a| a.start),
                        end: at.as_ref().map(|a| a.end),
                        byte_start: finding.span.filter(|_| in_file).map(|s| s.start + shift),
                        byte_end: finding.span.filter(|_| in_file).map(|s| s.end + shift),
                        pointer: finding.pointer.as_deref(),
                        key_path: finding.key_path.as_deref(),
                    }
                })
                .collect(),
        })
        .collect();
    let envelope = Envelope {
        version: JSON_REPORT_VERSION,
        tool: env!("CARGO_PKG_NAME"),
        tool_version: env!("CARGO_PKG_VERSION"),
        files,
        unreadable: unreadable
            .iter()
            .map(|e| UnreadableEntry {
                path: &e.name,
                reason: &e.reason,
            })
            .collect(),
        summary: Summary {
            files: reports.len(),
            errors: tally.errors,
            warnings: tally.warnings,
            infos: tally.infos,
            unreadable: unreadable.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &envelope)?;
    writeln!(out)
}
