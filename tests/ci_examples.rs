//! The CI configurations under `examples/ci/`: each parses, holds the steps
//! docs/ci.md describes, and runs `confluence-mdm` with arguments that the
//! real command line accepts. The shell script also runs on a real git
//! repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use confluence_mdm::cli::Cli;
use serde_norway::Value;

fn ci_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci")
}

fn read_yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(ci_dir().join(name)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name} is not valid YAML: {e}"))
}

/// Returns the GitHub Actions steps of the job `validate`.
fn steps(workflow: &Value) -> &Vec<Value> {
    workflow["jobs"]["validate"]["steps"]
        .as_sequence()
        .expect("jobs.validate.steps is a list")
}

/// Returns the step whose `run` contains `text`.
fn run_step<'a>(steps: &'a [Value], text: &str) -> &'a Value {
    steps
        .iter()
        .find(|step| step["run"].as_str().is_some_and(|run| run.contains(text)))
        .unwrap_or_else(|| panic!("no step runs `{text}`"))
}

/// Checks that every `confluence-mdm` command in `text` parses with the
/// binary's own clap definition, so an example cannot use a removed flag.
fn assert_commands_parse(name: &str, text: &str) {
    let mut found = 0;
    for line in text.lines() {
        let Some(start) = line.find("confluence-mdm validate") else {
            continue;
        };
        let words: Vec<String> = line[start..]
            .split_whitespace()
            .map(|word| word.trim_matches('"').to_owned())
            .collect();
        if let Err(error) = Cli::try_parse_from(&words) {
            panic!("{name}: `{}` does not parse: {error}", words.join(" "));
        }
        found += 1;
    }
    assert!(found > 0, "{name} runs no `confluence-mdm validate`");
}

#[test]
fn github_sarif_uploads_report() {
    let workflow = read_yaml("github-sarif.yml");
    assert_eq!(
        workflow["permissions"]["security-events"].as_str(),
        Some("write")
    );
    let steps = steps(&workflow);
    run_step(steps, "--format sarif -o results.sarif");
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step uses github/codeql-action/upload-sarif");
    assert_eq!(upload["with"]["sarif_file"].as_str(), Some("results.sarif"));
    let condition = upload["if"].as_str().unwrap_or_default();
    assert!(
        condition.contains("failure()"),
        "the upload is skipped when validate fails: if = {condition:?}"
    );
}

#[test]
fn github_annotations_format() {
    let workflow = read_yaml("github-annotations.yml");
    run_step(steps(&workflow), "--format github");
}

#[test]
fn gitlab_reports_junit() {
    let pipeline = read_yaml("gitlab-ci.yml");
    let job = &pipeline["confluence-mdm"];
    let script: Vec<&str> = job["script"]
        .as_sequence()
        .expect("the job has a script")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        script
            .iter()
            .any(|line| line.contains("--format junit -o report.xml")),
        "the script does not write report.xml"
    );
    assert_eq!(
        job["artifacts"]["reports"]["junit"].as_str(),
        Some("report.xml")
    );
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
}

#[test]
fn commands_parse() {
    for name in [
        "github-sarif.yml",
        "github-annotations.yml",
        "gitlab-ci.yml",
        "validate-changed.sh",
    ] {
        let text = std::fs::read_to_string(ci_dir().join(name)).unwrap();
        assert_commands_parse(name, &text);
    }
}

#[test]
fn shell_script_syntax() {
    let output = Command::new("bash")
        .arg("-n")
        .arg(ci_dir().join("validate-changed.sh"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .unwrap()
        .status;
    assert!(status.success(), "git {args:?} failed");
}

/// Runs validate-changed.sh in `repo` against the branch `main`, with the
/// built binary first on the PATH.
fn run_script(repo: &Path) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("confluence-mdm");
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg(ci_dir().join("validate-changed.sh"))
        .arg("main")
        .current_dir(repo)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn shell_script_checks_changed_files() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("notes.txt"), "not a config\n").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "base"]);
    git(dir, &["checkout", "-q", "-b", "change"]);

    std::fs::write(
        dir.join("good sites.json"),
        r#"[{"title":"Wiki","baseURL":"https://confluence.example.com"}]"#,
    )
    .unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "good"]);
    let output = run_script(dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 changed config(s) checked"), "{stderr}");

    std::fs::write(
        dir.join("bad.json"),
        r#"[{"title":"Wiki","baseURL":"https://confluence.example.com",}]"#,
    )
    .unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "bad"]);
    let output = run_script(dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(stderr.contains("json-trailing-comma"), "{stderr}");
    assert!(stderr.contains("2 changed config(s) checked"), "{stderr}");
}
