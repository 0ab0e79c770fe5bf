//! The `json` format, the compact JSON text of the site list on one line,
//! and `json-object`, the same text as the string value of `sites` in a
//! JSON object with the other keys.

use std::io::Write;

use super::{WriteOptions, Writer, only_sites};
use crate::model::Config;
use crate::read::plist::SITES_KEY;

pub struct JsonWriter {
    /// Writes `{"sites": "..."}` when true.
    pub object: bool,
}

impl Writer for JsonWriter {
    fn write(
        &self,
        config: &Config,
        _options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        if !self.object {
            only_sites(config, "json")?;
            out.write_all(config.sites.to_json_text().as_bytes())?;
            out.write_all(b"\n")?;
            return Ok(());
        }
        let mut object = serde_json::Map::new();
        object.insert(SITES_KEY.to_owned(), config.sites.to_json_text().into());
        for (key, value) in &config.other_keys {
            object.insert(key.clone(), plist_to_json(value)?);
        }
        serde_json::to_writer_pretty(&mut *out, &object)?;
        out.write_all(b"\n")?;
        Ok(())
    }
}

/// Converts a plist value to JSON; dates become their ISO 8601 text and
/// data its base64 text, as JSON has neither type.
pub fn plist_to_json(value: &plist::Value) -> anyhow::Result<serde_json::Value> {
    use base64::Engine;
    Ok(match value {
        plist::Value::Boolean(b) => (*b).into(),
        plist::Value::String(s) => s.clone().into(),
        plist::Value::Integer(i) => match i.as_signed() {
            Some(n) => n.into(),
            None => i.as_unsigned().unwrap_or_default().into(),
        },
        plist::Value::Real(r) => serde_json::Number::from_f64(*r)
            .map(serde_json::Value::Number)
            .ok_or_else(|| anyhow::anyhow!("the real number {r} has no JSON form"))?,
        plist::Value::Array(items) => items
            .iter()
            .map(plist_to_json)
            .collect::<anyhow::Result<Vec<_>>>()?
            .into(),
        plist::Value::Dictionary(dict) => {
            let mut map = serde_json::Map::new();
            for (key, value) in dict {
                map.insert(key.clone(), plist_to_json(value)?);
            }
            map.into()
        }
        plist::Value::Date(date) => date.to_xml_format().into(),
        plist::Value::Data(bytes) => base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into(),
        _ => anyhow::bail!("a plist value of an unknown type has no JSON form"),
    })
}
