//! Checks that depend on the MDM the config goes to (`--mdm`): the shape it
//! takes, the value types it supports, and the variables it replaces.

use super::{Context, Sink, rules, suggest, tokens};
use crate::app::Mdm;
use crate::document::{Document, InputKind, Node, Value};
use crate::finding::{Finding, Severity, pointer_push};

/// Runs the MDM checks on a document.
pub fn check_document(doc: &Document, ctx: Context, sink: &mut Sink) {
    let Some(mdm) = ctx.mdm else {
        return;
    };
    if mdm.takes_bare_dict() && doc.kind == InputKind::PlistXml {
        let span = doc
            .findings
            .iter()
            .find(|f| std::ptr::eq(f.rule, &rules::PLIST_WRAPPER))
            .and_then(|f| f.span);
        let finding = Finding::new(
            &rules::PLIST_WRAPPER,
            format!("{} takes only the <dict> body, but this is a full plist document", mdm.name()),
        )
        .severity(Severity::Error)
        .help("remove the XML declaration, DOCTYPE and <plist> element, or run `generate --format dict`");
        sink.push(match span {
            Some(span) => finding.span(span),
            None => finding,
        });
    }
    if mdm == Mdm::Intune {
        for key in &doc.other_keys {
            if let Some(kind) = unsupported_type(&key.value) {
                let finding = Finding::new(
                    &rules::MDM_VALUE_TYPE,
                    format!("`{}` holds a <{kind}>, which Intune's XML field does not take", key.key),
                )
                .help("Intune takes integer, real, string, array, dict, true and false; write the value as a string")
                .key_path(key.key.clone());
                sink.push(match key.span {
                    Some(span) => finding.span(span),
                    None => finding,
                });
            }
        }
    }
    if let Some(sites) = &doc.sites {
        check_strings(sites, "", mdm, sink);
    }
}

fn unsupported_type(value: &plist::Value) -> Option<&'static str> {
    match value {
        plist::Value::Date(_) => Some("date"),
        plist::Value::Data(_) => Some("data"),
        plist::Value::Array(items) => items.iter().find_map(unsupported_type),
        plist::Value::Dictionary(dict) => dict.values().find_map(unsupported_type),
        _ => None,
    }
}

/// Checks the variables in every string of the site list but `baseURL` and
/// `clientID`, which may hold none and have their own rule.
fn check_strings(node: &Node, pointer: &str, mdm: Mdm, sink: &mut Sink) {
    match &node.value {
        Value::String(text) => check_text(text, node, pointer, mdm, sink),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_strings(item, &pointer_push(pointer, &i.to_string()), mdm, sink);
            }
        }
        Value::Object(members) => {
            for member in members {
                if member.key == "baseURL" || member.key == "clientID" {
                    continue;
                }
                check_strings(
                    &member.value,
                    &pointer_push(pointer, &member.key),
                    mdm,
                    sink,
                );
            }
        }
        _ => {}
    }
}

fn check_text(text: &str, node: &Node, pointer: &str, mdm: Mdm, sink: &mut Sink) {
    let (own_names, own_syntax) = tokens::names_of(mdm);
    let at = |finding: Finding| finding.span(node.span).pointer(pointer);
    for token in tokens::scan(text) {
        if token.mdms.contains(&mdm) {
            if token.is_display_name() {
                sink.push(at(Finding::new(
                    &rules::MDM_TOKEN_UNSAFE,
                    format!("{} puts the value of `{}` into the JSON as raw text, and a name may contain a quote or backslash", mdm.name(), token.text),
                )
                .help("use a token whose value cannot contain `\"` or `\\`, or check every user's value")));
            }
            continue;
        }
        if token.is_known() {
            sink.push(at(Finding::new(
                &rules::MDM_TOKEN_FOREIGN,
                format!(
                    "`{}` is a {} variable, which {} never replaces",
                    token.text,
                    token.mdm_name(),
                    mdm.name()
                ),
            )
            .help(format!(
                "write the variable in {}'s syntax, or remove it",
                mdm.name()
            ))));
            continue;
        }
        if token.syntax == own_syntax
            && let Some(near) = suggest::near_miss(&token.name, own_names)
        {
            sink.push(at(Finding::new(
                &rules::MDM_TOKEN_NEAR_MISS,
                format!(
                    "`{}` is not a {} variable; did you mean `{near}`?",
                    token.text,
                    mdm.name()
                ),
            )
            .help(
                "an unknown name is never replaced, so the app shows it as written",
            )));
            continue;
        }
        if mdm == Mdm::Intune && token.syntax == tokens::Syntax::DoubleBrace {
            sink.push(at(Finding::new(
                &rules::INTUNE_BRACES,
                format!(
                    "`{}` is not an Intune token, but Intune reserves `{{{{` and `}}}}`",
                    token.text
                ),
            )
            .help(
                "remove the braces, or use one of Intune's tokens such as `{{mail}}`",
            )));
        }
    }
    if mdm == Mdm::Intune {
        let known: usize = tokens::scan(text)
            .iter()
            .filter(|t| t.syntax == tokens::Syntax::DoubleBrace)
            .count();
        let pairs = text.matches("{{").count().max(text.matches("}}").count());
        if pairs > known {
            sink.push(at(Finding::new(
                &rules::INTUNE_BRACES,
                "a `{{` or `}}` that is not part of a token, which Intune reserves".to_owned(),
            )
            .help(
                "remove the braces, or use one of Intune's tokens such as `{{mail}}`",
            )));
        }
    }
}
