//! The application links manifest, `GET {base URL}/rest/applinks/1.0/manifest`:
//! the anonymous document in which a Data Center server names its product,
//! version, build, base URL and the authentication types it accepts.
//!
//! The element names are those of Atlassian's `ManifestEntity` (applinks
//! plugin, `com.atlassian.applinks.core.rest.model`): `<manifest>` holding
//! `<typeId>`, `<version>`, `<buildNumber>`, one
//! `<inboundAuthenticationTypes>` per type, and `<url>`. A server asked for
//! JSON returns the same names as members, so both formats are parsed.

use std::cmp::Ordering;
use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Deserialize;

/// The inbound authentication type of the OAuth 2.0 provider (applinks
/// API, `com.atlassian.applinks.api.auth.types`), which the manifest lists
/// when the server offers OAuth 2.0.
pub const OAUTH2_PROVIDER: &str =
    "com.atlassian.applinks.api.auth.types.ThreeLeggedOAuth2AuthenticationProvider";

/// The fields of a manifest that the probe uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `confluence`, `jira`, …
    pub type_id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub build_number: Option<String>,
    /// The base URL the server reports for itself.
    pub url: Option<String>,
    pub inbound: Vec<String>,
}

impl Manifest {
    /// Parses the body of a manifest response, XML or JSON. The error
    /// describes what the body is instead, for the report.
    pub fn parse(body: &[u8]) -> Result<Manifest, String> {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') {
            return parse_json(trimmed);
        }
        if trimmed.starts_with('[') {
            return Err("the body is a JSON array, not an application links manifest".into());
        }
        if trimmed.starts_with('<') {
            return parse_xml(trimmed);
        }
        if trimmed.is_empty() {
            return Err("the body is empty".into());
        }
        Err("the body is neither XML nor JSON".into())
    }

    pub fn offers_oauth2(&self) -> bool {
        self.inbound.iter().any(|t| t == OAUTH2_PROVIDER)
    }
}

/// The members of a JSON manifest that the probe reads. serde rejects a
/// member that appears twice, as the XML reader rejects a repeated element.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonManifest {
    type_id: Option<serde_json::Value>,
    name: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    build_number: Option<serde_json::Value>,
    url: Option<serde_json::Value>,
    inbound_authentication_types: Option<serde_json::Value>,
}

