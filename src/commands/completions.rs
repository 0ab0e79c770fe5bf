//! `completions`: print a shell completion script generated from the clap
//! definition, so that it lists the same commands and options as `--help`.

use clap_complete::Shell;

use super::{Status, Streams, ignore_broken_pipe};

pub fn run(
    shell: Shell,
    mut command: clap::Command,
    streams: &mut Streams,
) -> anyhow::Result<Status> {
    let name = command.get_name().to_owned();
    // clap_complete writes straight to the stream and panics on a write
    // error, so the script is built in memory first.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    ignore_broken_pipe(streams.out.write_all(&script))?;
    Ok(Status::Ok)
}
