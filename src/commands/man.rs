//! `man`: print the manual page in roff, generated from the clap definition,
//! or write the main page and one page per command into a folder.

use std::path::Path;

use anyhow::{Context, bail};

use super::{Status, Streams, ignore_broken_pipe};
use crate::write::output::write_atomic;

/// Prints the main page, or the page of the command `name`.
pub fn run(
    command: clap::Command,
    name: Option<&str>,
    streams: &mut Streams,
) -> anyhow::Result<Status> {
    let command = prepare(command);
    let source = source(&command);
    let page = match name {
        None => command,
        Some(name) => find_subcommand(&command, name)?,
    };
    ignore_broken_pipe(streams.out.write_all(&render(page, &source)?))?;
    Ok(Status::Ok)
}

/// Writes `confluence-mdm.1` and `confluence-mdm-COMMAND.1` for every
/// command into the existing folder `dir`, each atomically, and lists the
/// files written on stderr.
pub fn write_all(
    command: clap::Command,
    dir: &Path,
    streams: &mut Streams,
) -> anyhow::Result<Status> {
    if !dir.is_dir() {
        bail!(
            "cannot write manual pages: the folder `{}` does not exist",
            dir.display()
        );
    }
    let command = prepare(command);
    let source = source(&command);
    let mut pages = vec![command.clone()];
    pages.extend(
        command
            .get_subcommands()
            .filter(|sub| !sub.is_hide_set())
            .cloned(),
    );
    for page in pages {
        let man = clap_mangen::Man::new(page.clone());
        let path = dir.join(man.get_filename());
        write_atomic(&path, &render(page, &source)?)?;
        writeln!(streams.err, "wrote {}", path.display())?;
    }
    Ok(Status::Ok)
}

/// Builds the command once, so that each subcommand carries its page name
/// (`confluence-mdm-generate`) and its usage line starts with the binary.
/// The `help` subcommand gets no page of its own.
fn prepare(command: clap::Command) -> clap::Command {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    command
}

fn find_subcommand(command: &clap::Command, name: &str) -> anyhow::Result<clap::Command> {
    match command.find_subcommand(name) {
        Some(sub) if !sub.is_hide_set() => Ok(sub.clone()),
        _ => {
            let names: Vec<&str> = command
                .get_subcommands()
                .filter(|sub| !sub.is_hide_set())
                .map(|sub| sub.get_name())
                .collect();
            bail!(
                "unknown command `{name}`; the commands are: {}",
                names.join(", ")
            )
        }
    }
}

/// Returns the page footer's source, "confluence-mdm VERSION", which every
/// page shares; clap_mangen would name a command page's source after the
/// command alone.
fn source(command: &clap::Command) -> String {
    format!(
        "{} {}",
        command.get_name(),
        command.get_version().unwrap_or_default()
    )
}

fn render(command: clap::Command, source: &str) -> anyhow::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .source(source)
        .manual("User Commands")
        .render(&mut page)
        .context("cannot render the manual page")?;
    Ok(page)
}
