//! The probe's two reports. `human` goes to stderr, as `validate`'s does,
//! and lists each site with its verdict and the checks that did not pass.
//! `json` goes to stdout: one versioned document for pipelines.

use std::io::{self, Write};

use colored::Colorize;
use serde::Serialize;

use super::{Options, Outcome, SiteReport, Verdict, printable};

/// Version of the JSON document's layout. Later versions only add fields.
pub const JSON_VERSION: u32 = 1;

/// The run settings shown in the report header.
pub struct RunInfo<'a> {
    pub options: &'a Options,
    /// The reason for this setup: "the default for URLs", "the default
    /// with --sites" or "--setup".
    pub setup_reason: &'a str,
    pub strict: bool,
    pub verbose: bool,
    pub quiet: bool,
    /// Errors in the `--sites` config, which fail the run too.
    pub config_errors: usize,
}

/// Writes the human report.
pub fn write_human(out: &mut dyn Write, reports: &[SiteReport], run: &RunInfo) -> io::Result<()> {
    let options = run.options;
    if !run.quiet {
        writeln!(
            out,
            "{} {} for the {} setup ({}), {} app, timeout {}{}",
            "probe:".bold(),
            count(reports.len(), "site"),
            options.setup.as_str(),
            run.setup_reason,
            options.app.product(),
            super::http::seconds_text(options.timeout.as_secs_f64()),
            if options.insecure {
                ", certificate problems do not stop the checks (--insecure)"
            } else {
                ""
            },
        )?;
    }
    let mut first = run.quiet;
    for report in reports {
        let verdict = report.verdict(run.strict);
        if run.quiet && verdict != Verdict::NotReady {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        write_site(out, report, verdict, run)?;
    }
    if !run.quiet {
        let mut line = summary_line(reports, run.strict);
        if run.config_errors > 0 {
            let errors = match run.config_errors {
                1 => "1 error".to_owned(),
                n => format!("{n} errors"),
            };
            line.push_str(
                &format!("; the config has {errors}")
                    .red()
                    .bold()
                    .to_string(),
            );
        }
        writeln!(out, "\n{line}")?;
    }
    Ok(())
}

/// Writes "3 sites: 1 ready, 1 ready with warnings, 1 not ready", leaving
/// out the verdicts that no site has.
fn summary_line(reports: &[SiteReport], strict: bool) -> String {
    let tally = |wanted: Verdict| {
        reports
            .iter()
            .filter(|r| r.verdict(strict) == wanted)
            .count()
    };
    let parts: Vec<String> = [
        Verdict::Ready,
        Verdict::ReadyWithWarnings,
        Verdict::NotReady,
    ]
    .into_iter()
    .map(|verdict| (verdict, tally(verdict)))
    .filter(|(_, n)| *n > 0)
    .map(|(verdict, n)| format!("{n} {}", verdict.as_str()))
    .collect();
    let line = format!("{}: {}", count(reports.len(), "site"), parts.join(", "));
    if tally(Verdict::NotReady) > 0 {
        line.red().bold().to_string()
    } else if tally(Verdict::ReadyWithWarnings) > 0 {
        line.yellow().bold().to_string()
    } else {
        line.green().bold().to_string()
    }
}

fn write_site(
    out: &mut dyn Write,
    report: &SiteReport,
    verdict: Verdict,
    run: &RunInfo,
) -> io::Result<()> {
    let label = match verdict {
        Verdict::Ready => verdict.as_str().green().bold(),
        Verdict::ReadyWithWarnings => verdict.as_str().yellow().bold(),
        Verdict::NotReady => verdict.as_str().red().bold(),
    };
    let url = report.base_url.as_deref().unwrap_or(&report.target.url);
    writeln!(out, "{label}  {}", printable(url).bold())?;
    let mut about: Vec<String> = Vec::new();
    if let Some(title) = &report.target.title {
        about.push(format!("\"{title}\""));
    }
    if let Some(source) = &report.target.source {
        about.push(source.clone());
    }
    if let Some(server) = &report.server {
        let mut text = server
            .product
            .as_deref()
            .map(title_case)
            .unwrap_or_else(|| "server".into());
        if let Some(version) = server.version.as_deref().filter(|v| !v.trim().is_empty()) {
            text.push_str(&format!(" {version}"));
        }
        if let Some(build) = server.build.as_deref().filter(|b| !b.trim().is_empty()) {
            text.push_str(&format!(" (build {build})"));
        }
        about.push(text);
    }
    if let Some(proxy) = &report.proxy {
        about.push(format!("via {proxy}"));
    }
    if !about.is_empty() {
        writeln!(out, "  {}", printable(&about.join(", ")).dimmed())?;
    }
    for check in &report.checks {
        let visible = match check.outcome {
            Outcome::Pass | Outcome::Skipped => run.verbose,
            Outcome::Info => !run.quiet,
            Outcome::Warning | Outcome::Error => true,
        };
        if !visible {
            continue;
        }
        let tag = match check.outcome {
            Outcome::Pass => "pass".green(),
            Outcome::Skipped => "skipped".dimmed(),
            Outcome::Info => "info".blue().bold(),
            Outcome::Warning => "warning".yellow().bold(),
            Outcome::Error => "error".red().bold(),
        };
        writeln!(
            out,
            "  {tag}[{}]: {}",
            check.check.id(),
            printable(&check.message)
        )?;
        if let Some(help) = &check.help
            && check.outcome != Outcome::Pass
        {
            writeln!(out, "    {} {}", "help:".cyan().bold(), printable(help))?;
        }
    }
    Ok(())
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    app: &'static str,
    setup: &'static str,
    insecure: bool,
    allow_http: bool,
    timeout_seconds: f64,
    /// Errors in the `--sites` config; each fails the run.
    config_errors: usize,
    sites: Vec<SiteEntry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct SiteEntry<'a> {
    verdict: Verdict,
    #[serde(flatten)]
    report: &'a SiteReport,
}

#[derive(Serialize)]
struct Summary {
    sites: usize,
    ready: usize,
    ready_with_warnings: usize,
    not_ready: usize,
}

/// Writes the JSON document.
pub fn write_json(out: &mut dyn Write, reports: &[SiteReport], run: &RunInfo) -> io::Result<()> {
    let options = run.options;
    let sites: Vec<SiteEntry> = reports
        .iter()
        .map(|report| SiteEntry {
            verdict: report.verdict(run.strict),
            report,
        })
        .collect();
    let tally = |wanted: Verdict| sites.iter().filter(|s| s.verdict == wanted).count();
    let document = Document {
        version: JSON_VERSION,
        tool: "confluence-mdm",
        tool_version: env!("CARGO_PKG_VERSION"),
        app: options.app.type_id(),
        setup: options.setup.as_str(),
        insecure: options.insecure,
        allow_http: options.allow_http,
        timeout_seconds: options.timeout.as_secs_f64(),
        config_errors: run.config_errors,
        summary: Summary {
            sites: sites.len(),
            ready: tally(Verdict::Ready),
            ready_with_warnings: tally(Verdict::ReadyWithWarnings),
            not_ready: tally(Verdict::NotReady),
        },
        sites,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
