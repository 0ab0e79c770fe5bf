//! The command line, defined with clap and converted once into the options
//! that the commands take.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::app::{App, Mdm};
use crate::check::{
    self,
    policy::{Level, Policy},
};
use crate::commands::generate::{FlagSite, GenerateOptions, SiteSource};
use crate::commands::probe::{ProbeOptions, Targets};
use crate::commands::split::{SplitBy, SplitOptions};
use crate::commands::validate::ValidateOptions;
use crate::commands::{self, Status, Streams};
use crate::config;
use crate::finding::Severity;
use crate::probe::{self, Setup};
use crate::read::InputFormat;
use crate::report::ReportFormat;
use crate::write::{OutputFormat, TableStyle, WriteOptions};

/// The version that `--version` and the man page show: the package version
/// and the commit the binary was built from, as `build.rs` found it.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CONFLUENCE_MDM_GIT_COMMIT"),
    ")"
);

const MAIN_AFTER_HELP: &str = "\
Examples:
  confluence-mdm generate --sites inventory.csv --format dict
  confluence-mdm validate appconfig.plist configs/
  confluence-mdm explain client-id-placeholder

Exit status:
  0  no errors (warnings fail the run only with --strict)
  1  an input contains an error; `generate` wrote nothing
  2  an input could not be read, an output could not be written,
     or the command line is invalid

Run `confluence-mdm COMMAND --help` for the options of one command.";

/// Generate and validate the MDM managed app configuration of the
/// Confluence Data Center iOS app.
#[derive(Debug, Parser)]
#[command(
    name = "confluence-mdm",
    version = VERSION,
    about,
    propagate_version = true,
    after_help = MAIN_AFTER_HELP
)]
pub struct Cli {
    /// When to colour diagnostics on stderr.
    #[arg(
        long,
        value_enum,
        default_value_t = ColorChoice::Auto,
        global = true,
        help_heading = "Display"
    )]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal, `NO_COLOR` is unset or empty, and `TERM` is not `dumb`.
    Auto,
    /// Colour even when stderr is a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a config from a site list, a CSV inventory or flags, check it,
    /// and write it in the format an MDM takes.
    #[command(after_help = GENERATE_AFTER_HELP)]
    Generate(GenerateArgs),
    /// Check configs: JSON site lists, XML or binary plists, bare <dict>
    /// bodies and CSV inventories.
    #[command(after_help = VALIDATE_AFTER_HELP)]
    Validate(ValidateArgs),
    /// Convert a config from one format to another, checking it on the way.
    #[command(
        after_help = "Examples:\n  confluence-mdm convert appconfig.plist --format dict\n  confluence-mdm convert sites.json --mdm intune --format intune-graph -o body.json"
    )]
    Convert(ConvertArgs),
    /// Compare two configs by meaning, in any formats: exit 0 when equal, 1
    /// when different, 2 when one cannot be read.
    #[command(after_help = "Example:\n  confluence-mdm diff old/appconfig.plist new/sites.json")]
    Diff(DiffArgs),
    /// Check each server before the rollout: connection, version, OAuth 2.0,
    /// base URL and the mobile plugin's endpoint, without credentials.
    #[command(after_help = PROBE_AFTER_HELP)]
    Probe(ProbeArgs),
    /// Print the JSON Schema (draft 2020-12) of the `sites` value.
    #[command(
        after_help = "Example:\n  confluence-mdm schema > sites.schema.json\n  check-jsonschema --schemafile sites.schema.json sites.json"
    )]
    Schema,
    /// List every rule with its default severity.
    #[command(after_help = "Example:\n  confluence-mdm rules | grep warning")]
    Rules,
    /// Explain one rule (what it checks, why, and how to fix what it reports),
    /// or one of probe's checks.
    #[command(after_help = "Example:\n  confluence-mdm explain client-id-placeholder")]
    Explain {
        /// The rule id, as `rules` lists it, or a check of `probe`, such as
        /// base-url.
        rule: String,
    },
    /// Print a shell completion script, generated from this command line's
    /// definition.
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page in roff, or write every page to a folder.
    #[command(after_help = MAN_AFTER_HELP)]
    Man(ManArgs),
}

