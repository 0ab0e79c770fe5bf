//! The text reports: `short`, one line per finding, and `human`, which shows
//! the source lines with the offending text underlined.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use colored::{ColoredString, Colorize};

use super::{FileReport, Located, locate};
use crate::document::PositionText;
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
            // The renderer would compute the column from the cut line, so
            // the snippet has no path and the `-->` line is added below.
            let (source, annotated) = excerpt(positions, finding, &at);
            let snippet = Snippet::source(source)
                .line_start(at.start.line)
                .annotation(AnnotationKind::Primary.span(annotated));
            let mut group = title.element(snippet);
            if let Some(help) = &finding.help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            let rendered = renderer.render(&[group]);
            let last_line = at.end.line.min(at.start.line + MAX_SNIPPET_LINES - 1);
            let arrow = format!(
                "{}{} {path}:{}:{}",
                " ".repeat(last_line.to_string().len()),
                "-->".blue().bold(),
                at.start.line,
                at.start.column
            );
            return match rendered.split_once('\n') {
                Some((head, rest)) => format!("{head}\n{arrow}\n{rest}"),
                None => format!("{rendered}\n{arrow}"),
            };
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

/// Lines longer than this, in bytes, are cut around the span before
/// rendering; the renderer shortens the rest to the terminal width itself.
const LONG_LINE: usize = 400;

/// Bytes of a long line kept on each side of the span.
const CONTEXT: usize = 120;

/// Builds the source shown for a finding: the lines of its span, each cut to
/// the span and `CONTEXT` bytes around it, so that a finding on a long line
/// (JSON on one line in a plist) costs no more than one on a short line.
/// Returns the source and the span's range in it.
fn excerpt(
    positions: &PositionText,
    finding: &Finding,
    at: &Located,
) -> (String, std::ops::Range<usize>) {
    let span = finding.span.unwrap_or_default();
    let last = at.end.line.min(at.start.line + MAX_SNIPPET_LINES - 1);
    let mut source = String::new();
    let mut start = 0;
    let mut end = None;
    for line in at.start.line..=last {
        if line > at.start.line {
            source.push('\n');
        }
        let line_start = positions.line_start(line);
        let text = positions.line_text(line);
        // The part of the span on this line, in bytes from the line start.
        let from_span = span.start.saturating_sub(line_start).min(text.len());
        let to_span = span
            .end
            .saturating_sub(line_start)
            .min(text.len())
            .max(from_span);
        let (from, to) = if text.len() > LONG_LINE {
            (
                floor_boundary(text, from_span.saturating_sub(CONTEXT)),
                ceil_boundary(text, (to_span + CONTEXT).min(text.len())),
            )
        } else {
            (0, text.len())
        };
        if from > 0 {
            source.push('…');
        }
        let piece_start = source.len();
        source.push_str(&text[from..to]);
        if to < text.len() {
            source.push('…');
        }
        if line == at.start.line {
            start = piece_start + (from_span - from);
        }
        if line == at.end.line {
            end = Some(piece_start + (to_span - from));
        }
    }
    let end = end.unwrap_or(source.len()).max(start);
    let end = if end == start {
        next_boundary(&source, start)
    } else {
        end
    };
    (source, start..end)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Returns the offset after the character at `at`, or `at` at the end, so
/// that an empty span still gets a caret.
fn next_boundary(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}
