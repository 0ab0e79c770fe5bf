//! The site list as the app reads it, and the table of members that the
//! rules, the JSON Schema test and the writers share.

use serde::Serialize;

use crate::document::{Node, Value};

/// A member that the app reads from a site or `oauth` object.
#[derive(Debug)]
pub struct MemberSpec {
    pub name: &'static str,
    pub required: bool,
    /// JSON types the value may have, as JSON Schema names them.
    pub types: &'static [&'static str],
}

/// Members of a site object. Sources: Atlassian's "Configure OAuth 2.0 for
/// Confluence iOS" page (title, baseURL, oauth); `skipInfo` is mentioned by
/// Atlassian, but its place (top level or per site) is unconfirmed.
pub static SITE_MEMBERS: &[MemberSpec] = &[
    MemberSpec {
        name: "title",
        required: true,
        types: &["string"],
    },
    MemberSpec {
        name: "baseURL",
        required: true,
        types: &["string"],
    },
    MemberSpec {
        name: "oauth",
        required: false,
        types: &["object"],
    },
    MemberSpec {
        name: "skipInfo",
        required: false,
        types: &["boolean", "string", "integer"],
    },
];

/// Members of the `oauth` object, from the same Atlassian page.
pub static OAUTH_MEMBERS: &[MemberSpec] = &[
    MemberSpec {
        name: "clientID",
        required: true,
        types: &["string"],
    },
    MemberSpec {
        name: "cacheSessionInMobileBrowser",
        required: false,
        types: &["boolean"],
    },
];

pub fn names(members: &[MemberSpec]) -> Vec<&'static str> {
    members.iter().map(|m| m.name).collect()
}

/// One site of the list. Serialises to the exact JSON the app reads, members
/// in the documented order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    pub title: String,
    #[serde(rename = "baseURL")]
    pub base_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuth>,
    /// Members kept so that nothing is lost, such as `skipInfo`.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuth {
    #[serde(rename = "clientID")]
    pub client_id: String,
    #[serde(
        rename = "cacheSessionInMobileBrowser",
        skip_serializing_if = "Option::is_none"
    )]
    pub cache_session_in_mobile_browser: Option<bool>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The value of `sites`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SiteList {
    pub sites: Vec<Site>,
}

/// A whole managed app config: the site list and any other top-level keys,
/// in their original order.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub sites: SiteList,
    pub other_keys: Vec<(String, plist::Value)>,
}

impl SiteList {
    /// Builds the model from a checked tree. Returns `None` when the tree
    /// does not have the shape of a site list; checks report why.
    pub fn from_node(node: &Node) -> Option<SiteList> {
        let Value::Array(items) = &node.value else {
            return None;
        };
        let sites = items.iter().map(site_from_node).collect::<Option<_>>()?;
        Some(SiteList { sites })
    }

    /// Returns the compact JSON text of the list, the value of `sites`.
    ///
    /// U+FFFE and U+FFFF are written as `\u` escapes: JSON reads them back
    /// as the same characters, and XML 1.0, which carries the text in a
    /// plist, forbids them raw. serde_json already escapes control
    /// characters.
    pub fn to_json_text(&self) -> String {
        let text = serde_json::to_string(self).expect("a site list always serialises");
        if text.contains(['\u{FFFE}', '\u{FFFF}']) {
            text.replace('\u{FFFE}', "\\ufffe")
                .replace('\u{FFFF}', "\\uffff")
        } else {
            text
        }
    }
}

fn site_from_node(node: &Node) -> Option<Site> {
    let title = node.get("title")?.value.as_str()?.to_owned();
    let base_url = node.get("baseURL")?.value.as_str()?.to_owned();
    let oauth = match node.get("oauth") {
        Some(member) => Some(oauth_from_node(&member.value)?),
        None => None,
    };
    Some(Site {
        title,
        base_url,
        oauth,
        extra: extra_members(node, &["title", "baseURL", "oauth"]),
    })
}

fn oauth_from_node(node: &Node) -> Option<OAuth> {
    let client_id = node.get("clientID")?.value.as_str()?.to_owned();
    let cache = match node.get("cacheSessionInMobileBrowser") {
        Some(member) => match member.value.value {
            Value::Bool(b) => Some(b),
            _ => return None,
        },
        None => None,
    };
    Some(OAuth {
        client_id,
        cache_session_in_mobile_browser: cache,
        extra: extra_members(node, &["clientID", "cacheSessionInMobileBrowser"]),
    })
}

/// Collects the members other than `modelled`, such as `skipInfo`, so that
/// converting a config keeps them.
fn extra_members(node: &Node, modelled: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    let Value::Object(members) = &node.value else {
        return serde_json::Map::new();
    };
    members
        .iter()
        .filter(|m| !modelled.contains(&m.key.as_str()))
        .map(|m| (m.key.clone(), m.value.to_json()))
        .collect()
}

/// A change the generator made to the user's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalisation {
    pub site: usize,
    pub what: String,
}

impl SiteList {
    /// Applies the changes that cannot alter meaning: trims whitespace around
    /// titles and removes trailing slashes from base URLs.
    pub fn normalise(&mut self) -> Vec<Normalisation> {
        let mut changes = Vec::new();
        for (i, site) in self.sites.iter_mut().enumerate() {
            let trimmed = site.title.trim();
            if trimmed != site.title {
                changes.push(Normalisation {
                    site: i,
                    what: format!("trimmed whitespace around the title `{trimmed}`"),
                });
                site.title = trimmed.to_owned();
            }
            let base = site.base_url.trim_end_matches('/');
            let keeps_host = base.find("://").is_some_and(|i| base.len() > i + 3);
            if base != site.base_url && keeps_host {
                changes.push(Normalisation {
                    site: i,
                    what: format!("removed the trailing slash from `{base}/`"),
                });
                site.base_url = base.to_owned();
            }
        }
        changes
    }
}
