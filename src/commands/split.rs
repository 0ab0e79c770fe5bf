//! `generate --by-group` and `--per-site`: one config per group or per site
//! in a folder, written all or nothing, with a manifest written last.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Status, Streams};
use crate::check;
use crate::model::{Config, SiteList};
use crate::read::{self, InputFormat};
use crate::write::slug::{Names, slug};
use crate::write::{self, OutputFormat, WriteOptions, output};

/// The manifest's file name, which no config file ever takes.
pub const MANIFEST: &str = "manifest.json";

/// How to split the sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    Group,
    Site,
}

#[derive(Debug, Clone)]
pub struct SplitOptions {
    pub by: SplitBy,
    pub out_dir: PathBuf,
    /// Replaces files of the set that exist.
    pub force: bool,
    /// Lists what would be written and writes nothing.
    pub dry_run: bool,
}

/// One file of the set.
struct Part {
    file: String,
    group: Option<String>,
    config: Config,
    bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    format: &'a str,
    files: Vec<ManifestEntry<'a>>,
}

#[derive(Serialize)]
struct ManifestEntry<'a> {
    file: &'a str,
    group: Option<&'a str>,
    /// Titles and base URLs of the sites in the file.
    sites: Vec<ManifestSite<'a>>,
    sha256: String,
}

#[derive(Serialize)]
struct ManifestSite<'a> {
    title: &'a str,
    #[serde(rename = "baseURL")]
    base_url: &'a str,
}

/// Splits `config` and writes the set. `groups` contains the groups of each
/// site.
#[allow(clippy::too_many_arguments)]
pub fn run(
    config: &Config,
    groups: Option<&[Vec<String>]>,
    split: &SplitOptions,
    format: OutputFormat,
    format_name: &str,
    write_options: &WriteOptions,
    check_options: &check::Options,
    quiet: bool,
    streams: &mut Streams,
) -> anyhow::Result<Status> {
    let parts = match partition(config, groups, split.by) {
        Ok(parts) => parts,
        Err(message) => {
            writeln!(streams.err, "error: {message}")?;
            return Ok(Status::Failure);
        }
    };
    let extension = format.extension(write_options.table_style);
    let mut names = Names::default();
    names.reserve(MANIFEST);
    let mut rendered = Vec::new();
    for (label, group, sites) in parts {
        let part_config = Config {
            sites: SiteList { sites },
            other_keys: config.other_keys.clone(),
        };
        let bytes = match write::render(&part_config, format, write_options) {
            Ok(bytes) => bytes,
            Err(error) => {
                writeln!(streams.err, "error: {label}: {error:#}")?;
                return Ok(Status::Failure);
            }
        };
        if let Some(problem) = read_back_problem(&bytes, &part_config, format, check_options) {
            writeln!(
                streams.err,
                "error: {label}: {problem}; nothing was written"
            )?;
            return Ok(Status::Findings);
        }
        let fallback = if split.by == SplitBy::Group {
            "group"
        } else {
            "site"
        };
        let file = names.next(&slug(&label, fallback), extension);
        rendered.push(Part {
            file,
            group,
            config: part_config,
            bytes,
        });
    }

    let existing: Vec<&str> = rendered
        .iter()
        .map(|p| p.file.as_str())
        .filter(|f| split.out_dir.join(f).exists())
        .collect();
    if split.dry_run {
        for part in &rendered {
            let state = if existing.contains(&part.file.as_str()) {
                "replace"
            } else {
                "new"
            };
            writeln!(
                streams.out,
                "{state:7} {} ({} sites)",
                split.out_dir.join(&part.file).display(),
                part.config.sites.sites.len()
            )?;
        }
        writeln!(
            streams.out,
            "{:7} {}",
            "write",
            split.out_dir.join(MANIFEST).display()
        )?;
        return Ok(Status::Ok);
    }
    if !existing.is_empty() && !split.force {
        writeln!(
            streams.err,
            "error: {} already exist in `{}`; pass --force to replace them, or --dry-run to see the set; nothing was written",
            existing.join(", "),
            split.out_dir.display()
        )?;
        return Ok(Status::Failure);
    }

    if let Err(error) = write_set(&split.out_dir, &rendered, format_name) {
        writeln!(streams.err, "error: {error:#}")?;
        return Ok(Status::Failure);
    }
    if !quiet {
        writeln!(
            streams.err,
            "wrote {} files and {MANIFEST} to `{}`",
            rendered.len(),
            split.out_dir.display()
        )?;
    }
    Ok(Status::Ok)
}

