//! The text reports: `short`, one line per finding, and `human`, which shows
//! the source lines with the offending text underlined.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
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

/// Lines of source shown at most for one finding.
const MAX_SNIPPET_LINES: usize = 5;

/// Writes each finding with the source lines and an underline under the
/// offending text, rendered by `annotate-snippets`, then its fix.
pub fn write_human(out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    let renderer = if colored::control::SHOULD_COLORIZE.should_colorize() {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for finding in &report.findings {
        let text = render_finding(&renderer, report, finding);
        writeln!(out, "{text}")?;
    }
    Ok(())
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn render_finding(renderer: &Renderer, report: &FileReport, finding: &Finding) -> String {
    let doc = report.doc;
    let title = level(finding.severity)
        .primary_title(finding.message.as_str())
        .id(finding.rule.id);
    let path = match doc.positions.as_ref().and_then(|p| p.embedded_in.as_ref()) {
        Some(key) => format!("{}[{key}]", doc.name),
        None => doc.name.clone(),
    };
    let mut group = match (locate(doc, finding), &doc.positions) {
        (Some(at), Some(positions)) => {
            // Only the lines of the span go to the renderer, so that a large
            // file costs no more than a small one.
            let last = at.end.line.min(at.start.line + MAX_SNIPPET_LINES - 1);
            let lines: Vec<&str> = (at.start.line..=last)
                .map(|l| positions.line_text(l))
                .collect();
            let source = lines.join("\n");
            // Offsets in `source`, from the line and the column in characters,
            // since `source` joins the lines with LF whatever the file used.
            let offset_of = |line: usize, column: usize| {
                let before: usize = lines[..line - at.start.line]
                    .iter()
                    .map(|l| l.len() + 1)
                    .sum();
                let text = lines[line - at.start.line];
                before
                    + text
                        .char_indices()
                        .nth(column - 1)
                        .map_or(text.len(), |(i, _)| i)
            };
            let start = offset_of(at.start.line, at.start.column);
            let end = if at.end.line > last {
                source.len()
            } else {
                offset_of(at.end.line, at.end.column)
            };
            let end = if end <= start {
                next_boundary(&source, start)
            } else {
                end
            };
            title.element(
                Snippet::source(source)
                    .line_start(at.start.line)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        _ => {
            let place = match (&finding.key_path, &finding.pointer) {
                (Some(key), Some(pointer)) if !pointer.is_empty() => {
                    format!("{path}: {key}{pointer}")
                }
                (_, Some(pointer)) if !pointer.is_empty() => format!("{path}: {pointer}"),
                (Some(key), _) => format!("{path}: {key}"),
                _ => path,
            };
            title.element(Origin::path(place))
        }
    };
    if let Some(help) = &finding.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// Returns the offset after the character at `at`, or `at` at the end, so
/// that an empty span still gets a caret.
fn next_boundary(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}