fn parse_json(text: &str) -> Result<Manifest, String> {
    let json: JsonManifest =
        serde_json::from_str(text).map_err(|e| format!("the JSON body is invalid: {e}"))?;
    let field = |value: &Option<serde_json::Value>| match value {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if json.type_id.is_none() && json.version.is_none() {
        return Err("the JSON body is not an application links manifest".into());
    }
    let inbound = match &json.inbound_authentication_types {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    Ok(Manifest {
        type_id: field(&json.type_id),
        name: field(&json.name),
        version: field(&json.version),
        build_number: field(&json.build_number),
        url: field(&json.url),
        inbound,
    })
}

fn parse_xml(text: &str) -> Result<Manifest, String> {
    let mut reader = Reader::from_str(text);
    let mut manifest = Manifest::default();
    let mut depth = 0usize;
    let mut root_seen = false;
    // The child of <manifest> being read, and its text so far.
    let mut current: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("the XML body is invalid: {e}"))?;
        match event {
            Event::Start(start) => {
                depth += 1;
                let name = start.local_name().as_ref().to_owned();
                match depth {
                    1 if root_seen => {
                        return Err("the XML body has more than one root element".into());
                    }
                    1 if name == "manifest" => root_seen = true,
                    1 => {
                        return Err(format!(
                            "the XML body is a <{name}> document, not a <manifest>"
                        ));
                    }
                    2 => current = Some((name, String::new())),
                    _ => {}
                }
            }
            Event::Empty(start) if depth == 0 => {
                let name = start.local_name().as_ref().to_owned();
                return Err(format!("the XML body is an empty <{name}/> element"));
            }
            Event::Text(t) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&t);
                } else if depth == 0 && root_seen && !t.trim().is_empty() {
                    return Err("the XML body has text after </manifest>".into());
                }
            }
            Event::CData(c) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&c);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, value)) = current.as_mut() {
                    let name = reference.to_string();
                    let expanded = match name.as_str() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ if reference.is_char_ref() => {
                            match reference.resolve_char_ref().ok().flatten() {
                                Some(c) if c != '\0' => Some(c),
                                _ => {
                                    return Err(format!(
                                        "the XML body has an invalid character reference &{name};"
                                    ));
                                }
                            }
                        }
                        _ => None,
                    };
                    match expanded {
                        Some(c) => value.push(c),
                        None => return Err(format!("the XML body uses unknown entity &{name};")),
                    }
                }
            }
            Event::End(_) => {
                if depth == 2
                    && let Some((name, value)) = current.take()
                {
                    manifest.set(&name, value.trim().to_owned())?;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof if depth > 0 => {
                return Err("the XML body is invalid: it ends before </manifest>".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err("the XML body has no <manifest> element".into());
    }
    Ok(manifest)
}

impl Manifest {
    /// Stores one child element's text. A second element of a field that
    /// has one value is an error, since either could be the real one.
    fn set(&mut self, name: &str, value: String) -> Result<(), String> {
        let slot = match name {
            "typeId" => &mut self.type_id,
            "name" => &mut self.name,
            "version" => &mut self.version,
            "buildNumber" => &mut self.build_number,
            "url" => &mut self.url,
            "inboundAuthenticationTypes" => {
                self.inbound.push(value);
                return Ok(());
            }
            _ => return Ok(()),
        };
        if slot.is_some() {
            return Err(format!("the manifest has more than one <{name}>"));
        }
        *slot = Some(value);
        Ok(())
    }
}

/// A dotted version such as `9.2.1`. Anything after the leading numbers
/// (`-m02`, `-rc1`) is dropped, so it does not count in comparisons.
#[derive(Debug, Clone)]
pub struct Version {
    parts: Vec<u64>,
}

impl Version {
    /// Reads the leading `N.N.N` of `text`. Returns `None` when it starts
    /// with no number.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = Vec::new();
        for piece in text.trim().split('.') {
            let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                break;
            }
            parts.push(digits.parse().ok()?);
            if digits.len() != piece.len() {
                break;
            }
        }
        if parts.is_empty() {
            None
        } else {
            Some(Version { parts })
        }
    }

    pub fn new(parts: &[u64]) -> Version {
        Version {
            parts: parts.to_vec(),
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let width = self.parts.len().max(other.parts.len());
        let part = |v: &Version, i: usize| v.parts.get(i).copied().unwrap_or(0);
        (0..width)
            .map(|i| part(self, i).cmp(&part(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> = self.parts.iter().map(u64::to_string).collect();
        f.write_str(&text.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<manifest><id>5f1c</id><name>Confluence</name><typeId>confluence</typeId><version>9.2.1</version><buildNumber>9200</buildNumber><applinksVersion>10.0.3</applinksVersion><inboundAuthenticationTypes>com.atlassian.applinks.api.auth.types.BasicAuthenticationProvider</inboundAuthenticationTypes><inboundAuthenticationTypes>com.atlassian.applinks.api.auth.types.ThreeLeggedOAuth2AuthenticationProvider</inboundAuthenticationTypes><outboundAuthenticationTypes>com.atlassian.applinks.api.auth.types.ThreeLeggedOAuth2AuthenticationProvider</outboundAuthenticationTypes><publicSignup>false</publicSignup><url>https://wiki.example.com/a?b=1&amp;c=2</url></manifest>"#;

    #[test]
    fn reads_the_xml_manifest() {
        let manifest = Manifest::parse(READY.as_bytes()).unwrap();
        assert_eq!(manifest.type_id.as_deref(), Some("confluence"));
        assert_eq!(manifest.version.as_deref(), Some("9.2.1"));
        assert_eq!(manifest.build_number.as_deref(), Some("9200"));
        assert_eq!(
            manifest.url.as_deref(),
            Some("https://wiki.example.com/a?b=1&c=2")
        );
        assert_eq!(manifest.inbound.len(), 2);
        assert!(manifest.offers_oauth2());
    }

    #[test]
    fn outbound_types_do_not_count() {
        let text = READY.replace(
            "<inboundAuthenticationTypes>com.atlassian.applinks.api.auth.types.ThreeLeggedOAuth2AuthenticationProvider</inboundAuthenticationTypes>",
            "",
        );
        assert!(!Manifest::parse(text.as_bytes()).unwrap().offers_oauth2());
    }

    #[test]
    fn reads_the_json_manifest() {
        let text = r#"{"typeId":"jira","version":"10.3.1","buildNumber":10030001,"url":"https://jira.example.com","inboundAuthenticationTypes":["com.atlassian.applinks.api.auth.types.ThreeLeggedOAuth2AuthenticationProvider"]}"#;
        let manifest = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(manifest.type_id.as_deref(), Some("jira"));
        assert_eq!(manifest.build_number.as_deref(), Some("10030001"));
        assert!(manifest.offers_oauth2());
    }

    #[test]
    fn other_bodies_rejected_with_reason() {
        for (body, reason) in [
            ("<html><body>Sign in</body></html>", "<html>"),
            ("", "empty"),
            ("Not Found", "neither"),
            ("<manifest><version>9", "invalid"),
            ("{\"error\":1}", "not an application links manifest"),
            ("[1, 2]", "JSON array"),
            (
                "<manifest></manifest><manifest></manifest>",
                "more than one root",
            ),
            (
                "<manifest><version>9.2.1</version><version>7.0</version></manifest>",
                "more than one <version>",
            ),
            (
                "<manifest><version>&#0;</version></manifest>",
                "invalid character reference",
            ),
        ] {
            let error = Manifest::parse(body.as_bytes()).unwrap_err();
            assert!(error.contains(reason), "{body:?}: {error}");
        }
    }

    #[test]
    fn versions_compare_by_number() {
        let v = |t: &str| Version::parse(t).unwrap();
        assert!(v("9.10.0") > v("9.9.9"));
        assert!(v("9.1") == v("9.1.0"));
        assert!(v("9.1.0-m02") >= Version::new(&[9, 1]));
        assert!(v("8.5.4") < Version::new(&[9, 1]));
        assert_eq!(v("9.2.1-rc1").to_string(), "9.2.1");
        assert_eq!(Version::parse("beta"), None);
    }
}
