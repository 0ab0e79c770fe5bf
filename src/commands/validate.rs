//! `validate`: read each file (and the config files inside each directory),
//! run every check, report, and compute the exit status.

use std::path::{Path, PathBuf};

use super::{Status, Streams, ignore_broken_pipe};
use crate::check;
use crate::document::Document;
use crate::finding::Tally;
use crate::input;
use crate::read::{self, InputFormat};
use crate::report::{self, FileReport, ReportFormat};
use crate::write::output;

pub struct ValidateOptions {
    /// Paths, or `-` for stdin.
    pub files: Vec<String>,
    pub input_format: InputFormat,
    pub report: ReportFormat,
    /// Rule levels, `--strict`, the app and the MDM.
    pub check: check::Options,
    /// Show errors only, and no summary.
    pub quiet: bool,
    /// Where a machine format's document goes; `None` is stdout.
    pub output: Option<PathBuf>,
    /// The name reports give stdin.
    pub stdin_filename: Option<String>,
    /// Also list what was detected and skipped.
    pub verbose: bool,
    pub max_input_size: u64,
}

/// File extensions read inside a directory.
const EXTENSIONS: &[&str] = &["json", "plist", "xml", "csv", "tsv", "txt"];

/// An input to check: a path, `-`, or a file found in a directory.
struct Target {
    arg: String,
    /// False for a file found inside a directory, which is skipped unless
    /// its content looks like a config.
    named: bool,
}

/// Expands directories into the files below them with a config extension,
/// in sorted order, skipping hidden folders such as `.git`. A named directory
/// must hold at least one such file, or its path is returned as an error.
fn expand(
    files: &[String],
    streams: &mut Streams,
    verbose: bool,
) -> anyhow::Result<(Vec<Target>, Vec<String>)> {
    let mut targets = Vec::new();
    let mut empty = Vec::new();
    for arg in files {
        if arg == "-" || !Path::new(arg).is_dir() {
            targets.push(Target {
                arg: arg.clone(),
                named: true,
            });
            continue;
        }
        let before = targets.len();
        let walker = walkdir::WalkDir::new(arg)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    writeln!(streams.err, "warning: {arg}: {error}")?;
                    continue;
                }
            };
            let extension = entry
                .path()
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            let wanted = extension.is_some_and(|e| EXTENSIONS.contains(&e.as_str()));
            if entry.file_type().is_file() && wanted {
                targets.push(Target {
                    arg: entry.path().to_string_lossy().into_owned(),
                    named: false,
                });
            } else if verbose && entry.file_type().is_file() {
                writeln!(
                    streams.err,
                    "skipped {}: not a config file extension",
                    entry.path().display()
                )?;
            }
        }
        if targets.len() == before {
            empty.push(arg.clone());
        }
    }
    Ok((targets, empty))
}

pub fn run(options: &ValidateOptions, streams: &mut Streams) -> anyhow::Result<Status> {
    let mut status = Status::Ok;
    let mut docs: Vec<Document> = Vec::new();
    let mut unreadable = Vec::new();
    let (targets, empty) = expand(&options.files, streams, options.verbose)?;
    for folder in empty {
        let error = input::ReadError {
            name: folder,
            reason: "no .json, .plist, .xml, .csv, .tsv or .txt files in this directory".into(),
        };
        writeln!(streams.err, "error: {error}")?;
        status = Status::Failure;
        unreadable.push(error);
    }
    for target in targets {
        let mut loaded = match input::load(&target.arg, options.max_input_size) {
            Ok(loaded) => loaded,
            Err(error) => {
                writeln!(streams.err, "error: {error}")?;
                status = Status::Failure;
                unreadable.push(error);
                continue;
            }
        };
        if loaded.path.is_none()
            && let Some(name) = &options.stdin_filename
        {
            loaded.name = name.clone();
        }
        if !target.named && !read::is_candidate(&loaded.bytes) {
            if options.verbose {
                writeln!(
                    streams.err,
                    "skipped {}: its content is not a config",
                    loaded.name
                )?;
            }
            continue;
        }
        let doc = read::read(&loaded.name, &loaded.bytes, options.input_format);
        if options.verbose {
            writeln!(streams.err, "{}: read as {}", doc.name, doc.kind.as_str())?;
        }
        docs.push(doc);
    }
    if options.verbose {
        writeln!(
            streams.err,
            "checking with {} rules",
            check::rules::ALL.len()
        )?;
    }

    let reports: Vec<FileReport> = docs
        .iter()
        .map(|doc| FileReport {
            doc,
            findings: check::check(doc, &options.check),
        })
        .collect();

    let mut tally = Tally::default();
    for report in &reports {
        for finding in &report.findings {
            tally.add(finding.severity);
            if options.check.policy.fails(finding) {
                status = status.max(Status::Findings);
            }
        }
    }

    if !options.report.is_document() {
        ignore_broken_pipe(write_text(options, &reports, tally, streams))?;
        return Ok(status);
    }
    let mut document = Vec::new();
    match options.report {
        ReportFormat::Json => report::write_json(&mut document, &reports, &unreadable)?,
        ReportFormat::Sarif => report::write_sarif(&mut document, &reports, &unreadable)?,
        ReportFormat::Github => report::write_github(&mut document, &reports, &unreadable)?,
        ReportFormat::Junit => {
            report::write_junit(&mut document, &reports, &unreadable, &options.check.policy)?
        }
        ReportFormat::Human | ReportFormat::Short => unreachable!("text formats return above"),
    }
    match &options.output {
        Some(path) => {
            let inputs: Vec<&Path> = options.files.iter().map(Path::new).collect();
            if let Err(error) = output::write_output(path, &document, &inputs) {
                writeln!(streams.err, "error: {error:#}")?;
                return Ok(Status::Failure);
            }
        }
        None => ignore_broken_pipe(streams.out.write_all(&document))?,
    }
    if !options.quiet {
        ignore_broken_pipe(report::write_summary(streams.err, reports.len(), tally))?;
    }
    Ok(status)
}

fn write_text(
    options: &ValidateOptions,
    reports: &[FileReport],
    tally: Tally,
    streams: &mut Streams,
) -> std::io::Result<()> {
    for report in reports {
        // `--quiet` shows only what fails the run; the exit status and the
        // machine reports always cover every finding.
        let shown;
        let report = if options.quiet {
            shown = FileReport {
                doc: report.doc,
                findings: report
                    .findings
                    .iter()
                    .filter(|f| options.check.policy.fails(f))
                    .cloned()
                    .collect(),
            };
            &shown
        } else {
            report
        };
        match options.report {
            ReportFormat::Short => report::write_short(streams.err, report)?,
            _ => report::write_human(streams.err, report)?,
        }
    }
    if !options.quiet {
        report::write_summary(streams.err, reports.len(), tally)?;
    }
    Ok(())
}
