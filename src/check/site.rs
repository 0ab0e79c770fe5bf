//! Rules on one site object and its `oauth` object.

use super::keys::is_secret_name;
use super::{Context, Sink, rules, suggest, url};
use crate::document::{InputKind, Member, Node, Value};
use crate::finding::{Finding, pointer_push};
use crate::model::{MemberSpec, OAUTH_MEMBERS, SITE_MEMBERS, names};

/// Reports every member that appears twice in one object, at any depth.
pub fn check_duplicate_members(node: &Node, sink: &mut Sink) {
    duplicate_members(node, &mut Vec::new(), sink);
}

/// Walks the tree keeping the path as segments, so that a JSON Pointer is
/// built only for a finding: building one for every member costs more than
/// the whole check.
fn duplicate_members(node: &Node, path: &mut Vec<String>, sink: &mut Sink) {
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Array(_) | Value::Object(_)) {
                    path.push(i.to_string());
                    duplicate_members(item, path, sink);
                    path.pop();
                }
            }
        }
        Value::Object(members) => {
            let mut seen = std::collections::HashSet::with_capacity(members.len());
            for member in members {
                if !seen.insert(member.key.as_str()) {
                    let mut here = String::new();
                    for segment in path.iter() {
                        here = pointer_push(&here, segment);
                    }
                    let here = pointer_push(&here, &member.key);
                    let finding = Finding::new(
                        &rules::DUPLICATE_KEY,
                        format!("the member `{}` appears more than once in this object", member.key),
                    )
                    .help("keep one: JSON parsers silently drop one of the two, and not all the same one")
                    .span(member.key_span)
                    .pointer(here);
                    sink.push(finding);
                }
                if matches!(member.value.value, Value::Array(_) | Value::Object(_)) {
                    path.push(member.key.clone());
                    duplicate_members(&member.value, path, sink);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// The members of an object as the rules see them.
struct Members<'n> {
    node: &'n Node,
    pointer: String,
    /// Known names that a misspelt member stands for, so that "missing"
    /// is not reported beside "did you mean".
    near_misses: Vec<&'static str>,
}

impl<'n> Members<'n> {
    fn get(&self, name: &str) -> Option<&'n Member> {
        self.node.get(name)
    }

    fn pointer_to(&self, name: &str) -> String {
        pointer_push(&self.pointer, name)
    }

    /// Reports a missing required member unless a near miss stands for it.
    fn missing(&self, name: &str, finding: Finding, sink: &mut Sink) {
        if !self.near_misses.contains(&name) {
            sink.push(finding.span(self.node.span).pointer(self.pointer.clone()));
        }
    }
}

/// Reports unknown and secret-like members, and returns the view of the
/// object with the near misses it found.
fn scan_members<'n>(
    node: &'n Node,
    pointer: String,
    known: &[MemberSpec],
    sink: &mut Sink,
) -> Members<'n> {
    let known_names = names(known);
    let mut near_misses = Vec::new();
    let Value::Object(members) = &node.value else {
        unreachable!("scan_members is called on objects only");
    };
    for member in members {
        let here = || pointer_push(&pointer, &member.key);
        if known_names.contains(&member.key.as_str()) {
            if member.key == "skipInfo" {
                let finding = Finding::new(
                    &rules::UNCONFIRMED_KEY,
                    "`skipInfo` is mentioned by Atlassian, but whether it goes in a site or at the top level is unconfirmed",
                )
                .help("try the config on one device; the app then skips its server-info check if it reads the key here");
                sink.push(finding.span(member.key_span).pointer(here()));
            }
            continue;
        }
        if is_secret_name(&member.key) {
            let finding = Finding::new(
                &rules::SECRET_IN_CONFIG,
                format!("`{}` looks like a secret; the app is a public OAuth 2.0 client and needs none", member.key),
            )
            .help("remove it: app config is stored unencrypted on every device; rotate the secret in the application link");
            sink.push(finding.span(member.key_span).pointer(here()));
            continue;
        }
        let finding = match suggest::near_miss(&member.key, &known_names) {
            Some(near) => {
                near_misses.push(near);
                Finding::new(
                    &rules::UNKNOWN_MEMBER,
                    format!("unknown member `{}`; did you mean `{near}`?", member.key),
                )
                .help(format!(
                    "rename it to `{near}`: key names are case-sensitive, and the app ignores `{}`",
                    member.key
                ))
            }
            None => Finding::new(
                &rules::UNKNOWN_MEMBER,
                format!(
                    "unknown member `{}`; the app reads only {}",
                    member.key,
                    list_names(&known_names)
                ),
            )
            .help("remove it, or move it to where it belongs"),
        };
        sink.push(finding.span(member.key_span).pointer(here()));
    }
    Members {
        node,
        pointer,
        near_misses,
    }
}

