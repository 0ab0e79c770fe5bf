//! Checks over a document: the reader's own findings, the JSON Schema stage,
//! then the semantic rules, merged into one sorted list.

pub mod keys;
pub mod list;
pub mod mdm;
pub mod policy;
pub mod rules;
pub mod schema;
pub mod site;
pub mod suggest;
pub mod tokens;
pub mod url;

use foldhash::HashSet;

use crate::app::{App, Mdm};
use crate::document::{Document, InputKind, Node, Value};
use crate::finding::{Finding, Severity, Tally};
use policy::Policy;

/// Facts about the input that the rules need besides the tree.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub kind: InputKind,
    pub app: App,
    pub mdm: Option<Mdm>,
}

/// Settings of a check run besides the document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub policy: Policy,
    pub app: App,
    /// The MDM the config goes to, when known.
    pub mdm: Option<Mdm>,
}

/// Most findings reported for one file. Past it, checking stops, so that a
/// list with one mistake repeated on every site stays fast and small.
pub const MAX_FINDINGS: usize = 10_000;

/// Collects findings at the levels the policy sets, up to `MAX_FINDINGS`,
/// and counts the ones past it so that a dropped error still fails the run.
#[derive(Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub dropped: Tally,
    pub policy: Policy,
    /// Where rules reported errors, before the policy and the cap, so that
    /// the schema stage does not repeat them.
    covered: Covered,
}

impl Sink {
    pub fn push(&mut self, finding: Finding) {
        self.covered.add(&finding);
        let Some(finding) = self.policy.apply_one(finding) else {
            return;
        };
        if self.is_full() {
            self.dropped.add(finding.severity);
        } else {
            self.findings.push(finding);
        }
    }

    pub fn is_full(&self) -> bool {
        self.findings.len() >= MAX_FINDINGS
    }
}

/// Runs every check on `doc` and returns all findings, sorted by position.
pub fn check(doc: &Document, options: &Options) -> Vec<Finding> {
    let ctx = Context {
        kind: doc.kind,
        app: options.app,
        mdm: options.mdm,
    };
    let mut sink = Sink {
        policy: options.policy.clone(),
        ..Sink::default()
    };
    for finding in &doc.findings {
        sink.push(finding.clone());
    }
    mdm::check_document(doc, ctx, &mut sink);
    keys::check_other_keys(&doc.other_keys, &mut sink);
    if let Some(sites) = &doc.sites {
        check_sites(sites, ctx, &mut sink);
        // Past the cap with an error already found, the schema stage can
        // change neither the exit status nor what is shown, so skip its cost.
        let has_error =
            sink.dropped.errors > 0 || sink.findings.iter().any(|f| f.severity == Severity::Error);
        let schema_findings = if sink.is_full() && has_error {
            Vec::new()
        } else {
            schema::check(sites)
        };
        for finding in schema_findings {
            if !sink.covered.covers(&finding) {
                sink.push(finding);
            }
        }
    }
    let dropped = sink.dropped;
    if dropped.errors + dropped.warnings + dropped.infos > 0 {
        // The notice is an error when an error was dropped, so that the
        // exit status stays true.
        let severity = if dropped.errors > 0 {
            Severity::Error
        } else {
            Severity::Info
        };
        let finding = Finding::new(
            &rules::FINDING_LIMIT,
            format!(
                "{} more errors, {} more warnings and {} more info findings are not shown; only the first {MAX_FINDINGS} are",
                dropped.errors, dropped.warnings, dropped.infos
            ),
        )
        .help("fix the mistake that repeats, then run again")
        .severity(severity);
        sink.findings.push(finding);
    }

    if doc.kind.is_plist() {
        for finding in &mut sink.findings {
            if finding.key_path.is_none() && finding.pointer.is_some() {
                finding.key_path = Some(crate::read::plist::SITES_KEY.to_owned());
            }
        }
    }
    let mut findings = sink.findings;
    sort(&mut findings);
    findings
}

/// Runs the semantic rules on the site list.
pub fn check_sites(sites: &Node, ctx: Context, sink: &mut Sink) {
    site::check_duplicate_members(sites, sink);
    let items = match &sites.value {
        Value::Array(items) => items,
        Value::String(inner) if inner.trim_start().starts_with('[') => {
            let finding = Finding::new(
                &rules::SITES_NOT_ARRAY,
                "the site list is a JSON string that contains JSON: it was encoded twice",
            )
            .help("remove the outer quotes and the backslash before each inner quote")
            .span(sites.span)
            .pointer("");
            sink.push(finding);
            return;
        }
        Value::Object(_) if sites.get("sites").is_some() => {
            let finding = Finding::new(
                &rules::SITES_NOT_ARRAY,
                "this is an object with a `sites` member, not the site list itself",
            )
            .help("give the value of `sites`: the array of sites, starting with `[`")
            .span(sites.span)
            .pointer("");
            sink.push(finding);
            return;
        }
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

/// The JSON Pointers at which rules reported errors (at their default
/// level), and every ancestor of them, so that deciding whether a schema
/// finding is covered costs a few hash look-ups.
#[derive(Default)]
struct Covered {
    exact: HashSet<String>,
    ancestors: HashSet<String>,
}

impl Covered {
    fn add(&mut self, finding: &Finding) {
        if finding.rule.severity != Severity::Error || std::ptr::eq(finding.rule, &rules::SCHEMA) {
            return;
        }
        let Some(pointer) = &finding.pointer else {
            return;
        };
        let mut prefix = pointer.as_str();
        while let Some(cut) = prefix.rfind('/') {
            prefix = &prefix[..cut];
            if !self.ancestors.insert(prefix.to_owned()) {
                break;
            }
        }
        self.exact.insert(pointer.clone());
    }

    /// Says whether a rule already reported an error at the finding's place,
    /// above it, or inside it.
    fn covers(&self, schema_finding: &Finding) -> bool {
        let Some(pointer) = &schema_finding.pointer else {
            return false;
        };
        if self.exact.contains(pointer) || self.ancestors.contains(pointer) {
            return true;
        }
        let mut prefix = pointer.as_str();
        while let Some(cut) = prefix.rfind('/') {
            prefix = &prefix[..cut];
            if self.exact.contains(prefix) {
                return true;
            }
        }
        false
    }
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
