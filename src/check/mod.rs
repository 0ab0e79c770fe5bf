//! Checks over a document: the reader's own findings, the JSON Schema stage,
//! then the semantic rules, merged into one sorted list.

pub mod keys;
pub mod list;
pub mod rules;
pub mod schema;
pub mod site;
pub mod suggest;
pub mod url;

use crate::document::{Document, InputKind, Node, Value};
use crate::finding::{Finding, Severity};

/// What the rules need to know about the input besides the tree.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub kind: InputKind,
}

/// Collects findings with their JSON Pointer.
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

/// Runs every check on `doc` and returns all findings, sorted by position.
pub fn check(doc: &Document) -> Vec<Finding> {
    let mut findings = doc.findings.clone();
    let ctx = Context { kind: doc.kind };

    let mut sink = Sink {
        findings: Vec::new(),
    };
    keys::check_other_keys(&doc.other_keys, &mut sink);
    if let Some(sites) = &doc.sites {
        check_sites(sites, ctx, &mut sink);
        let schema_findings = schema::check(sites);
        let kept = schema_findings
            .into_iter()
            .filter(|s| !covered_by_rules(s, &sink.findings))
            .collect::<Vec<_>>();
        sink.findings.extend(kept);
    }

    if doc.kind.is_plist() {
        for finding in &mut sink.findings {
            if finding.key_path.is_none() && finding.pointer.is_some() {
                finding.key_path = Some(crate::read::plist::SITES_KEY.to_owned());
            }
        }
    }
    findings.extend(sink.findings);
    sort(&mut findings);
    findings
}

/// Runs the semantic rules on the site list.
pub fn check_sites(sites: &Node, ctx: Context, sink: &mut Sink) {
    site::check_duplicate_members(sites, "", sink);
    let items = match &sites.value {
        Value::Array(items) => items,
        Value::Object(_) => {
            let finding = Finding::new(
                &rules::SITES_NOT_ARRAY,
                "the site list is a single object, not an array",
            )
            .help("wrap it in `[ ]`: the app reads an array of sites, even for one site")
            .span(sites.span)
            .pointer("");
            sink.push(finding);
            return;
        }
        _ => {
            let finding = Finding::new(
                &rules::SITES_NOT_ARRAY,
                format!(
                    "the site list is {}, not an array of sites",
                    sites.type_name()
                ),
            )
            .help("write `[{\"title\": ..., \"baseURL\": ...}]`")
            .span(sites.span)
            .pointer("");
            sink.push(finding);
            return;
        }
    };
    if items.is_empty() {
        let finding = Finding::new(&rules::SITES_EMPTY, "the site list is empty")
            .help("add at least one site, or remove the `sites` key")
            .span(sites.span)
            .pointer("");
        sink.push(finding);
        return;
    }
    let mut seen = list::Seen::default();
    for (index, item) in items.iter().enumerate() {
        site::check_site(item, index, ctx, sink);
        seen.add(item, index, sink);
    }
}

/// Says whether a schema finding repeats what a rule already reported as an
/// error at the same place or inside it.
fn covered_by_rules(schema_finding: &Finding, rule_findings: &[Finding]) -> bool {
    let Some(pointer) = &schema_finding.pointer else {
        return false;
    };
    rule_findings.iter().any(|f| {
        f.severity == Severity::Error
            && f.pointer
                .as_deref()
                .is_some_and(|p| is_within(p, pointer) || is_within(pointer, p))
    })
}

/// Says whether JSON Pointer `inner` is `outer` or below it.
fn is_within(inner: &str, outer: &str) -> bool {
    inner == outer || inner.starts_with(outer) && inner[outer.len()..].starts_with('/')
}

/// Sorts findings by position, then by severity, most severe first.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let at = |f: &Finding| f.span.map(|s| s.start).unwrap_or(usize::MAX);
        at(a)
            .cmp(&at(b))
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.id.cmp(b.rule.id))
    });
}