fn list_names(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the per-site rules on entry `index` of the list.
pub fn check_site(node: &Node, index: usize, ctx: Context, sink: &mut Sink) {
    let pointer = format!("/{index}");
    if !matches!(node.value, Value::Object(_)) {
        let finding = Finding::new(
            &rules::SITE_NOT_OBJECT,
            format!("site {} is {}, not an object", index + 1, node.type_name()),
        )
        .help("write each site as {\"title\": ..., \"baseURL\": ...}")
        .span(node.span)
        .pointer(pointer);
        sink.push(finding);
        return;
    }
    let members = scan_members(node, pointer, SITE_MEMBERS, sink);
    check_title(&members, index, sink);
    let has_oauth = members.get("oauth").is_some();
    match members.get("baseURL") {
        None => members.missing(
            "baseURL",
            Finding::new(&rules::BASE_URL_REQUIRED, format!("site {} has no `baseURL`", index + 1))
                .help("add \"baseURL\": \"https://confluence.example.com\", the address users open Confluence at"),
            sink,
        ),
        Some(member) => match &member.value.value {
            Value::String(text) => {
                url::check_base_url(text, member.value.span, &members.pointer_to("baseURL"), has_oauth, ctx.app, sink);
            }
            _ => sink.push(wrong_type(member, "a string", &members.pointer_to("baseURL"))),
        },
    }
    if let Some(oauth) = members.get("oauth") {
        check_oauth(&oauth.value, members.pointer_to("oauth"), ctx, sink);
    }
}

fn wrong_type(member: &Member, expected: &str, pointer: &str) -> Finding {
    Finding::new(
        &rules::WRONG_TYPE,
        format!(
            "`{}` is {}, but must be {expected}",
            member.key,
            member.value.type_name()
        ),
    )
    .help(match &member.value.value {
        Value::Number(n) => format!("quote it: \"{n}\""),
        _ => format!("write {expected}"),
    })
    .span(member.value.span)
    .pointer(pointer)
}

fn check_title(members: &Members, index: usize, sink: &mut Sink) {
    let Some(member) = members.get("title") else {
        members.missing(
            "title",
            Finding::new(
                &rules::TITLE_REQUIRED,
                format!("site {} has no `title`", index + 1),
            )
            .help("add \"title\": \"...\", the name the app shows for the site"),
            sink,
        );
        return;
    };
    let pointer = members.pointer_to("title");
    let Value::String(title) = &member.value.value else {
        sink.push(wrong_type(member, "a string", &pointer));
        return;
    };
    check_title_characters(title, member, &pointer, sink);
    if title.chars().all(super::url::is_blank) {
        let finding = Finding::new(
            &rules::TITLE_REQUIRED,
            format!(
                "site {} has an empty `title`, or one of invisible characters only",
                index + 1
            ),
        )
        .help("write the name the app shows for the site")
        .span(member.value.span)
        .pointer(pointer);
        sink.push(finding);
    } else if title.trim() != title {
        let finding = Finding::new(
            &rules::TITLE_WHITESPACE,
            format!("the title `{title}` starts or ends with whitespace"),
        )
        .help(format!(
            "write \"{}\"; the generator trims it",
            title.trim()
        ))
        .span(member.value.span)
        .pointer(pointer);
        sink.push(finding);
    }
}

/// Reports control characters, and entities that the app would show as
/// written, such as the `&amp;` that `&amp;amp;` in plist XML decodes to.
fn check_title_characters(title: &str, member: &Member, pointer: &str, sink: &mut Sink) {
    if let Some(c) = title.chars().find(|c| c.is_control()) {
        let finding = Finding::new(
            &rules::TITLE_CONTROL,
            format!(
                "the title `{}` contains the control character U+{:04X}",
                title.escape_debug(),
                c as u32
            ),
        )
        .help("remove it: the app shows titles as plain text")
        .span(member.value.span)
        .pointer(pointer);
        sink.push(finding);
    }
    let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"];
    if let Some(entity) = entities.iter().find(|e| title.contains(*e)) {
        let finding = Finding::new(
            &rules::DOUBLE_ESCAPED,
            format!("the title `{title}` contains `{entity}`, which the app shows literally"),
        )
        .help("write the character itself; in a plist file, escape `&` once, as `&amp;`")
        .span(member.value.span)
        .pointer(pointer);
        sink.push(finding);
    }
}

fn check_oauth(node: &Node, pointer: String, ctx: Context, sink: &mut Sink) {
    if !matches!(node.value, Value::Object(_)) {
        let help = match &node.value {
            Value::String(id) => {
                format!("write {{\"clientID\": \"{id}\", \"cacheSessionInMobileBrowser\": false}}")
            }
            _ => "write {\"clientID\": \"...\", \"cacheSessionInMobileBrowser\": false}".to_owned(),
        };
        let finding = Finding::new(
            &rules::OAUTH_NOT_OBJECT,
            format!("`oauth` is {}, not an object", node.type_name()),
        )
        .help(help)
        .span(node.span)
        .pointer(pointer);
        sink.push(finding);
        return;
    }
    let members = scan_members(node, pointer, OAUTH_MEMBERS, sink);
    match members.get("clientID") {
        None => members.missing(
            "clientID",
            Finding::new(&rules::CLIENT_ID_REQUIRED, "`oauth` has no `clientID`")
                .help("add the client ID of the incoming application link (Confluence administration > Application links)"),
            sink,
        ),
        Some(member) => match &member.value.value {
            Value::String(id) => check_client_id(id, member, &members.pointer_to("clientID"), ctx.app, sink),
            _ => sink.push(wrong_type(member, "a string", &members.pointer_to("clientID"))),
        },
    }
    match members.get("cacheSessionInMobileBrowser") {
        None => members.missing(
            "cacheSessionInMobileBrowser",
            Finding::new(
                &rules::CACHE_SESSION_MISSING,
                "`oauth` has no `cacheSessionInMobileBrowser`; the app's default is undocumented",
            )
            .help("add \"cacheSessionInMobileBrowser\": false (or true to keep the browser session used for sign-in)"),
            sink,
        ),
        Some(member) => check_cache_flag(member, &members.pointer_to("cacheSessionInMobileBrowser"), ctx, sink),
    }
}

/// Placeholders from Atlassian's documentation and common stand-ins, folded
/// with `suggest::fold`.
const PLACEHOLDERS: &[&str] = &[
    "yourclientid",
    "clientid",
    "yourid",
    "changeme",
    "placeholder",
    "todo",
    "tbd",
    "insertclientid",
    "insertclientidhere",
    "<clientid>",
    "{clientid}",
    "[clientid]",
    "<yourclientid>",
    "<id>",
    "{id}",
    "yourid",
    "changethis",
    "fixme",
    "secret",
    "id",
    "example",
    "...",
    "…",
];

/// Says whether a client ID is a stand-in: a known placeholder, one
/// character repeated (`xxxx`, 32 zeros), or text that names the client ID
/// or asks for it to be replaced (`${clientID}`, `REPLACE_ME`).
fn is_placeholder(id: &str) -> bool {
    let folded = suggest::fold(id);
    let mut chars = folded.chars();
    let first = chars.next();
    let one_repeated = folded.chars().count() >= 3 && chars.all(|c| Some(c) == first);
    // Folding drops punctuation, so `...` folds to nothing.
    one_repeated
        || folded.is_empty()
        || PLACEHOLDERS.contains(&folded.as_str())
        || folded.contains("clientid")
        || folded.starts_with("replace")
        || folded.starts_with("insert")
}

fn check_client_id(
    id: &str,
    member: &Member,
    pointer: &str,
    app: crate::app::App,
    sink: &mut Sink,
) {
    let at = |finding: Finding| finding.span(member.value.span).pointer(pointer);
    if id.is_empty() {
        sink.push(at(Finding::new(&rules::CLIENT_ID_REQUIRED, "`clientID` is empty")
            .help("paste the client ID of the incoming application link, or remove `oauth` for classic login")));
        return;
    }
    if let Some(token) = super::tokens::find(id).first() {
        sink.push(at(Finding::new(
            &rules::MDM_TOKEN,
            format!("`clientID` contains the {} variable `{}`, but the client ID is the same for every user", token.mdm_name(), token.text),
        )
        .help("paste the client ID of the incoming application link")));
        return;
    }
    if is_placeholder(id) {
        sink.push(at(Finding::new(
            &rules::CLIENT_ID_PLACEHOLDER,
            format!("`{id}` is a placeholder, not a client ID"),
        )
        .help(format!("in {}, create an incoming application link (External application, direction Incoming, redirect URL `{}`, permission WRITE) and paste the client ID it shows; OAuth 2.0 for the app needs {}", app.product(), app.redirect_url(), app.version_gate()))));
        return;
    }
    if id.chars().any(super::url::is_blank) {
        let trimmed = id.trim_matches(super::url::is_blank);
        let help = if trimmed.chars().any(super::url::is_blank) {
            "copy the client ID again from the application link; it has no spaces".to_owned()
        } else {
            format!("write \"{trimmed}\"")
        };
        sink.push(at(Finding::new(
            &rules::CLIENT_ID_WHITESPACE,
            format!(
                "`clientID` `{}` contains whitespace or an invisible character",
                id.escape_debug()
            ),
        )
        .help(help)));
        return;
    }
    let chars = id.chars().count();
    if chars >= 40 {
        sink.push(at(Finding::new(
            &rules::CLIENT_SECRET_SUSPECTED,
            format!("`clientID` is {chars} characters long and may be the client secret"),
        )
        .help("copy the client ID, not the secret, from the application link; if the secret was deployed, rotate it")));
    } else if chars != 32 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        sink.push(at(Finding::new(
            &rules::CLIENT_ID_FORMAT,
            format!("`clientID` `{id}` is not 32 ASCII letters and digits, the shape Confluence shows"),
        )
        .help("compare it with the client ID in the application link; the format is undocumented, so this is only a warning")));
    }
}

