//! `rules`: list every rule with its default severity and summary.

use super::{Status, Streams, ignore_broken_pipe};
use crate::check::rules::ALL;

pub fn run(streams: &mut Streams) -> anyhow::Result<Status> {
    let width = ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in ALL {
        text.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            rule.id,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    ignore_broken_pipe(streams.out.write_all(text.as_bytes()))?;
    Ok(Status::Ok)
}
