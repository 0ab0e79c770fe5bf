//! The machine reports (SARIF, GitHub workflow commands, JUnit) and the rule
//! policy, checked on the fixtures.

mod common;

use common::{cmd, fixtures, inputs};
use predicates::prelude::*;

fn every_fixture() -> Vec<std::path::PathBuf> {
    let mut files = inputs("cases");
    files.extend(inputs("mistakes"));
    files
}

fn stdout_of(args: &[&str], files: &[std::path::PathBuf]) -> Vec<u8> {
    let output = cmd()
        .arg("validate")
        .args(args)
        .args(files)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn sarif_matches_official_schema() {
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/sarif-schema-2.1.0.json"
    );
    let schema_text = std::fs::read_to_string(schema_path)
        .unwrap_or_else(|_| panic!("the SARIF 2.1.0 schema is expected at {schema_path}"));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();

    let sarif: serde_json::Value =
        serde_json::from_slice(&stdout_of(&["--format", "sarif"], &every_fixture())).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), confluence_mdm::check::rules::ALL.len());
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "absolute URI {uri}");
    }
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sites.json");
    let list = std::fs::read_to_string(fixtures().join("mistakes/url-problems.json")).unwrap();
    let fingerprints = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&stdout_of(
            &["--format", "sarif"],
            std::slice::from_ref(&file),
        ))
        .unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        let prints: Vec<String> = results
            .iter()
            .map(|r| r["partialFingerprints"]["confluenceMdmFinding/v1"].to_string())
            .collect();
        let lines: Vec<u64> = results
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        (prints, lines)
    };
    let (before, lines_before) = fingerprints(&list);
    let (after, lines_after) = fingerprints(&format!("\n\n\n{list}"));
    assert_eq!(before, after);
    assert_ne!(lines_before, lines_after);
    let unique: std::collections::HashSet<&String> = before.iter().collect();
    assert_eq!(unique.len(), before.len(), "fingerprints collide");
}

#[test]
fn github_annotates_at_most_ten_per_severity() {
    let mut list = String::from("[");
    for i in 0..15 {
        list.push_str(&format!(
            "{{\"title\":\"S{i}\",\"baseURL\":\"https://s{i}.example.com/display/X\"}},"
        ));
        list.push_str(&format!(
            "{{\"title\":\"T{i}\",\"baseURL\":\"https://t{i}.example.com/\"}},"
        ));
    }
    list.push_str("{\"title\":\"Last\",\"baseURL\":\"https://last.example.com\"}]");
    let output = cmd()
        .args([
            "validate",
            "--format",
            "github",
            "--stdin-filename",
            "sites.json",
            "-",
        ])
        .write_stdin(list)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        10
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("sites.json:") && l.contains("error[base-url-page-path]"))
    );
    assert!(text.contains("10 more findings are listed above without annotations"));
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=sites.json,line=1,col="),
        "{first}"
    );
    assert!(first.contains(",title=base-url-page-path::"));
}

#[test]
fn junit_is_well_formed() {
    let xml = stdout_of(&["--format", "junit"], &every_fixture());
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buffer = Vec::new();
    let mut cases = 0;
    let mut failures = 0;
    loop {
        match reader
            .read_event_into(&mut buffer)
            .expect("well-formed XML")
        {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            _ => {}
        }
        buffer.clear();
    }
    assert_eq!(
        cases,
        every_fixture().len() * confluence_mdm::check::rules::ALL.len()
    );
    assert!(failures > 10);
}

#[test]
fn output_option_writes_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    cmd()
        .args(["validate", "--format", "sarif", "-o"])
        .arg(&out)
        .arg(fixtures().join("cases/trailing-comma/appconfig.plist"))
        .assert()
        .code(1)
        .stdout("");
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn deny_warn_allow_change_levels() {
    let file = fixtures().join("mistakes/url-problems.json");
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--deny",
            "title-whitespace",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[title-whitespace]"));
    let ids = [
        "base-url-cloud",
        "oauth-requires-https",
        "base-url-user-info",
        "base-url-whitespace",
        "base-url-invalid",
    ];
    let mut command = cmd();
    command.args(["validate", "--format", "short"]);
    for id in ids {
        command.args(["--warn", id]);
    }
    command
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[base-url-cloud]"));
    cmd()
        .args(["validate", "--format", "short", "--allow", "base-url-cloud"])
        .arg(&file)
        .assert()
        .stderr(predicate::str::contains("base-url-cloud").not());
}

#[test]
fn unknown_rule_is_usage_error() {
    cmd()
        .args(["validate", "--deny", "no-such-rule", "x.json"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown rule `no-such-rule`")
                .and(predicate::str::contains("client-id-format")),
        );
    cmd().args(["explain", "no-such-rule"]).assert().code(2);
}

#[test]
fn config_file_pins_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("confluence-mdm.toml"), "strict = true\n\n[rules]\nbase-url-trailing-slash = \"allow\"\ntitle-whitespace = \"info\"\n").unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        "[{\"title\":\" Wiki \",\"baseURL\":\"https://w.example.com/\"}]",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        "[{\"title\":\"Wiki\",\"baseURL\":\"http://w.example.com\"}]",
    )
    .unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["validate", "--format", "short", "a.json"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("info[title-whitespace]")
                .and(predicate::str::contains("trailing-slash").not()),
        );
    // `strict = true` makes the warning fail.
    cmd()
        .current_dir(dir.path())
        .args(["validate", "b.json"])
        .assert()
        .code(1);
    // A flag wins over the file.
    cmd()
        .current_dir(dir.path())
        .args(["validate", "--allow", "base-url-http", "b.json"])
        .assert()
        .success();

    std::fs::write(dir.path().join("bad.toml"), "[rules]\nnope = \"error\"\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["validate", "--config", "bad.toml", "a.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `nope`"));
    std::fs::write(
        dir.path().join("level.toml"),
        "[rules]\ntitle-whitespace = \"loud\"\n",
    )
    .unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["validate", "--config", "level.toml", "a.json"])
        .assert()
        .code(2);
}

#[test]
fn explain_prints_examples() {
    cmd()
        .args(["explain", "cache-session-type"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Fails:\n    {\"cacheSessionInMobileBrowser\":\"false\"}")
                .and(predicate::str::contains("Passes:")),
        );
}

#[test]
fn color_follows_flag_over_environment() {
    let bin = assert_cmd::cargo::cargo_bin("confluence-mdm");
    let file = fixtures().join("cases/trailing-comma/appconfig.plist");
    let run = |color: &str, no_color: Option<&str>| {
        let mut command = std::process::Command::new(&bin);
        command.args(["--color", color, "validate"]).arg(&file);
        match no_color {
            Some(value) => command.env("NO_COLOR", value),
            None => command.env_remove("NO_COLOR"),
        };
        String::from_utf8(command.output().unwrap().stderr).unwrap()
    };
    assert!(run("always", None).contains("\u{1b}["));
    assert!(
        run("always", Some("1")).contains("\u{1b}["),
        "an explicit --color always wins over NO_COLOR"
    );
    assert!(!run("never", None).contains("\u{1b}["));
    // stderr is a pipe here, so `auto` never colours.
    assert!(!run("auto", None).contains("\u{1b}["));
}
