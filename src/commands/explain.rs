//! `explain`: print what one rule checks, why, and a failing and a passing
//! example. For one of `probe`'s checks, print what it requests and what
//! its results mean.

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::policy::UnknownRule;
use crate::check::rules;
use crate::probe::Check;

pub fn run(id: &str, streams: &mut Streams) -> anyhow::Result<Status> {
    let Some(rule) = rules::find(id) else {
        let Some(check) = Check::from_id(id) else {
            let checks: Vec<&str> = Check::ALL.iter().map(|c| c.id()).collect();
            let closest = rules::ALL
                .iter()
                .map(|r| r.id)
                .chain(checks.iter().copied())
                .map(|known| (strsim::jaro_winkler(id, known), known))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let hint = match closest {
                Some((_, known)) => format!("; did you mean `{known}`?"),
                None => String::new(),
            };
            anyhow::bail!(
                "{}; probe's checks are: {}{hint}",
                UnknownRule(id.to_owned()),
                checks.join(", ")
            );
        };
        let (summary, explanation) = check.explanation();
        let text = format!("{id} (a check of `probe`)\n{summary}\n\n{explanation}\n");
        ignore_broken_pipe(streams.out.write_all(text.as_bytes()))?;
        return Ok(Status::Ok);
    };
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
