//! The `json` format: the compact JSON text of the site list, one line.

use std::io::Write;

use anyhow::bail;

use super::Writer;
use crate::model::Config;

pub struct JsonWriter;

impl Writer for JsonWriter {
    fn write(&self, config: &Config, out: &mut dyn Write) -> anyhow::Result<()> {
        if !config.other_keys.is_empty() {
            let names: Vec<String> = config
                .other_keys
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            bail!(
                "the `json` format contains only the site list, so the keys {} would be lost; choose `plist` or `dict`",
                names.join(", ")
            );
        }
        out.write_all(config.sites.to_json_text().as_bytes())?;
        out.write_all(b"\n")?;
        Ok(())
    }
}