/// Returns the JSON literal that a mistyped flag most likely meant.
fn intended_bool(value: &Value) -> Option<bool> {
    match value {
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "on" => Some(true),
            "false" | "no" | "0" | "off" => Some(false),
            _ => None,
        },
        Value::Number(n) if n == "1" => Some(true),
        Value::Number(n) if n == "0" => Some(false),
        _ => None,
    }
}

fn check_cache_flag(member: &Member, pointer: &str, ctx: Context, sink: &mut Sink) {
    if matches!(member.value.value, Value::Bool(_)) {
        return;
    }
    let written = match &member.value.value {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Number(n) => format!("the number {n}"),
        _ => member.value.type_name().to_owned(),
    };
    let help = match (ctx.kind, intended_bool(&member.value.value)) {
        (InputKind::Csv, _) => {
            "write `true` or `false` in this column (any letter case)".to_owned()
        }
        (_, Some(b)) => format!("write the JSON literal {b}, without quotes"),
        (_, None) => "write the JSON literal true or false, without quotes".to_owned(),
    };
    let finding = Finding::new(
        &rules::CACHE_SESSION_TYPE,
        format!("`cacheSessionInMobileBrowser` is {written}, not a JSON boolean"),
    )
    .help(help)
    .span(member.value.span)
    .pointer(pointer);
    sink.push(finding);
}
