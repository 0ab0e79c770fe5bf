//! Helpers shared by the integration tests, which run the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Returns the binary with colour off, so that outputs compare as text.
pub fn cmd() -> Command {
    let mut cmd = Command::cargo_bin("confluence-mdm").expect("the binary builds");
    cmd.arg("--color").arg("never").env_remove("NO_COLOR");
    cmd
}

/// Runs `generate` on `args` and returns stdout, asserting success.
pub fn generate(args: &[&str]) -> Vec<u8> {
    let output = cmd().arg("generate").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "generate {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Returns every input file under `fixtures/<folder>`, without the
/// `.expected` files beside them.
pub fn inputs(folder: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![fixtures().join(folder)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "expected") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
