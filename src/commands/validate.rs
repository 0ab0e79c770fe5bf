//! `validate`: read each file, run every check, report, and compute the exit
//! status.

use super::{Status, Streams, ignore_broken_pipe};
use crate::check;
use crate::document::Document;
use crate::check::policy::Policy;
use crate::finding::{Severity, Tally};
use crate::input;
use crate::read::{self, InputFormat};
use crate::report::{self, FileReport, ReportFormat};

pub struct ValidateOptions {
    /// Paths, or `-` for stdin.
    pub files: Vec<String>,
    pub input_format: InputFormat,
    pub report: ReportFormat,
    /// Rule levels and `--strict`.
    pub policy: Policy,
    /// Show errors only, and no summary.
    pub quiet: bool,
    pub max_input_size: u64,
}

pub fn run(options: &ValidateOptions, streams: &mut Streams) -> anyhow::Result<Status> {
    let mut status = Status::Ok;
    let mut docs: Vec<Document> = Vec::new();
    for file in &options.files {
        match input::load(file, options.max_input_size) {
            Ok(loaded) => docs.push(read::read(
                &loaded.name,
                &loaded.bytes,
                options.input_format,
            )),
            Err(error) => {
                writeln!(streams.err, "error: {error}")?;
                status = Status::Failure;
            }
        }
    }

    let reports: Vec<FileReport> = docs
        .iter()
        .map(|doc| {
            let mut findings = options.policy.apply(check::check(doc));
            if options.quiet {
                findings.retain(|f| f.severity == Severity::Error);
            }
            FileReport { doc, findings }
        })
        .collect();

    let mut tally = Tally::default();
    for report in &reports {
        for finding in &report.findings {
            tally.add(finding.severity);
            if options.policy.fails(finding) {
                status = status.max(Status::Findings);
            }
        }
    }

    let written = match options.report {
        ReportFormat::Json => report::write_json(streams.out, &reports),
        ReportFormat::Human | ReportFormat::Short => write_text(options, &reports, tally, streams),
    };
    ignore_broken_pipe(written)?;
    Ok(status)
}

fn write_text(
    options: &ValidateOptions,
    reports: &[FileReport],
    tally: Tally,
    streams: &mut Streams,
) -> std::io::Result<()> {
    for report in reports {
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
