use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use confluence_mdm::cli::{self, Cli};
use confluence_mdm::commands::Status;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    let mut streams = confluence_mdm::commands::Streams {
        out: &mut out,
        err: &mut err,
    };
    match cli::run(cli, &mut streams) {
        Ok(status) => status.into(),
        Err(error) => {
            let _ = writeln!(err, "error: {error:#}");
            Status::Failure.into()
        }
    }
}
