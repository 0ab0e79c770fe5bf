//! `diff`: compare two configs by meaning, in any formats: sites added,
//! removed and changed (field by field), a changed order, and changed keys
//! other than `sites`. Exit status 0 when equal and 1 when not, as `diff`.

use std::collections::HashMap;

use serde::Serialize;

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::{self, url};
use crate::input;
use crate::model::{Config, Site, SiteList};
use crate::read::{self, InputFormat};
use crate::report::{self, FileReport};
use crate::write::json::plist_to_json;

pub struct DiffOptions {
    pub old: String,
    pub new: String,
    pub input_format: InputFormat,
    pub json: bool,
    pub check: check::Options,
    pub max_input_size: u64,
}

#[derive(Serialize, Default)]
struct Difference {
    equal: bool,
    added: Vec<SiteEntry>,
    removed: Vec<SiteEntry>,
    changed: Vec<Changed>,
    /// Base URLs of the sites both configs have, in the old and the new
    /// order, when the order differs.
    order: Option<(Vec<String>, Vec<String>)>,
    keys: Vec<KeyChange>,
}

#[derive(Serialize)]
struct SiteEntry {
    title: String,
    #[serde(rename = "baseURL")]
    base_url: String,
}

#[derive(Serialize)]
struct Changed {
    #[serde(rename = "baseURL")]
    base_url: String,
    fields: Vec<FieldChange>,
}

#[derive(Serialize)]
struct FieldChange {
    field: String,
    old: serde_json::Value,
    new: serde_json::Value,
}

#[derive(Serialize)]
struct KeyChange {
    key: String,
    old: Option<serde_json::Value>,
    new: Option<serde_json::Value>,
}

pub fn run(options: &DiffOptions, streams: &mut Streams) -> anyhow::Result<Status> {
    let Some(old) = load(&options.old, options, streams)? else {
        return Ok(Status::Failure);
    };
    let Some(new) = load(&options.new, options, streams)? else {
        return Ok(Status::Failure);
    };
    let difference = compare(&old, &new);
    let text = if options.json {
        let mut text = serde_json::to_string_pretty(&difference)?;
        text.push('\n');
        text
    } else {
        render(&difference)
    };
    ignore_broken_pipe(streams.out.write_all(text.as_bytes()))?;
    Ok(if difference.equal {
        Status::Ok
    } else {
        Status::Findings
    })
}

/// Reads one side; `None` after reporting why it cannot be compared.
fn load(arg: &str, options: &DiffOptions, streams: &mut Streams) -> anyhow::Result<Option<Config>> {
    let loaded = match input::load(arg, options.max_input_size) {
        Ok(loaded) => loaded,
        Err(error) => {
            writeln!(streams.err, "error: {error}")?;
            return Ok(None);
        }
    };
    let doc = read::read(&loaded.name, &loaded.bytes, options.input_format);
    let sites = doc.sites.as_ref().and_then(SiteList::from_node);
    let Some(sites) = sites else {
        let findings: Vec<_> = check::check(&doc, &options.check)
            .into_iter()
            .filter(|f| options.check.policy.fails(f))
            .collect();
        report::write_short(
            streams.err,
            &FileReport {
                doc: &doc,
                findings,
            },
        )?;
        writeln!(
            streams.err,
            "error: {}: no site list to compare; fix the errors above",
            loaded.name
        )?;
        return Ok(None);
    };
    Ok(Some(Config {
        sites,
        other_keys: doc
            .other_keys
            .iter()
            .map(|k| (k.key.clone(), k.value.clone()))
            .collect(),
    }))
}

/// The key that matches a site across the two configs: its base URL in
/// normal form, so that case, default ports and trailing slashes do not
/// count as changes of identity.
fn identity(site: &Site) -> String {
    url::normal_form(&site.base_url).map_or_else(|| site.base_url.clone(), |(normal, _)| normal)
}

