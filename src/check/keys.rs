//! Checks on the top-level keys other than `sites`.

use super::{Sink, rules, suggest};
use crate::document::OtherKey;
use crate::finding::{Finding, Severity};

/// A top-level key that Atlassian documents for its apps but whose name or
/// place is unconfirmed for the Confluence Data Center app.
struct KnownKey {
    name: &'static str,
    /// The plist type, as `plist::Value` names it.
    kind: &'static str,
}

/// Security-policy keys of Atlassian's Cloud apps, from Atlassian's
/// "Mobile device management" documentation for Jira and Confluence Cloud,
/// and `skipInfo`, mentioned for the Data Center apps without its place.
static KNOWN_KEYS: &[KnownKey] = &[
    KnownKey {
        name: "atlassian.devicePolicyLocalAuthRequired",
        kind: "boolean",
    },
    KnownKey {
        name: "atlassian.devicePolicyLocalAuthTimeout",
        kind: "integer",
    },
    KnownKey {
        name: "atlassian.devicePolicyClipboardRestriction",
        kind: "integer",
    },
    KnownKey {
        name: "atlassian.devicePolicyDataExportRestricted",
        kind: "boolean",
    },
    KnownKey {
        name: "atlassian.devicePolicyLoginAccount",
        kind: "string",
    },
    KnownKey {
        name: "skipInfo",
        kind: "boolean",
    },
];

fn kind_of(value: &plist::Value) -> &'static str {
    match value {
        plist::Value::Boolean(_) => "boolean",
        plist::Value::Integer(_) => "integer",
        plist::Value::String(_) => "string",
        plist::Value::Real(_) => "real",
        plist::Value::Array(_) => "array",
        plist::Value::Dictionary(_) => "dict",
        plist::Value::Date(_) => "date",
        plist::Value::Data(_) => "data",
        _ => "other",
    }
}

/// Says whether a key or member name suggests a credential.
pub fn is_secret_name(name: &str) -> bool {
    let folded = suggest::fold(name);
    folded.contains("secret") || folded.contains("password") || folded == "token"
}

pub fn check_other_keys(keys: &[OtherKey], sink: &mut Sink) {
    let names: Vec<&str> = KNOWN_KEYS.iter().map(|k| k.name).collect();
    for other in keys {
        let at = |finding: Finding| {
            let finding = finding.key_path(other.key.clone());
            match other.span {
                Some(span) => finding.span(span),
                None => finding,
            }
        };
        if is_secret_name(&other.key) {
            sink.push(at(Finding::new(
                &rules::SECRET_IN_CONFIG,
                format!("the key `{}` looks like a secret, and app config is stored unencrypted on every device", other.key),
            )
            .help("remove it, and rotate the secret if it was ever deployed")));
            continue;
        }
        if let Some(known) = KNOWN_KEYS.iter().find(|k| k.name == other.key) {
            sink.push(at(Finding::new(
                &rules::UNCONFIRMED_KEY,
                format!("`{}` is documented for Atlassian's other apps; whether the Confluence Data Center app reads it is unconfirmed", known.name),
            )
            .help("try the config on one device and check that the policy takes effect")));
            let actual = kind_of(&other.value);
            if actual != known.kind {
                sink.push(at(Finding::new(
                    &rules::WRONG_TYPE,
                    format!(
                        "`{}` is a <{actual}>, but Atlassian documents a <{}>",
                        known.name, known.kind
                    ),
                )
                .severity(Severity::Warning)
                .help(format!("write the value as <{}>", known.kind))));
            }
            continue;
        }
        let finding = match suggest::near_miss(&other.key, &names) {
            Some(near) => Finding::new(
                &rules::UNCONFIRMED_KEY,
                format!(
                    "the key `{}` is not one Atlassian documents; did you mean `{near}`?",
                    other.key
                ),
            )
            .help(format!(
                "rename it to `{near}`: key names are case-sensitive"
            )),
            None => Finding::new(
                &rules::UNKNOWN_KEY,
                format!(
                    "the Confluence app does not read the key `{}`; it passes through unchanged",
                    other.key
                ),
            ),
        };
        sink.push(at(finding));
    }
}
