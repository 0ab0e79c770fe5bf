//! `generate`: build a config from a site list, an inventory or flags, check
//! it, and write it only when no check rejects it.

use std::path::{Path, PathBuf};

use super::{Status, Streams, ignore_broken_pipe, split};
use crate::check::{self, rules};
use crate::document::{Document, InputKind, Member, Node, Value};
use crate::finding::{Finding, Severity};
use crate::input;
use crate::model::{Config, SiteList};
use crate::read::{self, InputFormat};
use crate::report::{self, FileReport};
use crate::source::Span;
use crate::write::{self, OutputFormat, WriteOptions, output};

/// The source of the sites.
pub enum SiteSource {
    /// A file or `-`, read as `input_format`.
    File(String),
    /// One site from command-line flags.
    Flags(FlagSite),
}

pub struct FlagSite {
    pub title: String,
    pub base_url: String,
    pub client_id: Option<String>,
    pub cache_session: Option<bool>,
}

pub struct GenerateOptions {
    pub source: SiteSource,
    pub input_format: InputFormat,
    pub format: OutputFormat,
    /// `None` writes to stdout.
    pub output: Option<PathBuf>,
    /// Rule levels, `--strict`, the app and the MDM.
    pub check: check::Options,
    /// Settings of the output formats.
    pub write: WriteOptions,
    /// Writes the site list alone when the format cannot hold other keys.
    pub drop_other_keys: bool,
    /// One file per group or per site in a folder, instead of one output.
    pub split: Option<split::SplitOptions>,
    pub quiet: bool,
    pub max_input_size: u64,
}

pub fn run(options: &GenerateOptions, streams: &mut Streams) -> anyhow::Result<Status> {
    let (doc, input_path) = match &options.source {
        SiteSource::File(arg) => match input::load(arg, options.max_input_size) {
            Ok(loaded) => (
                read::read(&loaded.name, &loaded.bytes, options.input_format),
                Some(loaded.path.unwrap_or_else(|| PathBuf::from("-"))),
            ),
            Err(error) => {
                writeln!(streams.err, "error: {error}")?;
                return Ok(Status::Failure);
            }
        },
        SiteSource::Flags(site) => (flags_document(site), None::<PathBuf>),
    };

    let policy = &options.check.policy;
    let mut findings = check::check(&doc, &options.check);
    // Whether the input was a full plist or a bare <dict> does not matter
    // here: the output format decides the shape.
    findings.retain(|f| !std::ptr::eq(f.rule, &rules::PLIST_WRAPPER));
    let blocking: Vec<&Finding> = findings
        .iter()
        .filter(|f| policy.fails(f) && !is_normalised(f))
        .collect();
    let rejected = blocking.len();
    let errors = blocking
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let shown = if options.quiet {
        blocking.into_iter().cloned().collect()
    } else {
        findings.clone()
    };
    report::write_short(
        streams.err,
        &FileReport {
            doc: &doc,
            findings: shown,
        },
    )?;
    if rejected > 0 {
        let reason = if errors == rejected {
            format!("{errors} error{}", if errors == 1 { "" } else { "s" })
        } else {
            format!(
                "{errors} errors and {} warnings under --strict",
                rejected - errors
            )
        };
        writeln!(
            streams.err,
            "error: nothing was written because of {reason}"
        )?;
        return Ok(Status::Findings);
    }

    let Some(mut sites) = doc.sites.as_ref().and_then(SiteList::from_node) else {
        writeln!(
            streams.err,
            "error: {}: no site list to generate from",
            doc.name
        )?;
        return Ok(Status::Findings);
    };
    for change in sites.normalise() {
        if !options.quiet {
            writeln!(
                streams.err,
                "note: site {}: {}",
                change.site + 1,
                change.what
            )?;
        }
    }
    let mut config = Config {
        sites,
        other_keys: doc
            .other_keys
            .iter()
            .map(|k| (k.key.clone(), k.value.clone()))
            .collect(),
    };
    if options.drop_other_keys && !config.other_keys.is_empty() && !holds_other_keys(options.format)
    {
        let names: Vec<&str> = config.other_keys.iter().map(|(k, _)| k.as_str()).collect();
        if !options.quiet {
            writeln!(
                streams.err,
                "note: dropped the keys {} (--drop-other-keys)",
                names.join(", ")
            )?;
        }
        config.other_keys.clear();
    }
    if let Some(split_options) = &options.split {
        return split::run(
            &config,
            doc.groups.as_deref(),
            split_options,
            options.format,
            options.format.name(),
            &options.write,
            &options.check,
            options.quiet,
            streams,
        );
    }
    let bytes = match write::render(&config, options.format, &options.write) {
        Ok(bytes) => bytes,
        Err(error) => {
            writeln!(streams.err, "error: {error:#}")?;
            return Ok(Status::Failure);
        }
    };
    if let Some(status) = self_check(&bytes, &config, options, streams)? {
        return Ok(status);
    }

    match &options.output {
        Some(path) => {
            let inputs: Vec<&Path> = input_path.iter().map(PathBuf::as_path).collect();
            if let Err(error) = output::write_output(path, &bytes, &inputs) {
                writeln!(streams.err, "error: {error:#}")?;
                return Ok(Status::Failure);
            }
        }
        None => ignore_broken_pipe(
            streams
                .out
                .write_all(&bytes)
                .and_then(|()| streams.out.flush()),
        )?,
    }
    Ok(Status::Ok)
}

