//! Records the commit the binary is built from, for `--version`.
//!
//! It runs `git rev-parse --short HEAD` in the package folder and uses
//! "unknown" when git is missing or the package is not the top of a git work
//! tree (a tarball, or a crate unpacked inside another repository).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let commit = git_commit(&manifest_dir).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo::rustc-env=CONFLUENCE_MDM_GIT_COMMIT={commit}");
}

/// Returns the short commit hash of HEAD, and tells Cargo to run this script
/// again when HEAD moves.
fn git_commit(manifest_dir: &Path) -> Option<String> {
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    let same_folder = Path::new(&top).canonicalize().ok()? == manifest_dir.canonicalize().ok()?;
    if !same_folder {
        return None;
    }
    let commit = git(manifest_dir, &["rev-parse", "--short", "HEAD"])?;

    // HEAD names the branch, and a commit changes the branch's ref file (or
    // packed-refs). In a linked work tree `.git` is a file, so ask git for the
    // paths instead of joining `.git/HEAD`. Cargo reruns a script on every
    // build when a listed file is missing, so only existing files are listed.
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    if let Some(branch) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(manifest_dir, &["rev-parse", "--git-path", &name]) {
            let path = manifest_dir.join(path);
            if path.exists() {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
    }
    Some(commit)
}

/// Runs git in `dir` and returns its trimmed stdout, or `None` when git is
/// missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
