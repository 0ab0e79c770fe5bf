//! The `plist` and `dict` formats, written by the `plist` crate: a root dict
//! with `sites` as a string of compact JSON, then any other keys in order.

use std::io::Write;

use plist::XmlWriteOptions;

use super::{WriteOptions, Writer};
use crate::model::Config;
use crate::read::plist::SITES_KEY;

pub struct PlistWriter {
    /// Writes the XML declaration, DOCTYPE and `<plist>` element when true,
    /// the bare `<dict>` body when false.
    pub document: bool,
}

/// Builds the root dictionary of the config.
pub fn root_dict(config: &Config) -> plist::Value {
    let mut dict = plist::Dictionary::new();
    dict.insert(
        SITES_KEY.to_owned(),
        plist::Value::String(config.sites.to_json_text()),
    );
    for (key, value) in &config.other_keys {
        dict.insert(key.clone(), value.clone());
    }
    plist::Value::Dictionary(dict)
}

impl Writer for PlistWriter {
    fn write(
        &self,
        config: &Config,
        _options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let options = XmlWriteOptions::default()
            .indent(b' ', 4)
            .root_element(self.document);
        let mut buffer = Vec::new();
        root_dict(config).to_writer_xml_with_options(&mut buffer, &options)?;
        let buffer = unescape_quotes(&buffer);
        out.write_all(&buffer)?;
        if !buffer.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// Writes a binary plist, as `plutil -convert binary1` would.
pub struct BinaryWriter;

impl Writer for BinaryWriter {
    fn write(
        &self,
        config: &Config,
        _options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let mut buffer = Vec::new();
        root_dict(config).to_writer_binary(&mut buffer)?;
        out.write_all(&buffer)?;
        Ok(())
    }
}

/// Renders the bare `<dict>` body, for formats that embed it.
pub fn dict_body(config: &Config) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    PlistWriter { document: false }.write(config, &WriteOptions::default(), &mut bytes)?;
    Ok(bytes)
}

/// Writes `&quot;` and `&apos;` back as `"` and `'`.
///
/// The `plist` crate escapes quotes everywhere, but XML needs them escaped
/// only inside attribute values, and the only attribute written is
/// `version="1.0"`. JSON inside `<string>` then reads as JSON, as in
/// Atlassian's examples. A literal `&quot;` in a title is written
/// `&amp;quot;`, which contains no `&quot;`, so it is left alone.
fn unescape_quotes(xml: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(xml);
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .into_bytes()
}
