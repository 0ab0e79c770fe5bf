//! Policy: the level of each rule after `--deny`, `--warn`, `--allow` and the
//! `[rules]` table of `confluence-mdm.toml`, and whether warnings fail.

use std::collections::HashMap;

use super::rules::{self, Rule};
use crate::finding::{Finding, Severity};

/// The level a policy sets for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Report at this severity.
    Report(Severity),
    /// Do not report.
    Allow,
}

impl Level {
    /// Parses `error`, `warning` (or `warn`), `info` or `allow`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "error" | "deny" => Some(Level::Report(Severity::Error)),
            "warning" | "warn" => Some(Level::Report(Severity::Warning)),
            "info" => Some(Level::Report(Severity::Info)),
            "allow" | "off" => Some(Level::Allow),
            _ => None,
        }
    }
}

/// Rule levels that differ from the defaults, and `--strict`.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    levels: HashMap<&'static str, Level>,
    pub strict: bool,
}

/// An unknown rule id, with the list of valid ones for the message.
#[derive(Debug)]
pub struct UnknownRule(pub String);

impl std::fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
        write!(
            f,
            "unknown rule `{}`; the rules are: {}",
            self.0,
            ids.join(", ")
        )
    }
}

impl std::error::Error for UnknownRule {}

impl Policy {
    /// Sets the level of the rule `id`. A later call for the same rule wins.
    pub fn set(&mut self, id: &str, level: Level) -> Result<(), UnknownRule> {
        let rule = rules::find(id).ok_or_else(|| UnknownRule(id.to_owned()))?;
        self.levels.insert(rule.id, level);
        Ok(())
    }

    /// Returns the level of `rule` under this policy.
    pub fn level(&self, rule: &Rule) -> Level {
        self.levels
            .get(rule.id)
            .copied()
            .unwrap_or(Level::Report(rule.severity))
    }

    /// Applies the levels: drops allowed findings and sets severities.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|f| self.apply_one(f))
            .collect()
    }

    /// Applies the level of one finding's rule: `None` when it is allowed.
    pub fn apply_one(&self, mut finding: Finding) -> Option<Finding> {
        match self.levels.get(finding.rule.id) {
            None => Some(finding),
            Some(Level::Allow) => None,
            Some(Level::Report(severity)) => {
                finding.severity = *severity;
                Some(finding)
            }
        }
    }

    /// Says whether a finding fails the run: an error, or a warning under
    /// `--strict`. Info never does.
    pub fn fails(&self, finding: &Finding) -> bool {
        finding.severity == Severity::Error
            || (self.strict && finding.severity == Severity::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rule_lists_valid_ids() {
        let mut policy = Policy::default();
        let error = policy.set("no-such-rule", Level::Allow).unwrap_err();
        assert!(error.to_string().contains("client-id-format"));
    }

    #[test]
    fn apply_changes_and_drops() {
        let mut policy = Policy::default();
        policy
            .set("client-id-format", Level::Report(Severity::Error))
            .unwrap();
        policy.set("title-duplicate", Level::Allow).unwrap();
        let findings = vec![
            Finding::new(&rules::CLIENT_ID_FORMAT, "a"),
            Finding::new(&rules::TITLE_DUPLICATE, "b"),
        ];
        let applied = policy.apply(findings);
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].severity, Severity::Error);
    }
}
