//! The `github` report: GitHub Actions workflow commands, which show as
//! annotations on the pull request. GitHub shows at most 10 error and 10
//! warning annotations per step (and, by the same rule, 10 notices), so the
//! most severe findings become annotations and the rest plain lines.

use std::io::{self, Write};

use super::{FileReport, locate};
use crate::finding::{Finding, Severity};
use crate::input::ReadError;

/// Annotations GitHub shows per step and severity.
pub const ANNOTATIONS_PER_SEVERITY: usize = 10;

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(report: &FileReport, finding: &Finding) -> String {
    let mut properties = vec![format!("file={}", escape_property(&report.doc.name))];
    let in_file = report
        .doc
        .positions
        .as_ref()
        .is_some_and(|p| p.embedded_in.is_none());
    if let (Some(at), true) = (locate(report.doc, finding), in_file) {
        properties.push(format!("line={}", at.start.line));
        properties.push(format!("col={}", at.start.column));
        properties.push(format!("endLine={}", at.end.line));
        properties.push(format!("endColumn={}", at.end.column));
    }
    properties.push(format!("title={}", escape_property(finding.rule.id)));
    let text = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    format!(
        "::{} {}::{}",
        command(finding.severity),
        properties.join(","),
        escape_data(&text)
    )
}

fn plain_line(report: &FileReport, finding: &Finding) -> String {
    let place = match locate(report.doc, finding) {
        Some(at) => format!("{}:{}:{}", report.doc.name, at.start.line, at.start.column),
        None => report.doc.name.clone(),
    };
    format!(
        "{place}: {}[{}]: {}",
        finding.severity, finding.rule.id, finding.message
    )
}

/// Writes the annotations, then the findings past the limit as plain lines,
/// then how many were not annotated.
pub fn write_github(
    out: &mut dyn Write,
    reports: &[FileReport],
    unreadable: &[ReadError],
) -> io::Result<()> {
    for error in unreadable {
        writeln!(
            out,
            "::error file={},title=unreadable::{}",
            escape_property(&error.name),
            escape_data(&format!("cannot read: {}", error.reason))
        )?;
    }
    let mut all: Vec<(&FileReport, &Finding)> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .collect();
    // Most severe first. The sort is stable, so file order is kept within a severity.
    all.sort_by_key(|(_, finding)| std::cmp::Reverse(finding.severity));

    let mut shown = [0usize; 3];
    let mut rest = Vec::new();
    for (report, finding) in all {
        let count = &mut shown[finding.severity as usize];
        if *count < ANNOTATIONS_PER_SEVERITY {
            *count += 1;
            writeln!(out, "{}", annotation(report, finding))?;
        } else {
            rest.push(plain_line(report, finding));
        }
    }
    for line in &rest {
        writeln!(out, "{line}")?;
    }
    if !rest.is_empty() {
        writeln!(
            out,
            "{} more findings are listed above without annotations: GitHub shows at most {ANNOTATIONS_PER_SEVERITY} errors and {ANNOTATIONS_PER_SEVERITY} warnings per step",
            rest.len()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_workflow_command_rules() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
