use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use confluence_mdm::cli::{self, Cli};
use confluence_mdm::commands::Status;

// Reading a large site list allocates one small object per JSON value, and
// mimalloc halves the time that glibc's allocator spends on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