fn compare(old: &Config, new: &Config) -> Difference {
    let old_sites: HashMap<String, &Site> =
        old.sites.sites.iter().map(|s| (identity(s), s)).collect();
    let new_sites: HashMap<String, &Site> =
        new.sites.sites.iter().map(|s| (identity(s), s)).collect();
    let entry = |s: &Site| SiteEntry {
        title: s.title.clone(),
        base_url: s.base_url.clone(),
    };
    let mut difference = Difference::default();
    for site in &new.sites.sites {
        match old_sites.get(&identity(site)) {
            None => difference.added.push(entry(site)),
            Some(before) => {
                let fields = field_changes(before, site);
                if !fields.is_empty() {
                    difference.changed.push(Changed {
                        base_url: site.base_url.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for site in &old.sites.sites {
        if !new_sites.contains_key(&identity(site)) {
            difference.removed.push(entry(site));
        }
    }
    let common_old: Vec<String> = old
        .sites
        .sites
        .iter()
        .map(identity)
        .filter(|k| new_sites.contains_key(k))
        .collect();
    let common_new: Vec<String> = new
        .sites
        .sites
        .iter()
        .map(identity)
        .filter(|k| old_sites.contains_key(k))
        .collect();
    if common_old != common_new {
        difference.order = Some((common_old, common_new));
    }
    difference.keys = key_changes(old, new);
    difference.equal = difference.added.is_empty()
        && difference.removed.is_empty()
        && difference.changed.is_empty()
        && difference.order.is_none()
        && difference.keys.is_empty();
    difference
}

/// Compares two sites member by member, in their JSON form, so that every
/// member, `extra` ones included, is covered.
fn field_changes(old: &Site, new: &Site) -> Vec<FieldChange> {
    let flatten = |site: &Site| {
        let mut fields: Vec<(String, serde_json::Value)> = Vec::new();
        let value = serde_json::to_value(site).unwrap_or_default();
        if let serde_json::Value::Object(members) = value {
            for (key, value) in members {
                match value {
                    serde_json::Value::Object(inner) if key == "oauth" => {
                        fields.push(("oauth".into(), serde_json::Value::Bool(true)));
                        for (inner_key, inner_value) in inner {
                            fields.push((format!("oauth.{inner_key}"), inner_value));
                        }
                    }
                    other => fields.push((key, other)),
                }
            }
        }
        fields
    };
    let old_fields = flatten(old);
    let new_fields = flatten(new);
    let mut names: Vec<&String> = old_fields.iter().map(|(k, _)| k).collect();
    for (key, _) in &new_fields {
        if !names.contains(&key) {
            names.push(key);
        }
    }
    let get = |fields: &[(String, serde_json::Value)], name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or(serde_json::Value::Null)
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (before, after) = (get(&old_fields, name), get(&new_fields, name));
            (before != after).then(|| FieldChange {
                field: name.clone(),
                old: before,
                new: after,
            })
        })
        .collect()
}

fn key_changes(old: &Config, new: &Config) -> Vec<KeyChange> {
    let as_json = |value: &plist::Value| plist_to_json(value).ok();
    let mut changes = Vec::new();
    for (key, value) in &old.other_keys {
        let after = new
            .other_keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v);
        if after != Some(value) {
            changes.push(KeyChange {
                key: key.clone(),
                old: as_json(value),
                new: after.and_then(as_json),
            });
        }
    }
    for (key, value) in &new.other_keys {
        if !old.other_keys.iter().any(|(k, _)| k == key) {
            changes.push(KeyChange {
                key: key.clone(),
                old: None,
                new: as_json(value),
            });
        }
    }
    changes
}

fn render(difference: &Difference) -> String {
    if difference.equal {
        return "the configs are equal\n".to_owned();
    }
    let mut out = String::new();
    for site in &difference.added {
        out.push_str(&format!("+ site \"{}\" ({})\n", site.title, site.base_url));
    }
    for site in &difference.removed {
        out.push_str(&format!("- site \"{}\" ({})\n", site.title, site.base_url));
    }
    for changed in &difference.changed {
        out.push_str(&format!("~ site {}\n", changed.base_url));
        for field in &changed.fields {
            out.push_str(&format!(
                "    {}: {} -> {}\n",
                field.field, field.old, field.new
            ));
        }
    }
    if let Some((before, after)) = &difference.order {
        out.push_str(&format!(
            "~ order: {} -> {}\n",
            before.join(", "),
            after.join(", ")
        ));
    }
    for key in &difference.keys {
        let show = |v: &Option<serde_json::Value>| {
            v.as_ref().map_or("(absent)".to_owned(), |v| v.to_string())
        };
        out.push_str(&format!(
            "~ key {}: {} -> {}\n",
            key.key,
            show(&key.old),
            show(&key.new)
        ));
    }
    out
}