const GENERATE_AFTER_HELP: &str = "\
Examples:
  confluence-mdm generate --sites inventory.csv --format dict
  confluence-mdm generate --sites inventory.csv --format json -o sites-value.txt
  confluence-mdm generate --title Wiki --base-url https://confluence.example.com \\
      --client-id 5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50 --cache-session-in-mobile-browser false";

const VALIDATE_AFTER_HELP: &str = "\
Examples:
  confluence-mdm validate appconfig.plist sites.json
  confluence-mdm validate --strict configs/
  confluence-mdm validate --format sarif -o results.sarif configs/
  pbpaste | confluence-mdm validate --stdin-filename intune.xml -   # macOS clipboard";

const PROBE_AFTER_HELP: &str = "\
Examples:
  confluence-mdm probe https://confluence.example.com
  confluence-mdm probe --sites appconfig.plist --format json > probe.json
  confluence-mdm probe --ca-cert corp-root.pem https://wiki.corp.example/confluence

Checks, in order: url, connection, manifest, product, version, oauth2, base-url,
mobile-endpoint. `confluence-mdm explain CHECK` says what each requests and what
its results mean.

Exit status:
  0  every site is ready (warnings fail only with --strict)
  1  a site is not ready, or the --sites config has an error
  2  the command line, --sites or --ca-cert cannot be used

Proxies: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY are read as curl reads
them (HTTP_PROXY in capitals too), for http:// and https:// proxies only.
No credentials or cookies are sent to the servers; a user name and password in a
proxy URL go to that proxy only. Redirects to another host or port are never
followed.";

// Install paths: bash-completion 2 loads a user's scripts on demand from
// ~/.local/share/bash-completion/completions (its README's FAQ), fish reads
// ~/.config/fish/completions (fish docs, "Where to put completions"), and
// zsh's compinit searches the folders in $fpath for `_NAME` files.
const COMPLETIONS_AFTER_HELP: &str = "\
Examples:
  confluence-mdm completions bash > ~/.local/share/bash-completion/completions/confluence-mdm
  confluence-mdm completions zsh > ~/.zfunc/_confluence-mdm   # with fpath+=(~/.zfunc) in ~/.zshrc
  confluence-mdm completions fish > ~/.config/fish/completions/confluence-mdm.fish
  confluence-mdm completions powershell >> $PROFILE";

const MAN_AFTER_HELP: &str = "\
Examples:
  confluence-mdm man | man -l -
  confluence-mdm man validate | man -l -
  confluence-mdm man --out-dir /usr/local/share/man/man1";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print the page of this command (confluence-mdm-COMMAND(1)) instead of
    /// the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,

    /// Write confluence-mdm.1 and one page per command into DIR instead of
    /// printing a page.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["sites", "title"])))]
pub struct GenerateArgs {
    /// Write one config per group of the inventory's `group` column into
    /// --out-dir; a site with an empty group cell goes into every group.
    #[arg(
        long,
        requires = "out_dir",
        conflicts_with = "per_site",
        help_heading = "Many files"
    )]
    pub by_group: bool,

    /// Write one config per site into --out-dir.
    #[arg(long, requires = "out_dir", help_heading = "Many files")]
    pub per_site: bool,

    /// Folder for --by-group or --per-site, created if missing; a
    /// manifest.json there lists the files with their SHA-256.
    #[arg(long, value_name = "DIR", help_heading = "Many files")]
    pub out_dir: Option<PathBuf>,

    /// Replace files of the set that already exist in --out-dir.
    #[arg(long, requires = "out_dir", help_heading = "Many files")]
    pub force: bool,

    /// List the files --by-group or --per-site would write, and write none.
    #[arg(long, requires = "out_dir", help_heading = "Many files")]
    pub dry_run: bool,

    /// Site list (JSON), CSV inventory or existing plist to read; `-` reads
    /// stdin.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, conflicts_with_all = ["title", "base_url", "client_id", "cache_session_in_mobile_browser"], help_heading = "Input")]
    pub sites: Option<String>,

    /// Input format; `auto` detects it from the content.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, help_heading = "Input")]
    pub input_format: InputFormatArg,

    /// Title of the one site to generate.
    #[arg(long, requires = "base_url", help_heading = "One site from flags")]
    pub title: Option<String>,

    /// Base URL of the site, with its context path if any.
    #[arg(
        long,
        value_name = "URL",
        requires = "title",
        help_heading = "One site from flags"
    )]
    pub base_url: Option<String>,

    /// Client ID of the incoming application link (never the secret).
    #[arg(
        long,
        value_name = "ID",
        requires = "title",
        help_heading = "One site from flags"
    )]
    pub client_id: Option<String>,

    /// Whether the app keeps the browser session used for sign-in: true or
    /// false, in any letter case [default with --client-id: false].
    #[arg(long, value_name = "BOOL", requires = "client_id", value_parser = parse_bool, help_heading = "One site from flags")]
    pub cache_session_in_mobile_browser: Option<bool>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The config to convert, in any format `validate` reads; `-` reads stdin.
    #[arg(value_name = "IN")]
    pub input: String,

    /// Input format; `auto` detects it from the content.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, help_heading = "Input")]
    pub input_format: InputFormatArg,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The config before the change.
    pub old: String,
    /// The config after the change.
    pub new: String,

    /// Input format of both; `auto` detects each from its content.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    pub input_format: InputFormatArg,

    /// `human` lists the changes; `json` writes one document for pipelines.
    #[arg(long, value_enum, default_value_t = HumanOrJsonArg::Human)]
    pub format: HumanOrJsonArg,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("targets").required(true).args(["urls", "sites"])))]
