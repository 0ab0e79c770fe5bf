//! The committed JSON Schema and the model's member tables must agree, so
//! that neither can change without the other.

use confluence_mdm::check::schema::SCHEMA;
use confluence_mdm::model::{MemberSpec, OAUTH_MEMBERS, SITE_MEMBERS};
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

fn assert_matches(definition: &Value, members: &[MemberSpec], object_name: &str) {
    let properties = definition["properties"].as_object().unwrap();
    let mut schema_names: Vec<&str> = properties.keys().map(String::as_str).collect();
    let mut model_names: Vec<&str> = members.iter().map(|m| m.name).collect();
    schema_names.sort();
    model_names.sort();
    assert_eq!(schema_names, model_names, "members of {object_name}");

    let mut required: Vec<&str> = definition["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut model_required: Vec<&str> = members
        .iter()
        .filter(|m| m.required)
        .map(|m| m.name)
        .collect();
    required.sort();
    model_required.sort();
    assert_eq!(
        required, model_required,
        "required members of {object_name}"
    );

    for member in members {
        let property = &properties[member.name];
        let property = if property.get("$ref").is_some() {
            &serde_json::json!({"type": "object"})
        } else {
            property
        };
        let types: Vec<&str> = match &property["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
            other => panic!("{object_name}.{} has type {other}", member.name),
        };
        assert_eq!(types, member.types, "type of {object_name}.{}", member.name);
    }
    assert_eq!(
        definition["additionalProperties"], false,
        "{object_name} allows unknown members"
    );
}

#[test]
fn schema_matches_model() {
    let schema = schema();
    assert_eq!(schema["type"], "array");
    assert_eq!(schema["minItems"], 1);
    assert_matches(&schema["$defs"]["site"], SITE_MEMBERS, "site");
    assert_matches(&schema["$defs"]["oauth"], OAUTH_MEMBERS, "oauth");
}

#[test]
fn schema_verdicts_on_samples() {
    use confluence_mdm::check::schema::is_valid;
    let ok = serde_json::json!([{"title": "Wiki", "baseURL": "https://w.example.com/confluence", "oauth": {"clientID": "abc", "cacheSessionInMobileBrowser": false}}]);
    assert!(is_valid(&ok));
    for bad in [
        serde_json::json!([]),
        serde_json::json!({"title": "Wiki", "baseURL": "https://w.example.com"}),
        serde_json::json!([{"title": "Wiki", "baseUrl": "https://w.example.com"}]),
        serde_json::json!([{"title": "Wiki", "baseURL": "https://w.example.com", "oauth": {"clientID": "a", "cacheSessionInMobileBrowser": "false"}}]),
        serde_json::json!([{"title": "Wiki", "baseURL": "https://w.example.com?x=1"}]),
        serde_json::json!([{"title": " ", "baseURL": "https://w.example.com"}]),
    ] {
        assert!(!is_valid(&bad), "{bad}");
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in confluence_mdm::check::rules::ALL {
        let row = format!("| `{}` | {} | {} |", rule.id, rule.severity, rule.summary);
        assert!(
            readme.contains(&row),
            "README lacks the row: {row}; run scripts/update-readme-rules"
        );
    }
}
