//! The `specfile` format: an AppConfig Community specfile (root element
//! `managedAppConfiguration`) that describes the `sites` key, with the site
//! list as its default value, so that an MDM can draw a form for it. The
//! structure follows the AppConfig XSD from jamf/AppConfig-Generator.

use std::io::Write;

use anyhow::bail;
use quick_xml::Writer as XmlWriter;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{WriteOptions, Writer, only_sites};
use crate::model::Config;
use crate::read::plist::SITES_KEY;

pub struct SpecfileWriter;

/// Largest version the XSD allows: an int of at most five digits.
pub const MAX_SPEC_VERSION: u32 = 99_999;

/// Checks a bundle ID against the XSD's pattern `([a-zA-Z0-9]+\.)+([a-zA-Z0-9])+`:
/// two or more dot-separated parts of ASCII letters and digits.
pub fn check_bundle_id(id: &str) -> anyhow::Result<()> {
    let parts: Vec<&str> = id.split('.').collect();
    let valid = parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !valid {
        bail!(
            "the bundle ID `{id}` is invalid: the specfile schema allows two or more parts of letters and digits separated by dots, such as com.example.app"
        );
    }
    Ok(())
}

pub fn check_spec_version(version: u32) -> anyhow::Result<()> {
    if !(1..=MAX_SPEC_VERSION).contains(&version) {
        bail!(
            "the specfile version {version} is invalid: give an integer from 1 to {MAX_SPEC_VERSION}"
        );
    }
    Ok(())
}

impl Writer for SpecfileWriter {
    fn write(
        &self,
        config: &Config,
        options: &WriteOptions,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        only_sites(config, "specfile")?;
        let Some(bundle_id) = &options.bundle_id else {
            bail!(
                "the `specfile` format needs --bundle-id: Atlassian does not publish the app's bundle ID, so copy it from your MDM's app catalogue"
            );
        };
        check_bundle_id(bundle_id)?;
        check_spec_version(options.spec_version)?;

        let product = options.app.product();
        let description = format!(
            "JSON array of sites: title, baseURL and an optional oauth object with clientID and cacheSessionInMobileBrowser. The client ID comes from an incoming application link with the redirect URL {} and the permission WRITE ({}).",
            options.app.redirect_url(),
            options.app.version_gate()
        );
        let mut writer = XmlWriter::new_with_indent(out, b' ', 2);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer
            .create_element("managedAppConfiguration")
            .write_inner_content(|w| {
                w.create_element("version")
                    .write_text_content(BytesText::new(&options.spec_version.to_string()))?;
                w.create_element("bundleId")
                    .write_text_content(BytesText::new(bundle_id))?;
                w.create_element("dict").write_inner_content(|w| {
                    w.create_element("string")
                        .with_attribute(("keyName", SITES_KEY))
                        .write_inner_content(|w| {
                            w.create_element("defaultValue").write_inner_content(|w| {
                                // Escape only `<`, `>` and `&`, so that the JSON
                                // keeps its quotes and reads as JSON.
                                let json = config.sites.to_json_text();
                                w.create_element("value").write_text_content(
                                    BytesText::from_escaped(partial_escape(&json)),
                                )?;
                                Ok(())
                            })?;
                            Ok(())
                        })?;
                    Ok(())
                })?;
                w.create_element("presentation")
                    .with_attribute(("defaultLocale", "en-US"))
                    .write_inner_content(|w| {
                        w.create_element("field")
                            .with_attribute(("keyName", SITES_KEY))
                            .with_attribute(("type", "input"))
                            .write_inner_content(|w| {
                                w.create_element("label").write_inner_content(|w| {
                                    w.create_element("language")
                                        .with_attribute(("value", "en-US"))
                                        .write_text_content(BytesText::new(&format!(
                                            "{product} sites"
                                        )))?;
                                    Ok(())
                                })?;
                                w.create_element("description").write_inner_content(|w| {
                                    w.create_element("language")
                                        .with_attribute(("value", "en-US"))
                                        .write_text_content(BytesText::new(&description))?;
                                    Ok(())
                                })?;
                                Ok(())
                            })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
        writer.get_mut().write_all(b"\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_ids_follow_the_schema() {
        assert!(check_bundle_id("com.atlassian.confluence").is_ok());
        assert!(check_bundle_id("confluence").is_err());
        assert!(check_bundle_id("com.example-app.x").is_err());
        assert!(check_bundle_id("com..x").is_err());
    }

    #[test]
    fn versions_in_range() {
        assert!(check_spec_version(1).is_ok());
        assert!(check_spec_version(99_999).is_ok());
        assert!(check_spec_version(0).is_err());
        assert!(check_spec_version(100_000).is_err());
    }
}