pub struct ProbeArgs {
    /// Base URLs to probe, with their context path if any.
    #[arg(value_name = "URL", value_hint = clap::ValueHint::Url)]
    pub urls: Vec<String>,

    /// Probe every site of this config, in any format `validate` reads; `-`
    /// reads stdin.
    #[arg(long, value_name = "CONFIG", value_hint = clap::ValueHint::FilePath, conflicts_with = "urls", help_heading = "Input")]
    pub sites: Option<String>,

    /// Input format of --sites; `auto` detects it from the content.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, help_heading = "Input")]
    pub input_format: InputFormatArg,

    /// The sign-in setup to check [default: non-mdm for URLs, mdm with
    /// --sites].
    #[arg(long, value_enum, help_heading = "Target")]
    pub setup: Option<SetupArg>,

    /// The Data Center app that signs in: sets the version needed and the
    /// product expected.
    #[arg(long, value_enum, default_value_t = AppArg::Confluence, help_heading = "Target")]
    pub app: AppArg,

    /// Also trust the root certificates in this PEM file (or one DER
    /// certificate), on top of the operating system's store.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Connection")]
    pub ca_cert: Option<PathBuf>,

    /// Run the other checks despite certificate problems, which still fail
    /// the site: devices verify certificates.
    #[arg(long, help_heading = "Connection")]
    pub insecure: bool,

    /// Probe plain http:// URLs too, for test servers; prints a warning.
    #[arg(long, help_heading = "Connection")]
    pub allow_http: bool,

    /// Connect and total timeout of each request, in seconds from 0.01 to
    /// 3600, such as 3 or 2.5.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds, help_heading = "Connection")]
    pub timeout: std::time::Duration,

    /// Sites probed at once, from 1 to 64.
    #[arg(short, long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Connection")]
    pub jobs: u16,

    /// Report format: `human` on stderr, `json` on stdout.
    #[arg(long, value_enum, default_value_t = HumanOrJsonArg::Human, help_heading = "Report")]
    pub format: HumanOrJsonArg,

    /// Fail a site on warnings as well as errors.
    #[arg(long, help_heading = "Policy")]
    pub strict: bool,

    /// Also list the checks that passed or were skipped.
    #[arg(short, long, conflicts_with = "quiet", help_heading = "Display")]
    pub verbose: bool,

    /// Show only the sites that are not ready, and no summary.
    #[arg(short, long, help_heading = "Display")]
    pub quiet: bool,

    #[command(flatten)]
    pub limit: InputLimit,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SetupArg {
    /// The app reads its OAuth client from the server's mobile plugin.
    NonMdm,
    /// The MDM delivers the config.
    Mdm,
}

/// The report formats of `diff` and `probe`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HumanOrJsonArg {
    Human,
    Json,
}

