//! `explain`: print what one rule checks, why, and a failing and a passing
//! example.

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::policy::UnknownRule;
use crate::check::rules;

pub fn run(id: &str, streams: &mut Streams) -> anyhow::Result<Status> {
    let rule = rules::find(id).ok_or_else(|| UnknownRule(id.to_owned()))?;
    let text = format!(
        "{} ({} by default)\n{}\n\n{}\n\nFails:\n{}\n\nPasses:\n{}\n",
        rule.id,
        rule.severity,
        rule.summary,
        rule.explanation,
        indent(rule.failing),
        indent(rule.passing),
    );
    ignore_broken_pipe(streams.out.write_all(text.as_bytes()))?;
    Ok(Status::Ok)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
