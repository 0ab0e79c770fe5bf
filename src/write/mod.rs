//! Writers: one per output format, behind the `Writer` trait, and the file
//! output that every command uses.

mod graph;
pub mod json;
pub mod output;
mod plist;
pub mod slug;
pub mod specfile;
mod table;

use std::io::Write;

use crate::app::App;
use crate::model::Config;

/// The output formats of `generate` and `convert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// The value of `sites`: what an admin types into the MDM's value field.
    Json,
    /// `{"sites": "<site list as a JSON string>"}`, for tools that take app
    /// config as JSON.
    JsonObject,
    /// A full XML plist document.
    Plist,
    /// The bare `<dict>` body that Intune's and Jamf's XML fields take.
    Dict,
    /// A binary plist.
    Binary,
    /// An AppConfig Community specfile that describes the `sites` key.
    Specfile,
    /// The JSON body of a Microsoft Graph `iosMobileAppConfiguration`.
    IntuneGraph,
    /// Key, value type and value rows for key-value consoles.
    Table,
}

impl OutputFormat {
    /// Returns the file extension of the format, for files named by the tool.
    pub fn extension(self, style: TableStyle) -> &'static str {
        match self {
            OutputFormat::Json | OutputFormat::JsonObject | OutputFormat::IntuneGraph => "json",
            OutputFormat::Plist | OutputFormat::Binary => "plist",
            OutputFormat::Dict | OutputFormat::Specfile => "xml",
            OutputFormat::Table if style == TableStyle::Markdown => "md",
            OutputFormat::Table => "csv",
        }
    }

    /// Returns the name that `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::JsonObject => "json-object",
            OutputFormat::Plist => "plist",
            OutputFormat::Dict => "dict",
            OutputFormat::Binary => "binary",
            OutputFormat::Specfile => "specfile",
            OutputFormat::IntuneGraph => "intune-graph",
            OutputFormat::Table => "table",
        }
    }
}

/// The layout of the `table` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableStyle {
    #[default]
    Csv,
    Markdown,
}

/// Settings that some formats need.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub app: App,
    /// The app's bundle ID, required by `specfile`.
    pub bundle_id: Option<String>,
    /// The specfile's version, 1 to 99999.
    pub spec_version: u32,
    /// `displayName` of the Graph body.
    pub display_name: Option<String>,
    /// `description` of the Graph body.
    pub description: Option<String>,
    /// Intune mobile app IDs for `targetedMobileApps`.
    pub intune_app_ids: Vec<String>,
    pub table_style: TableStyle,
}

/// Renders a config in one format.
pub trait Writer {
    fn write(
        &self,
        config: &Config,
        options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()>;
}

/// Returns the writer for `format`.
pub fn writer_for(format: OutputFormat) -> Box<dyn Writer> {
    match format {
        OutputFormat::Json => Box::new(json::JsonWriter { object: false }),
        OutputFormat::JsonObject => Box::new(json::JsonWriter { object: true }),
        OutputFormat::Plist => Box::new(plist::PlistWriter { document: true }),
        OutputFormat::Dict => Box::new(plist::PlistWriter { document: false }),
        OutputFormat::Binary => Box::new(plist::BinaryWriter),
        OutputFormat::Specfile => Box::new(specfile::SpecfileWriter),
        OutputFormat::IntuneGraph => Box::new(graph::GraphWriter),
        OutputFormat::Table => Box::new(table::TableWriter),
    }
}

/// Renders a config into bytes.
pub fn render(
    config: &Config,
    format: OutputFormat,
    options: &WriteOptions,
) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    writer_for(format).write(config, options, &mut bytes)?;
    Ok(bytes)
}

/// Rejects a config with keys other than `sites` for a format that holds
/// only the site list.
pub fn only_sites(config: &Config, format: &str) -> anyhow::Result<()> {
    if config.other_keys.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = config
        .other_keys
        .iter()
        .map(|(k, _)| format!("`{k}`"))
        .collect();
    anyhow::bail!(
        "the `{format}` format contains only the site list, so the keys {} would be lost; choose `plist`, `dict` or `binary`, or pass --drop-other-keys",
        names.join(", ")
    )
}