/// Says whether a format can carry top-level keys other than `sites`.
fn holds_other_keys(format: OutputFormat) -> bool {
    !matches!(format, OutputFormat::Json | OutputFormat::Specfile)
}

/// Says whether the generator fixes what a finding reports, so that it does
/// not block the output even under `--strict`.
fn is_normalised(finding: &Finding) -> bool {
    [&rules::TITLE_WHITESPACE, &rules::BASE_URL_TRAILING_SLASH]
        .iter()
        .any(|rule| std::ptr::eq(finding.rule, *rule))
}

/// Reads the output back and checks it, so that the generator can never
/// write what `validate` rejects or what differs from the model.
fn self_check(
    bytes: &[u8],
    config: &Config,
    options: &GenerateOptions,
    streams: &mut Streams,
) -> anyhow::Result<Option<Status>> {
    // The specfile and the table are read back as their site list alone;
    // checks of the MDM's shape apply to the config, not to those.
    let check = check::Options {
        mdm: None,
        ..options.check.clone()
    };
    let input_format = match options.format {
        OutputFormat::Specfile => InputFormat::Specfile,
        _ => InputFormat::Auto,
    };
    let doc = read::read("<generated>", bytes, input_format);
    let errors: Vec<_> = check::check(&doc, &check)
        .into_iter()
        .filter(|f| check.policy.fails(f) && !is_normalised(f))
        .collect();
    let read_back = doc.sites.as_ref().and_then(SiteList::from_node);
    if errors.is_empty() && read_back.as_ref() == Some(&config.sites) {
        return Ok(None);
    }
    writeln!(
        streams.err,
        "error: internal error: the generated output does not read back as written; please report this bug"
    )?;
    for finding in errors {
        writeln!(streams.err, "  {}: {}", finding.rule.id, finding.message)?;
    }
    Ok(Some(Status::Failure))
}

/// Builds the document of one site given by flags. The flags have no text
/// to point into, so findings name the JSON Pointer instead.
fn flags_document(site: &FlagSite) -> Document {
    let string = |key: &str, value: &str| Member {
        key: key.to_owned(),
        key_span: Span::default(),
        value: Node::new(Value::String(value.to_owned()), Span::default()),
    };
    let mut members = vec![
        string("title", &site.title),
        string("baseURL", &site.base_url),
    ];
    let mut findings = Vec::new();
    if let Some(client_id) = &site.client_id {
        let mut oauth = vec![string("clientID", client_id)];
        // As for an empty CSV cell, a missing flag means `false`, with an info finding.
        let flag = site.cache_session.unwrap_or_else(|| {
            findings.push(
                Finding::new(
                    &rules::CACHE_SESSION_DEFAULTED,
                    "no --cache-session-in-mobile-browser given, so `cacheSessionInMobileBrowser` is false",
                )
                .help("pass --cache-session-in-mobile-browser true to keep the browser session used for sign-in")
                .pointer("/0/oauth/cacheSessionInMobileBrowser"),
            );
            false
        });
        oauth.push(Member {
            key: "cacheSessionInMobileBrowser".to_owned(),
            key_span: Span::default(),
            value: Node::new(Value::Bool(flag), Span::default()),
        });
        members.push(Member {
            key: "oauth".to_owned(),
            key_span: Span::default(),
            value: Node::new(Value::Object(oauth), Span::default()),
        });
    }
    let site = Node::new(Value::Object(members), Span::default());
    Document {
        name: "<flags>".to_owned(),
        kind: InputKind::Flags,
        positions: None,
        sites: Some(Node::new(Value::Array(vec![site]), Span::default())),
        other_keys: Vec::new(),
        groups: None,
        findings,
    }
}
