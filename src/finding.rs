//! Findings: what a check found, where, and how to fix it. Readers and rules
//! produce them; reports only render them.

use std::fmt;

use serde::Serialize;

use crate::check::rules::Rule;
use crate::source::Span;

/// How much a finding matters. `Info` never fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one input.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// The fix, with the corrected literal where there is one.
    pub help: Option<String>,
    /// Where in the document's position text, when it has one.
    pub span: Option<Span>,
    /// JSON Pointer (RFC 6901) into the site list, when the finding is inside it.
    pub pointer: Option<String>,
    /// Path of plist keys, such as `sites`, when the input is a plist.
    pub key_path: Option<String>,
}

impl Finding {
    /// Creates a finding at the rule's default severity.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            help: None,
            span: None,
            pointer: None,
            key_path: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn key_path(mut self, key_path: impl Into<String>) -> Self {
        self.key_path = Some(key_path.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn of(findings: &[Finding]) -> Self {
        let mut tally = Tally::default();
        for finding in findings {
            tally.add(finding.severity);
        }
        tally
    }
}

/// Appends `segment` to a JSON Pointer, escaping `~` and `/` per RFC 6901.
pub fn pointer_push(pointer: &str, segment: &str) -> String {
    let escaped = segment.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}
