//! The text reports: `short`, one line per finding, and `human`, which adds
//! the source line with a caret under the offending text.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};

use super::{FileReport, locate};
use crate::finding::{Finding, Severity};

fn severity_label(severity: Severity) -> ColoredString {
    match severity {
        Severity::Error => "error".red().bold(),
        Severity::Warning => "warning".yellow().bold(),
        Severity::Info => "info".cyan().bold(),
    }
}

/// Writes the first line: `FILE:LINE:COLUMN: SEVERITY[RULE-ID]: MESSAGE`.
/// A position inside the `sites` string of a binary plist is written
/// `FILE[sites]:LINE:COLUMN`. A finding with no position names the JSON
/// Pointer or plist key instead.
fn write_head(out: &mut dyn Write, report: &FileReport, finding: &Finding) -> io::Result<()> {
    let doc = report.doc;
    let file = doc.name.clone();
    let embedded_in = doc.positions.as_ref().and_then(|p| p.embedded_in.as_ref());
    let place = match (locate(doc, finding), embedded_in) {
        (Some(at), Some(key)) => format!("{file}[{key}]:{}:{}", at.start.line, at.start.column),
        (Some(at), None) => format!("{file}:{}:{}", at.start.line, at.start.column),
        (None, _) => match (&finding.key_path, &finding.pointer) {
            (Some(key), Some(pointer)) if !pointer.is_empty() => format!("{file}: {key}{pointer}"),
            (_, Some(pointer)) if !pointer.is_empty() => format!("{file}: {pointer}"),
            (Some(key), _) => format!("{file}: {key}"),
            _ => file,
        },
    };
    writeln!(
        out,
        "{place}: {}[{}]: {}",
        severity_label(finding.severity),
        finding.rule.id,
        finding.message
    )
}

fn write_help(out: &mut dyn Write, finding: &Finding) -> io::Result<()> {
    if let Some(help) = &finding.help {
        writeln!(out, "  {}: {help}", "help".bold())?;
    }
    Ok(())
}

/// Writes each finding as one line plus its fix.
pub fn write_short(out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    for finding in &report.findings {
        write_head(out, report, finding)?;
        write_help(out, finding)?;
    }
    Ok(())
}

/// Writes each finding with the source line and a caret line under it.
pub fn write_human(out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    for finding in &report.findings {
        write_head(out, report, finding)?;
        if let (Some(at), Some(positions)) = (locate(report.doc, finding), &report.doc.positions) {
            let line: Vec<char> = positions.line_text(at.start.line).chars().collect();
            let start = at.start.column - 1;
            let width = if at.end.line == at.start.line {
                at.end.column.saturating_sub(at.start.column).max(1)
            } else {
                line.len().saturating_sub(start).max(1)
            };
            let excerpt = Excerpt::new(&line, start, width);
            let gutter = at.start.line.to_string();
            let pad = " ".repeat(gutter.len());
            let bar = "|".blue().bold();
            writeln!(out, "{pad} {bar}")?;
            writeln!(out, "{} {bar} {}", gutter.blue().bold(), excerpt.text)?;
            writeln!(
                out,
                "{pad} {bar} {}{}",
                excerpt.lead,
                "^".repeat(excerpt.width).red().bold()
            )?;
        }
        write_help(out, finding)?;
    }
    Ok(())
}

/// Characters shown on each side of a span in a long line.
const CONTEXT: usize = 40;

/// The part of a source line shown under a finding: long lines (JSON on one
/// line inside a plist) are cut around the span and marked with `…`.
struct Excerpt {
    text: String,
    /// Blanks up to the span, with tabs kept so the caret lines up.
    lead: String,
    /// Width of the caret run, cut to what is shown.
    width: usize,
}

impl Excerpt {
    fn new(line: &[char], start: usize, width: usize) -> Self {
        let start = start.min(line.len());
        let from = start.saturating_sub(CONTEXT);
        let to = (start + width + CONTEXT).min(line.len());
        let mut text = String::new();
        let mut lead = String::new();
        if from > 0 {
            text.push('…');
            lead.push(' ');
        }
        text.extend(&line[from..to]);
        lead.extend(
            line[from..start]
                .iter()
                .map(|&c| if c == '\t' { '\t' } else { ' ' }),
        );
        if to < line.len() {
            text.push('…');
        }
        let width = width.min(to.saturating_sub(start).max(1));
        Excerpt { text, lead, width }
    }
}