/// The output options of `generate` and `convert`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: the MDM's format with --mdm, else plist].
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<OutputFormatArg>,

    /// Write to FILE atomically instead of stdout.
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Write the site list alone even when the input has other top-level
    /// keys that the format cannot hold (json, specfile).
    #[arg(long, help_heading = "Output")]
    pub drop_other_keys: bool,

    /// The app's bundle ID, for `--format specfile` (letters, digits and dots).
    #[arg(long, value_name = "ID", help_heading = "Specfile")]
    pub bundle_id: Option<String>,

    /// The specfile's version, an integer from 1 to 99999.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Specfile")]
    pub spec_version: u32,

    /// `displayName` of the Graph body, for `--format intune-graph`.
    #[arg(long, value_name = "TEXT", help_heading = "Intune Graph")]
    pub display_name: Option<String>,

    /// `description` of the Graph body.
    #[arg(long, value_name = "TEXT", help_heading = "Intune Graph")]
    pub description: Option<String>,

    /// Intune mobile app ID for `targetedMobileApps` (repeatable).
    #[arg(long, value_name = "ID", help_heading = "Intune Graph")]
    pub intune_app_id: Vec<String>,

    /// How `--format table` writes its rows.
    #[arg(long, value_enum, default_value_t = TableStyleArg::Csv, help_heading = "Output")]
    pub table_style: TableStyleArg,
}

