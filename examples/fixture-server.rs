//! Runs the mock Confluence Data Center that the `probe` tests use, for the
//! README's probe demo and for manual testing.
//!
//! ```text
//! cargo run --example fixture-server -- [--http-port N] [--https-port N] [--ca-out FILE] [--for SECONDS]
//! ```
//!
//! It writes the CA certificate to `--ca-out` (default
//! `target/fixture-ca.pem`), prints the URL of every scenario, and exits by
//! itself after `--for` seconds (default 600).

#[path = "../tests/support/fixture_server.rs"]
mod fixture_server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use fixture_server::{FixtureServer, SCENARIOS};

const USAGE: &str =
    "usage: fixture-server [--http-port N] [--https-port N] [--ca-out FILE] [--for SECONDS]

  --http-port N    port of the plain HTTP listener on 127.0.0.1 [default: any free port]
  --https-port N   port of the HTTPS listener on 127.0.0.1 [default: any free port]
  --ca-out FILE    where to write the CA certificate in PEM [default: target/fixture-ca.pem]
  --for SECONDS    how long to serve before exiting [default: 600]";

struct Options {
    http_port: u16,
    https_port: u16,
    ca_out: PathBuf,
    lifetime: Duration,
}

/// Parses the command line. `Ok(None)` means `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        http_port: 0,
        https_port: 0,
        ca_out: PathBuf::from("target/fixture-ca.pem"),
        lifetime: Duration::from_secs(600),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--http-port" | "--https-port" => {
                let value = args.next().ok_or(format!("{arg} requires a port number"))?;
                let port = value.parse().map_err(|_| {
                    format!("invalid {arg} value {value:?}: expected a port number")
                })?;
                if arg == "--http-port" {
                    options.http_port = port;
                } else {
                    options.https_port = port;
                }
            }
            "--ca-out" => {
                let path = args.next().ok_or("--ca-out requires a file path")?;
                options.ca_out = PathBuf::from(path);
            }
            "--for" => {
                let value = args.next().ok_or("--for requires a number of seconds")?;
                let seconds = value.parse().map_err(|_| {
                    format!("invalid --for value {value:?}: expected whole seconds, such as 600")
                })?;
                options.lifetime = Duration::from_secs(seconds);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fixture-server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let server = FixtureServer::start_on(options.http_port, options.https_port);
    let ca_out = &options.ca_out;
    let written = match ca_out
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        Some(parent) => std::fs::create_dir_all(parent).and_then(|()| server.write_ca(ca_out)),
        None => server.write_ca(ca_out),
    };
    if let Err(error) = written {
        eprintln!(
            "fixture-server: failed to write the CA certificate to {}: {error}",
            ca_out.display()
        );
        return ExitCode::FAILURE;
    }

    let rows: Vec<_> = SCENARIOS
        .iter()
        .map(|(name, description)| (server.http_url(name), server.https_url(name), description))
        .collect();
    let http_width = rows.iter().map(|row| row.0.len()).max().unwrap_or(0);
    let https_width = rows.iter().map(|row| row.1.len()).max().unwrap_or(0);
    for (http, https, description) in &rows {
        println!("{http:<http_width$}  {https:<https_width$}  {description}");
    }
    println!();
    let addresses = [
        (
            "expired certificate",
            format!("https://{}/ready", server.https_expired),
        ),
        (
            "wrong-name certificate",
            format!("https://{}/ready", server.https_wrong_name),
        ),
        ("refused port", format!("http://{}/ready", server.closed)),
        ("proxy", format!("http://{}", server.proxy)),
        ("CA certificate", ca_out.display().to_string()),
    ];
    for (label, value) in addresses {
        println!("{:<24}{value}", format!("{label}:"));
    }
    println!(
        "Serving for {} s; press Ctrl-C to stop sooner.",
        options.lifetime.as_secs()
    );
    std::thread::sleep(options.lifetime);
    ExitCode::SUCCESS
}
