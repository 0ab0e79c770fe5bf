//! `probe`: check the servers of the URLs on the command line, or of every
//! site of a config, and give each a verdict (see `crate::probe`).

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::{self, policy::Policy};
use crate::document::Value;
use crate::finding::Severity;
use crate::input;
use crate::probe::proxy::ProxySettings;
use crate::probe::report::{self, RunInfo};
use crate::probe::{self, Client, Options, Target, Trust, Verdict};
use crate::read::{self, InputFormat};
use crate::report::{self as findings_report, FileReport};

/// The source of the base URLs.
pub enum Targets {
    Urls(Vec<String>),
    /// A config file (or `-`), read as `validate` reads it.
    Config(String),
}

pub struct ProbeOptions {
    pub targets: Targets,
    pub input_format: InputFormat,
    pub probe: Options,
    /// The reason for the setup, for the report's first line.
    pub setup_reason: &'static str,
    pub ca_cert: Option<PathBuf>,
    pub json: bool,
    pub strict: bool,
    pub verbose: bool,
    pub quiet: bool,
    pub max_input_size: u64,
}

pub fn run(options: &ProbeOptions, streams: &mut Streams) -> anyhow::Result<Status> {
    let Some(Loaded {
        targets,
        config_errors,
    }) = targets(options, streams)?
    else {
        return Ok(Status::Failure);
    };

    let probe = &options.probe;
    if probe.allow_http {
        writeln!(
            streams.err,
            "warning: --allow-http: plain http:// URLs are probed, but the OAuth 2.0 provider rejects them unless the server allows HTTP, so use it for test servers only"
        )?;
    }
    if probe.insecure {
        writeln!(
            streams.err,
            "warning: --insecure: the other checks run despite certificate problems, but devices verify certificates"
        )?;
    }
    let client = Client::new(
        &Trust {
            ca_cert: options.ca_cert.as_deref(),
            insecure: probe.insecure,
        },
        probe.timeout,
        ProxySettings::from_env(),
    )?;

    let bar = progress_bar(options, targets.len());
    let reports = probe::run(&targets, &client, probe, |report| {
        bar.set_message(probe::printable(&report.target.url).into_owned());
        bar.inc(1);
    });
    bar.finish_and_clear();

    let run = RunInfo {
        options: probe,
        setup_reason: options.setup_reason,
        strict: options.strict,
        verbose: options.verbose,
        quiet: options.quiet,
        config_errors,
    };
    if options.json {
        ignore_broken_pipe(report::write_json(streams.out, &reports, &run))?;
    } else {
        ignore_broken_pipe(report::write_human(streams.err, &reports, &run))?;
    }
    let not_ready = reports
        .iter()
        .any(|r| r.verdict(options.strict) == Verdict::NotReady);
    Ok(if not_ready || config_errors > 0 {
        Status::Findings
    } else {
        Status::Ok
    })
}

/// Returns a progress bar on stderr, drawn only on a terminal, in the human
/// format and without `--quiet`.
fn progress_bar(options: &ProbeOptions, sites: usize) -> ProgressBar {
    if options.json || options.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(sites as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("probing {pos}/{len} {wide_bar} {msg}") {
        bar.set_style(style);
    }
    bar.tick();
    bar
}

/// The sites to probe, and the number of errors in the config they came
/// from.
struct Loaded {
    targets: Vec<Target>,
    config_errors: usize,
}

/// Returns the sites to probe, or `None` after reporting why there are
/// none.
fn targets(options: &ProbeOptions, streams: &mut Streams) -> anyhow::Result<Option<Loaded>> {
    let path = match &options.targets {
        Targets::Urls(urls) => {
            return Ok(Some(Loaded {
                targets: urls.iter().map(|url| Target::new(url)).collect(),
                config_errors: 0,
            }));
        }
        Targets::Config(path) => path,
    };
    let loaded = match input::load(path, options.max_input_size) {
        Ok(loaded) => loaded,
        Err(error) => {
            writeln!(streams.err, "error: {error}")?;
            return Ok(None);
        }
    };
    let doc = read::read(&loaded.name, &loaded.bytes, options.input_format);
    // A config with errors fails on every device whatever the servers do,
    // so its errors are part of the verdict.
    let check_options = check::Options {
        policy: Policy::default(),
        app: options.probe.app,
        mdm: None,
    };
    // Findings quote the configured values, so passwords in base URLs are
    // masked here as everywhere else in probe's output.
    let errors: Vec<_> = check::check(&doc, &check_options)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|mut finding| {
            finding.message = probe::redact_text(&finding.message);
            finding.help = finding.help.map(|help| probe::redact_text(&help));
            finding
        })
        .collect();
    let validate = format!("confluence-mdm validate {path}");
    let config_errors = errors.len();
    if config_errors > 0 {
        findings_report::write_short(
            streams.err,
            &FileReport {
                doc: &doc,
                findings: errors,
            },
        )?;
    }
    let Some(Value::Array(items)) = doc.sites.as_ref().map(|node| &node.value) else {
        writeln!(
            streams.err,
            "error: {}: no site list to probe; `{validate}` shows what is wrong",
            doc.name
        )?;
        return Ok(None);
    };
    if config_errors > 0 {
        writeln!(
            streams.err,
            "error: {}: the config has {}, so devices fail on it whatever the servers do; `{validate}` explains each",
            doc.name,
            if config_errors == 1 {
                "1 error".to_owned()
            } else {
                format!("{config_errors} errors")
            }
        )?;
    }

    let mut targets = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Some(member) = item.get("baseURL").filter(|m| m.value.as_str().is_some()) else {
            writeln!(
                streams.err,
                "warning: {}: site {} has no baseURL string, so it is not probed; `{validate}` explains why",
                doc.name,
                index + 1
            )?;
            continue;
        };
        let mut target = Target::new(member.value.as_str().unwrap_or_default());
        target.title = item
            .get("title")
            .and_then(|m| m.value.as_str())
            .map(str::to_owned);
        target.source = doc.positions.as_ref().map(|text| {
            let at = text.position(member.value.span.start);
            format!("{}:{}:{}", doc.name, at.line, at.column)
        });
        target.oauth = item.get("oauth").is_some();
        targets.push(target);
    }
    if targets.is_empty() {
        writeln!(
            streams.err,
            "error: {}: no site has a baseURL to probe",
            doc.name
        )?;
        return Ok(None);
    }
    Ok(Some(Loaded {
        targets,
        config_errors,
    }))
}
