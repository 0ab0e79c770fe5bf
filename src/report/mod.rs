//! Reports: render findings for people and machines. Reports never decide
//! anything; they only format what the checks found.

mod github;
mod json;
mod junit;
pub mod sarif;
mod text;

use std::io::{self, Write};

pub use github::write_github;
pub use json::write_json;
pub use junit::write_junit;
pub use sarif::write_sarif;
pub use text::{write_human, write_short};

use crate::document::Document;
use crate::finding::{Finding, Tally};
use crate::source::Position;

/// The format of a findings report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// The one-line form, the source line with a caret, and the fix.
    Human,
    /// `FILE:LINE:COLUMN: SEVERITY[RULE-ID]: MESSAGE` and the fix.
    Short,
    /// One JSON document for all files.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML, for GitLab and Jenkins test reports.
    Junit,
}

impl ReportFormat {
    /// Says whether the format is a document for machines, written to stdout
    /// or `--output` rather than to stderr.
    pub fn is_document(self) -> bool {
        !matches!(self, ReportFormat::Human | ReportFormat::Short)
    }
}

/// One checked file and its findings, as the reports take it.
pub struct FileReport<'d> {
    pub doc: &'d Document,
    pub findings: Vec<Finding>,
}

/// The start and end positions of a finding in its document.
pub struct Located {
    pub start: Position,
    pub end: Position,
}

/// Computes the start and end positions of a finding, when it has a span
/// and the document has text to point into.
pub fn locate(doc: &Document, finding: &Finding) -> Option<Located> {
    let positions = doc.positions.as_ref()?;
    let span = finding.span?;
    Some(Located {
        start: positions.position(span.start),
        end: positions.position(span.end),
    })
}

/// Writes the closing summary line.
pub fn write_summary(out: &mut dyn Write, files: usize, tally: Tally) -> io::Result<()> {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    writeln!(
        out,
        "{} checked: {}, {}, {}",
        plural(files, "file"),
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
        plural(tally.infos, "info"),
    )
}
