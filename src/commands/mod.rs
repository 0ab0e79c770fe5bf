//! The subcommands. Each takes validated options and the output streams,
//! and returns the exit status; none reads the process's arguments.

pub mod completions;
pub mod diff;
pub mod explain;
pub mod generate;
pub mod man;
pub mod probe;
pub mod rules;
pub mod schema;
pub mod split;
pub mod validate;

use std::io::{self, Write};
use std::process::ExitCode;

/// The exit status of a run, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No error (warnings and info findings allowed, unless `--strict`).
    Ok = 0,
    /// An input contains an error, or a warning under `--strict`.
    Findings = 1,
    /// An input could not be read, an output could not be written, or the
    /// command line was invalid.
    Failure = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

/// Output streams of a command: data goes to `out`, diagnostics to `err`.
pub struct Streams<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// Turns a closed pipe into success: `confluence-mdm ... | head` is no error.
pub fn ignore_broken_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
