//! Writers: one per output format, behind the `Writer` trait, and the atomic
//! file output that every command uses.

mod json;
pub mod output;
mod plist;

use std::io::Write;

use crate::model::Config;

/// The output formats of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// The value of `sites`: what an admin types into the MDM's value field.
    Json,
    /// A full XML plist document.
    Plist,
    /// The bare `<dict>` body that Intune's and Jamf's XML fields take.
    Dict,
}

/// Renders a config in one format.
pub trait Writer {
    fn write(&self, config: &Config, out: &mut dyn Write) -> anyhow::Result<()>;
}

/// Returns the writer for `format`.
pub fn writer_for(format: OutputFormat) -> Box<dyn Writer> {
    match format {
        OutputFormat::Json => Box::new(json::JsonWriter),
        OutputFormat::Plist => Box::new(plist::PlistWriter { document: true }),
        OutputFormat::Dict => Box::new(plist::PlistWriter { document: false }),
    }
}

/// Renders a config into bytes.
pub fn render(config: &Config, format: OutputFormat) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    writer_for(format).write(config, &mut bytes)?;
    Ok(bytes)
}