/// The app and the MDM a config is for.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The Data Center app that reads the config.
    #[arg(long, value_enum, default_value_t = AppArg::Confluence, help_heading = "Target")]
    pub app: AppArg,

    /// The MDM the config goes to: sets the default output format and checks
    /// its variables and the shape it takes.
    #[arg(long, value_enum, help_heading = "Target")]
    pub mdm: Option<MdmArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AppArg {
    Confluence,
    Jira,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MdmArg {
    Intune,
    Jamf,
    WorkspaceOne,
    Ivanti,
    Kandji,
    Fleet,
    Generic,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TableStyleArg {
    Csv,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories to check; `-` reads stdin. Inside a directory,
    /// files ending .json, .plist, .xml, .csv, .tsv or .txt whose content
    /// looks like a config are checked.
    #[arg(required = true, value_name = "PATH", value_hint = clap::ValueHint::AnyPath)]
    pub files: Vec<String>,

    /// Input format; `auto` detects it from the content of each file.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, help_heading = "Input")]
    pub input_format: InputFormatArg,

    /// Name to give stdin (`-`) in reports.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Human, help_heading = "Report")]
    pub format: ReportFormatArg,

    /// Write the json, sarif, github or junit document to FILE instead of
    /// stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Report")]
    pub output: Option<PathBuf>,

    /// Also list each file's detected kind, the files skipped in directories
    /// and the number of rules.
    #[arg(short, long, help_heading = "Display")]
    pub verbose: bool,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Fail on warnings as well as errors.
    #[arg(long, help_heading = "Policy")]
    pub strict: bool,

    /// Report RULE as an error (repeatable).
    #[arg(long, value_name = "RULE", help_heading = "Policy")]
    pub deny: Vec<String>,

    /// Report RULE as a warning (repeatable).
    #[arg(long, value_name = "RULE", help_heading = "Policy")]
    pub warn: Vec<String>,

    /// Do not report RULE (repeatable).
    #[arg(long, value_name = "RULE", help_heading = "Policy")]
    pub allow: Vec<String>,

    /// Policy file to read [default: ./confluence-mdm.toml when it exists].
    #[arg(long, value_name = "FILE", help_heading = "Policy")]
    pub config: Option<PathBuf>,

    /// Show only the findings that fail the run, and no summary.
    #[arg(short, long, help_heading = "Display")]
    pub quiet: bool,

    #[command(flatten)]
    pub limit: InputLimit,
}

/// The size limit of inputs, shared by every command that reads one.
#[derive(Debug, Args)]
pub struct InputLimit {
    /// Largest input accepted: bytes, or a number with KiB, MiB or GiB.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = DEFAULT_MAX_INPUT_SIZE_TEXT,
        value_parser = parse_size,
        help_heading = "Input"
    )]
    pub max_input_size: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormatArg {
    Auto,
    Json,
    Csv,
    /// XML or binary plist, full document or bare <dict>.
    Plist,
    /// An AppConfig specfile, checked as a specfile.
    Specfile,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormatArg {
    /// The value of `sites`, for an MDM's value field.
    Json,
    /// {"sites": "<site list as a JSON string>"}, with any other keys.
    JsonObject,
    /// A full XML plist document.
    Plist,
    /// The bare <dict> body for Intune's and Jamf's XML fields.
    Dict,
    /// A binary plist.
    Binary,
    /// An AppConfig specfile describing the `sites` key (needs --bundle-id).
    Specfile,
    /// The JSON body of a Microsoft Graph iosMobileAppConfiguration.
    IntuneGraph,
    /// Key, value type and value rows for key-value consoles.
    Table,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    /// Findings with the source line and a caret.
    Human,
    /// One line per finding: FILE:LINE:COLUMN: SEVERITY[RULE-ID]: MESSAGE.
    Short,
    /// One JSON document for all files.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations.
    Github,
    /// JUnit XML, for GitLab and Jenkins test reports.
    Junit,
}

impl From<InputFormatArg> for InputFormat {
    fn from(arg: InputFormatArg) -> Self {
        match arg {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Json => InputFormat::Json,
            InputFormatArg::Csv => InputFormat::Csv,
            InputFormatArg::Plist => InputFormat::Plist,
            InputFormatArg::Specfile => InputFormat::Specfile,
        }
    }
}

impl From<OutputFormatArg> for OutputFormat {
    fn from(arg: OutputFormatArg) -> Self {
        match arg {
            OutputFormatArg::Json => OutputFormat::Json,
            OutputFormatArg::JsonObject => OutputFormat::JsonObject,
            OutputFormatArg::Plist => OutputFormat::Plist,
            OutputFormatArg::Dict => OutputFormat::Dict,
            OutputFormatArg::Binary => OutputFormat::Binary,
            OutputFormatArg::Specfile => OutputFormat::Specfile,
            OutputFormatArg::IntuneGraph => OutputFormat::IntuneGraph,
            OutputFormatArg::Table => OutputFormat::Table,
        }
    }
}

impl From<ReportFormatArg> for ReportFormat {
    fn from(arg: ReportFormatArg) -> Self {
        match arg {
            ReportFormatArg::Human => ReportFormat::Human,
            ReportFormatArg::Short => ReportFormat::Short,
            ReportFormatArg::Json => ReportFormat::Json,
            ReportFormatArg::Sarif => ReportFormat::Sarif,
            ReportFormatArg::Github => ReportFormat::Github,
            ReportFormatArg::Junit => ReportFormat::Junit,
        }
    }
}

/// Parses `true` or `false` in any letter case, as spreadsheets write them.
fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{text}` is not true or false")),
    }
}

/// The default of `--max-input-size`, as help shows it.
const DEFAULT_MAX_INPUT_SIZE_TEXT: &str = "64MiB";

/// Parses a size in bytes: a whole number, optionally followed by `KiB`,
/// `MiB` or `GiB` (powers of 1024; the letter case and a space before the
/// unit do not matter).
fn parse_size(text: &str) -> Result<u64, String> {
    let invalid =
        || format!("`{text}` is not a size: write bytes, or a number with KiB, MiB or GiB");
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" => 1024,
        "mib" => 1024 * 1024,
        "gib" => 1024 * 1024 * 1024,
        _ => return Err(invalid()),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(multiplier))
        .ok_or_else(invalid)
}

/// Parses a timeout in seconds: a positive number such as `3` or `2.5`, up
/// to an hour.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite())
        .ok_or_else(|| format!("`{text}` is not a number of seconds, such as 3 or 2.5"))?;
    if !(0.01..=3600.0).contains(&seconds) {
        return Err(format!(
            "`{text}` is out of range: write a number of seconds from 0.01 to 3600"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// Decides once whether to colour diagnostics, which go to stderr.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            std::io::stderr().is_terminal() && !no_color && !dumb
        }
    }
}

/// Runs the parsed command line against the given streams.
pub fn run(cli: Cli, streams: &mut Streams) -> anyhow::Result<Status> {
    colored::control::set_override(use_color(cli.color));
    match cli.command {
        Command::Generate(args) => commands::generate::run(&generate_options(args)?, streams),
        Command::Validate(args) => commands::validate::run(&validate_options(args)?, streams),
        Command::Convert(args) => commands::generate::run(&convert_options(args)?, streams),
        Command::Diff(args) => {
            let options = commands::diff::DiffOptions {
                check: check_options(&args.target, &args.common)?,
                old: args.old,
                new: args.new,
                input_format: args.input_format.into(),
                json: matches!(args.format, HumanOrJsonArg::Json),
                max_input_size: args.common.limit.max_input_size,
            };
            commands::diff::run(&options, streams)
        }
        Command::Probe(args) => commands::probe::run(&probe_options(args)?, streams),
        Command::Schema => commands::schema::run(streams),
        Command::Rules => commands::rules::run(streams),
        Command::Explain { rule } => commands::explain::run(&rule, streams),
        Command::Completions { shell } => {
            commands::completions::run(shell, Cli::command(), streams)
        }
        Command::Man(args) => match args.out_dir {
            Some(dir) => commands::man::write_all(Cli::command(), &dir, streams),
            None => commands::man::run(Cli::command(), args.command.as_deref(), streams),
        },
    }
}

/// Builds the policy: the project file first, then the flags, so that a
/// flag wins over the file.
fn policy(common: &CommonArgs) -> anyhow::Result<Policy> {
    let mut policy = match config::locate(common.config.as_deref()) {
        Some(path) => config::load(&path)?,
        None => Policy::default(),
    };
    policy.strict |= common.strict;
    let levels = [
        (&common.deny, Level::Report(Severity::Error)),
        (&common.warn, Level::Report(Severity::Warning)),
        (&common.allow, Level::Allow),
    ];
    for (ids, level) in levels {
        for id in ids {
            policy.set(id, level)?;
        }
    }
    Ok(policy)
}

fn generate_options(args: GenerateArgs) -> anyhow::Result<GenerateOptions> {
    let source = match (args.sites, args.title, args.base_url) {
        (Some(file), _, _) => SiteSource::File(file),
        (None, title, base_url) => SiteSource::Flags(FlagSite {
            title: title.unwrap_or_default(),
            base_url: base_url.unwrap_or_default(),
            client_id: args.client_id,
            cache_session: args.cache_session_in_mobile_browser,
        }),
    };
    let split = match (args.by_group, args.per_site, args.out_dir) {
        (true, _, Some(out_dir)) => Some((SplitBy::Group, out_dir)),
        (_, true, Some(out_dir)) => Some((SplitBy::Site, out_dir)),
        (false, false, Some(_)) => anyhow::bail!("--out-dir needs --by-group or --per-site"),
        _ => None,
    };
    if split.is_some() && args.output.output.is_some() {
        anyhow::bail!("--out-dir and -o cannot be used together: the files go into --out-dir");
    }
    let mut options = build_options(
        source,
        args.input_format,
        args.output,
        args.target,
        args.common,
    )?;
    options.split = split.map(|(by, out_dir)| SplitOptions {
        by,
        out_dir,
        force: args.force,
        dry_run: args.dry_run,
    });
    Ok(options)
}

fn convert_options(args: ConvertArgs) -> anyhow::Result<GenerateOptions> {
    build_options(
        SiteSource::File(args.input),
        args.input_format,
        args.output,
        args.target,
        args.common,
    )
}

fn check_options(target: &TargetArgs, common: &CommonArgs) -> anyhow::Result<check::Options> {
    Ok(check::Options {
        policy: policy(common)?,
        app: target.app.into(),
        mdm: target.mdm.map(Mdm::from),
    })
}

fn build_options(
    source: SiteSource,
    input_format: InputFormatArg,
    output: OutputArgs,
    target: TargetArgs,
    common: CommonArgs,
) -> anyhow::Result<GenerateOptions> {
    let check = check_options(&target, &common)?;
    let format = match (output.format, check.mdm) {
        (Some(format), _) => format.into(),
        (None, Some(mdm)) => mdm.default_format(),
        (None, None) => OutputFormat::Plist,
    };
    let write = WriteOptions {
        app: check.app,
        bundle_id: output.bundle_id,
        spec_version: output.spec_version,
        display_name: output.display_name,
        description: output.description,
        intune_app_ids: output.intune_app_id,
        table_style: match output.table_style {
            TableStyleArg::Csv => TableStyle::Csv,
            TableStyleArg::Markdown => TableStyle::Markdown,
        },
    };
    Ok(GenerateOptions {
        source,
        input_format: input_format.into(),
        format,
        output: output.output,
        drop_other_keys: output.drop_other_keys,
        split: None,
        write,
        check,
        quiet: common.quiet,
        max_input_size: common.limit.max_input_size,
    })
}

impl From<AppArg> for App {
    fn from(arg: AppArg) -> Self {
        match arg {
            AppArg::Confluence => App::Confluence,
            AppArg::Jira => App::Jira,
        }
    }
}

impl From<MdmArg> for Mdm {
    fn from(arg: MdmArg) -> Self {
        match arg {
            MdmArg::Intune => Mdm::Intune,
            MdmArg::Jamf => Mdm::Jamf,
            MdmArg::WorkspaceOne => Mdm::WorkspaceOne,
            MdmArg::Ivanti => Mdm::Ivanti,
            MdmArg::Kandji => Mdm::Kandji,
            MdmArg::Fleet => Mdm::Fleet,
            MdmArg::Generic => Mdm::Generic,
        }
    }
}

fn probe_options(args: ProbeArgs) -> anyhow::Result<ProbeOptions> {
    for url in &args.urls {
        let masked = probe::redact_url(url);
        let example = "write https://HOST[:PORT][/CONTEXT], such as https://confluence.example.com";
        match url::Url::parse(url.trim()) {
            Ok(parsed) if parsed.has_host() && matches!(parsed.scheme(), "http" | "https") => {}
            Ok(parsed) => anyhow::bail!(
                "`{masked}` is not a base URL: the scheme is {}, not http or https; {example}",
                parsed.scheme()
            ),
            Err(error) => anyhow::bail!("`{masked}` is not a base URL ({error}); {example}"),
        }
    }
    let (setup, setup_reason) = match (args.setup, &args.sites) {
        (Some(SetupArg::NonMdm), _) => (Setup::NonMdm, "--setup"),
        (Some(SetupArg::Mdm), _) => (Setup::Mdm, "--setup"),
        (None, Some(_)) => (Setup::Mdm, "the default with --sites"),
        (None, None) => (Setup::NonMdm, "the default for URLs"),
    };
    Ok(ProbeOptions {
        targets: match args.sites {
            Some(path) => Targets::Config(path),
            None => Targets::Urls(args.urls),
        },
        input_format: args.input_format.into(),
        probe: probe::Options {
            app: args.app.into(),
            setup,
            allow_http: args.allow_http,
            insecure: args.insecure,
            timeout: args.timeout,
            jobs: usize::from(args.jobs),
        },
        setup_reason,
        ca_cert: args.ca_cert,
        json: matches!(args.format, HumanOrJsonArg::Json),
        strict: args.strict,
        verbose: args.verbose,
        quiet: args.quiet,
        max_input_size: args.limit.max_input_size,
    })
}

fn validate_options(args: ValidateArgs) -> anyhow::Result<ValidateOptions> {
    Ok(ValidateOptions {
        files: args.files,
        input_format: args.input_format.into(),
        report: args.format.into(),
        check: check_options(&args.target, &args.common)?,
        quiet: args.common.quiet,
        output: args.output,
        stdin_filename: args.stdin_filename,
        verbose: args.verbose,
        max_input_size: args.common.limit.max_input_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::DEFAULT_MAX_INPUT_SIZE;

    #[test]
    fn clap_definition_is_sound() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_size_matches_constant() {
        assert_eq!(
            parse_size(DEFAULT_MAX_INPUT_SIZE_TEXT),
            Ok(DEFAULT_MAX_INPUT_SIZE)
        );
    }

    #[test]
    fn size_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("10b"), Ok(10));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("3 mib"), Ok(3 * 1024 * 1024));
        assert_eq!(parse_size("1GiB"), Ok(1024 * 1024 * 1024));
    }

    #[test]
    fn seconds_take_fractions_and_refuse_nonsense() {
        assert_eq!(
            parse_seconds("2.5"),
            Ok(std::time::Duration::from_millis(2500))
        );
        assert_eq!(parse_seconds("3"), Ok(std::time::Duration::from_secs(3)));
        for text in ["0", "0.001", "1e-9", "-1", "NaN", "inf", "3s", "", "3601"] {
            assert!(parse_seconds(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn size_rejects_invalid() {
        for text in ["", "MiB", "12MB", "-1", "1.5MiB", "99999999999999999999GiB"] {
            assert!(parse_size(text).is_err(), "{text:?} was accepted");
        }
    }
}
