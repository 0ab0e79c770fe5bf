//! The command line itself: `--version`, `--help`, shell completions and the
//! manual pages, all generated from the clap definition.

mod common;

use std::process::Command as Process;

use clap::CommandFactory;
use common::cmd;
use confluence_mdm::cli::Cli;

/// Returns the names of the visible subcommands, `help` excluded.
fn subcommand_names() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name().to_owned())
        .collect()
}

fn stdout_of(args: &[&str]) -> String {
    let output = cmd().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Returns the short hash that build.rs should have found, or "unknown"
/// when the package folder is not the top of a git work tree.
fn expected_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Process::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8(output.stdout).unwrap().trim().to_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"]);
    let is_top = top.is_some_and(|top| {
        std::fs::canonicalize(top).unwrap() == std::fs::canonicalize(dir).unwrap()
    });
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) if is_top => commit,
        _ => "unknown".to_owned(),
    }
}

#[test]
fn version_names_commit() {
    let expected = format!(
        "confluence-mdm {} (commit {})\n",
        env!("CARGO_PKG_VERSION"),
        expected_commit()
    );
    assert_eq!(stdout_of(&["--version"]), expected);
    // A subcommand's `--version` names the subcommand, as clap does.
    assert_eq!(
        stdout_of(&["validate", "--version"]),
        expected.replacen("confluence-mdm", "confluence-mdm-validate", 1)
    );
}

#[test]
fn completions_for_each_shell() {
    let names = subcommand_names();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(!script.is_empty(), "{shell} script is empty");
        for name in &names {
            assert!(
                script.contains(name.as_str()),
                "{shell} script lacks `{name}`"
            );
        }
        // fish writes a long option as `-l NAME`, so only the name is checked.
        for option in [
            "max-input-size",
            "stdin-filename",
            "cache-session-in-mobile-browser",
        ] {
            assert!(script.contains(option), "{shell} script lacks `{option}`");
        }
    }
}

#[test]
fn bash_completion_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("confluence-mdm.bash");
    std::fs::write(&path, stdout_of(&["completions", "bash"])).unwrap();
    let output = Process::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn completions_reject_unknown_shell() {
    cmd().args(["completions", "tcsh"]).assert().code(2);
}

/// Checks the outline that `man -l` needs: a `.TH` title before the first
/// section, and the NAME and SYNOPSIS sections.
fn assert_roff_page(page: &str, title: &str) {
    let first_macro = page
        .lines()
        .find(|line| line.starts_with(".TH") || line.starts_with(".SH"))
        .unwrap_or_default();
    assert!(
        first_macro.starts_with(&format!(".TH {title} 1 ")),
        "the first title or section line is {first_macro:?}"
    );
    assert!(page.contains("\n.SH NAME\n"), "{title} has no NAME section");
    assert!(
        page.contains("\n.SH SYNOPSIS\n"),
        "{title} has no SYNOPSIS section"
    );
    assert!(
        page.lines()
            .filter(|line| line.starts_with('.'))
            .all(|line| line.len() > 1),
        "{title} has an empty request line"
    );
    let version = format!("confluence-mdm {}", env!("CARGO_PKG_VERSION"));
    assert!(first_macro.contains(&version), "{title} lacks the version");
}

#[test]
fn man_page_lists_subcommands() {
    let page = stdout_of(&["man"]);
    assert_roff_page(&page, "confluence-mdm");
    assert!(page.contains("\n.SH SUBCOMMANDS\n"));
    for name in subcommand_names() {
        // roff writes a hyphen as `\-`.
        let reference = format!("confluence\\-mdm\\-{name}(1)");
        assert!(page.contains(&reference), "main page lacks {reference}");
    }
    assert!(
        page.contains("Exit status"),
        "main page lacks the exit status"
    );
}

#[test]
fn man_page_per_subcommand() {
    for name in subcommand_names() {
        let page = stdout_of(&["man", &name]);
        assert_roff_page(&page, &format!("confluence-mdm-{name}"));
    }
    let validate = stdout_of(&["man", "validate"]);
    assert!(validate.contains("\\-\\-format"));
    assert!(validate.contains("sarif"));
}

#[test]
fn man_rejects_unknown_command() {
    cmd()
        .args(["man", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the commands are: generate, validate",
        ));
}

#[test]
fn man_out_dir_writes_every_page() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut expected: Vec<String> = subcommand_names()
        .iter()
        .map(|name| format!("confluence-mdm-{name}.1"))
        .collect();
    expected.push("confluence-mdm.1".to_owned());
    expected.sort();
    assert_eq!(written, expected);
    let main_page = std::fs::read_to_string(dir.path().join("confluence-mdm.1")).unwrap();
    assert_eq!(main_page, stdout_of(&["man"]));
}

#[test]
fn man_out_dir_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["man", "--out-dir"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
}

#[test]
fn every_argument_has_help() {
    let mut command = Cli::command();
    command.build();
    let mut commands = vec![command.clone()];
    commands.extend(command.get_subcommands().cloned());
    for command in commands {
        for arg in command.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "`{} {}` has no help text",
                command.get_name(),
                arg.get_id()
            );
        }
    }
}

#[test]
fn every_subcommand_has_example() {
    for name in subcommand_names() {
        let help = stdout_of(&[&name, "--help"]);
        assert!(help.contains("Example"), "`{name} --help` has no example");
        assert!(
            help.contains(&format!("confluence-mdm {name}")),
            "the example of `{name}` does not run `{name}`"
        );
    }
}

#[test]
fn help_shows_defaults_and_units() {
    let help = stdout_of(&["validate", "--help"]);
    for expected in [
        "[default: 64MiB]",
        "[default: human]",
        "[default: auto]",
        "KiB, MiB or GiB",
    ] {
        assert!(
            help.contains(expected),
            "`validate --help` lacks {expected}"
        );
    }
    for heading in ["Input:", "Report:", "Display:", "Policy:"] {
        assert!(
            help.contains(heading),
            "`validate --help` lacks the {heading} heading"
        );
    }
    let generate = stdout_of(&["generate", "--help"]);
    for heading in ["Input:", "One site from flags:", "Output:", "Policy:"] {
        assert!(
            generate.contains(heading),
            "`generate --help` lacks the {heading} heading"
        );
    }
}

#[test]
fn max_input_size_takes_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.json");
    std::fs::write(&path, "x".repeat(2048)).unwrap();
    cmd()
        .args(["validate", "--max-input-size", "1KiB"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("over the limit of 1024 bytes"));
    cmd()
        .args(["validate", "--max-input-size", "1MB"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a size"));
}
