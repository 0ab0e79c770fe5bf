//! The JSON Schema stage: the committed schema, embedded in the binary, run
//! over the site list. Rules give better messages; this stage is the safety
//! net for structure that no rule reports.

use std::sync::OnceLock;

use super::rules;
use crate::document::{Node, Value};
use crate::finding::Finding;

/// The JSON Schema (draft 2020-12) of the `sites` value.
pub const SCHEMA: &str = include_str!("../../schemas/sites.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(SCHEMA).expect("the embedded schema is valid JSON");
        jsonschema::validator_for(&schema).expect("the embedded schema compiles")
    })
}

/// A validator for one site: the schema's `site` definition, with the
/// definitions it refers to.
fn site_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut schema: serde_json::Value =
            serde_json::from_str(SCHEMA).expect("the embedded schema is valid JSON");
        // The site definition becomes the root, so no `$ref` has to be
        // resolved to reach it; its own `$ref` to `oauth` still resolves.
        let definitions = schema["$defs"].take();
        let mut site = definitions["site"].clone();
        site["$schema"] = schema["$schema"].clone();
        site["$defs"] = definitions;
        jsonschema::validator_for(&site).expect("the site definition compiles")
    })
}

/// Says whether the schema accepts the value.
pub fn is_valid(value: &serde_json::Value) -> bool {
    validator().is_valid(value)
}

/// Returns one finding per schema violation, placed at the offending value.
///
/// A non-empty array is validated one site at a time against the `site`
/// definition, which is what the whole schema does for it, so that no copy
/// of a large list is ever held at once.
pub fn check(sites: &Node) -> Vec<Finding> {
    let Value::Array(items) = &sites.value else {
        return findings(validator(), sites, &sites.to_json(), "");
    };
    if items.is_empty() {
        return findings(validator(), sites, &sites.to_json(), "");
    }
    let mut all = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let value = item.to_json();
        if !site_validator().is_valid(&value) {
            all.extend(findings(site_validator(), item, &value, &format!("/{i}")));
        }
    }
    all
}

/// Turns a validator's errors on `value`, the JSON form of `node`, into
/// findings whose pointers start with `prefix`.
fn findings(
    validator: &jsonschema::Validator,
    node: &Node,
    value: &serde_json::Value,
    prefix: &str,
) -> Vec<Finding> {
    validator
        .iter_errors(value)
        .map(|error| {
            let inner = error.instance_path().to_string();
            let span = node.at_pointer(&inner).map_or(node.span, |n| n.span);
            Finding::new(&rules::SCHEMA, format!("schema: {error}"))
                .help("`confluence-mdm schema` prints the expected structure")
                .span(span)
                .pointer(format!("{prefix}{inner}"))
        })
        .collect()
}
