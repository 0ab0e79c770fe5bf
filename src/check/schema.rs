//! The JSON Schema stage: the committed schema, embedded in the binary, run
//! over the site list. Rules give better messages; this stage is the safety
//! net for structure that no rule reports.

use std::sync::OnceLock;

use super::rules;
use crate::document::Node;
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

/// Says whether the schema accepts the value.
pub fn is_valid(value: &serde_json::Value) -> bool {
    validator().is_valid(value)
}

/// Returns one finding per schema violation, placed at the offending value.
pub fn check(sites: &Node) -> Vec<Finding> {
    let value = sites.to_json();
    validator()
        .iter_errors(&value)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            let span = sites.at_pointer(&pointer).map_or(sites.span, |n| n.span);
            Finding::new(&rules::SCHEMA, format!("schema: {error}"))
                .help("`confluence-mdm schema` prints the expected structure")
                .span(span)
                .pointer(pointer)
        })
        .collect()
}