/// Returns the parts: a label for the file name, the group, and the sites.
type Parts = Vec<(String, Option<String>, Vec<crate::model::Site>)>;

fn partition(
    config: &Config,
    groups: Option<&[Vec<String>]>,
    by: SplitBy,
) -> Result<Parts, String> {
    let sites = &config.sites.sites;
    if by == SplitBy::Site {
        return Ok(sites
            .iter()
            .map(|s| (s.title.clone(), None, vec![s.clone()]))
            .collect());
    }
    let Some(groups) = groups else {
        return Err("--by-group needs an inventory with a `group` column".into());
    };
    let mut names: Vec<&str> = Vec::new();
    for site_groups in groups {
        for group in site_groups {
            if !names.contains(&group.as_str()) {
                names.push(group);
            }
        }
    }
    if names.is_empty() {
        return Err(
            "the `group` column is empty on every row, so there is no group to write".into(),
        );
    }
    Ok(names
        .iter()
        .map(|name| {
            let members = sites
                .iter()
                .zip(groups)
                .filter(|(_, g)| g.is_empty() || g.iter().any(|x| x == name))
                .map(|(site, _)| site.clone())
                .collect();
            (name.to_string(), Some(name.to_string()), members)
        })
        .collect())
}

/// Reads a rendered part back and checks it, as `generate` does for one
/// file. Returns what is wrong, if anything.
fn read_back_problem(
    bytes: &[u8],
    config: &Config,
    format: OutputFormat,
    options: &check::Options,
) -> Option<String> {
    let input = if format == OutputFormat::Specfile {
        InputFormat::Specfile
    } else {
        InputFormat::Auto
    };
    let doc = read::read("<generated>", bytes, input);
    let options = check::Options {
        mdm: None,
        ..options.clone()
    };
    let failing: Vec<String> = check::check(&doc, &options)
        .into_iter()
        .filter(|f| options.policy.fails(f))
        .map(|f| format!("{}: {}", f.rule.id, f.message))
        .collect();
    if !failing.is_empty() {
        return Some(failing.join("; "));
    }
    let back = doc.sites.as_ref().and_then(SiteList::from_node);
    (back.as_ref() != Some(&config.sites))
        .then(|| "the output does not read back as written (a bug)".to_owned())
}

/// Threads that write temporary files at once. Each file is synced to disk
/// before its rename, and the syncs wait on the disk, not the processor, so
/// more threads than cores help.
const WRITERS: usize = 8;

/// Stages every part as a temporary file in `dir`, in parallel; returns them
/// in the parts' order, or the first error (the rest are then removed).
fn stage_all(dir: &Path, parts: &[Part]) -> anyhow::Result<Vec<tempfile::NamedTempFile>> {
    let chunk = parts.len().div_ceil(WRITERS).max(1);
    let results: Vec<anyhow::Result<Vec<tempfile::NamedTempFile>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|part| output::stage(&dir.join(&part.file), &part.bytes))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a writer thread failed")))
            })
            .collect()
    });
    let mut staged = Vec::with_capacity(parts.len());
    for result in results {
        staged.extend(result?);
    }
    Ok(staged)
}

/// Writes every file to a temporary file in `dir` first, then renames them
/// into place, then writes the manifest. A failure before the renames leaves
/// `dir` as it was; the temporary files are removed.
fn write_set(dir: &Path, parts: &[Part], format_name: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    for part in parts {
        let path = dir.join(&part.file);
        if path.exists() && !path.is_file() {
            anyhow::bail!(
                "`{}` exists and is not a file; nothing was written",
                path.display()
            );
        }
    }
    // NOTE: a rename can still fail after earlier ones succeeded (a disk
    // error between them); the manifest is then not written, so it never
    // describes a set that is not complete.
    let staged = stage_all(dir, parts)?;
    for (temp, part) in staged.into_iter().zip(parts) {
        output::commit(temp, &dir.join(&part.file))?;
    }
    let manifest = Manifest {
        version: 1,
        tool: env!("CARGO_PKG_NAME"),
        tool_version: env!("CARGO_PKG_VERSION"),
        format: format_name,
        files: parts
            .iter()
            .map(|part| ManifestEntry {
                file: &part.file,
                group: part.group.as_deref(),
                sites: part
                    .config
                    .sites
                    .sites
                    .iter()
                    .map(|s| ManifestSite {
                        title: &s.title,
                        base_url: &s.base_url,
                    })
                    .collect(),
                sha256: Sha256::digest(&part.bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)?;
    bytes.push(b'\n');
    output::write_atomic(&dir.join(MANIFEST), &bytes)
}
