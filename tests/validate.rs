//! `validate` on the fixtures: every case file's findings are pinned in the
//! `.expected` file beside it, and the exit status follows from them.

mod common;

use std::io::Write;

use common::{cmd, fixtures, inputs};
use predicates::prelude::*;

/// Runs `validate` in the file's folder, so that the reported name is the
/// bare file name, and compares stderr with the snapshot beside the file:
/// `NAME.expected` for `--format short`, `NAME.human.expected` for the
/// default format. Set `UPDATE_EXPECTED=1` to rewrite the snapshots.
fn check_expected(folder: &str) {
    let files = inputs(folder);
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        for (format, suffix) in [("short", "expected"), ("human", "human.expected")] {
            let output = cmd()
                .current_dir(file.parent().unwrap())
                .args(["validate", "--format", format, name])
                .output()
                .unwrap();
            let stderr = String::from_utf8(output.stderr).unwrap();
            let expected_path = file.with_file_name(format!("{name}.{suffix}"));
            if std::env::var_os("UPDATE_EXPECTED").is_some() {
                std::fs::write(&expected_path, &stderr).unwrap();
            }
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("{} is missing", expected_path.display()));
            assert_eq!(stderr, expected, "{format} findings of {}", file.display());
            let has_error = expected
                .lines()
                .any(|l| l.contains(": error[") || l.starts_with("error["));
            assert_eq!(
                output.status.code(),
                Some(if has_error { 1 } else { 0 }),
                "exit status of {}",
                file.display()
            );
            assert!(!stderr.contains("panicked"));
        }
    }
}

#[test]
fn cases_match_expected_findings() {
    check_expected("cases");
}

#[test]
fn mistakes_match_expected_findings() {
    check_expected("mistakes");
}

#[test]
fn valid_crlf_control_is_clean() {
    let file = fixtures().join("cases/valid-crlf-control/appconfig-crlf.plist");
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture lost its CRLF line endings"
    );
    cmd()
        .arg("validate")
        .arg(&file)
        .assert()
        .success()
        .stderr("1 file checked: 0 errors, 0 warnings, 0 infos\n");
}

#[test]
fn trailing_comma_positions_in_plist() {
    let file = fixtures().join("cases/trailing-comma/appconfig.plist");
    cmd()
        .args(["validate", "--format", "short"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("appconfig.plist:4:168: error[json-trailing-comma]").and(
                predicate::str::contains("appconfig.plist:5:62: error[json-trailing-comma]"),
            ),
        );
}

#[test]
fn entities_counted_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("amp.plist");
    let text = "<dict>\r\n<key>sites</key>\r\n<string>[{\"title\":\"R&amp;D &#x2013; x\",\"baseURL\":\"https://w.example.com\",\"baseURL\":\"x\"}]</string>\r\n</dict>\r\n";
    std::fs::write(&file, text).unwrap();
    // The second `baseURL` starts at column 76 of line 3 as written.
    let line = text.lines().nth(2).unwrap();
    let column = line.rfind("\"baseURL\"").unwrap() + 1;
    cmd()
        .args(["validate", "--format", "short"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "amp.plist:3:{column}: error[duplicate-key]"
        )));
}

#[test]
fn json_report_has_positions_and_pointers() {
    let file = fixtures().join("cases/boolean-as-string/sites-string-bool.json");
    let output = cmd()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["files"][0]["findings"][0];
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"][0]["kind"], "json");
    assert_eq!(finding["rule"], "cache-session-type");
    assert_eq!(finding["start"]["line"], 7);
    assert_eq!(finding["start"]["column"], 38);
    assert_eq!(finding["pointer"], "/0/oauth/cacheSessionInMobileBrowser");
}

#[test]
fn binary_plist_points_into_sites_string() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.plist");
    let mut dict = plist::Dictionary::new();
    dict.insert(
        "sites".into(),
        plist::Value::String(
            "[{\"title\":\"Wiki\",\"baseURL\":\"https://w.example.com/\"}]".into(),
        ),
    );
    plist::Value::Dictionary(dict)
        .to_file_binary(&file)
        .unwrap();
    cmd()
        .args(["validate", "--format", "short"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "config.plist[sites]:1:28: warning[base-url-trailing-slash]",
        ));
}

#[test]
fn stdin_is_read_with_dash() {
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin("[{\"title\":\"Wiki\",\"baseURL\":\"http://w.example.com\"}]")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "<stdin>:1:28: warning[base-url-http]",
        ));
}

#[test]
fn strict_fails_on_warnings() {
    let input = "[{\"title\":\"Wiki\",\"baseURL\":\"https://w.example.com/\"}]";
    cmd()
        .args(["validate", "-"])
        .write_stdin(input)
        .assert()
        .success();
    cmd()
        .args(["validate", "--strict", "-"])
        .write_stdin(input)
        .assert()
        .code(1);
}

#[test]
fn info_never_fails() {
    let file = fixtures().join("cases/full-plist-document/appconfig-full-document.plist");
    cmd()
        .args(["validate", "--strict"])
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn quiet_shows_errors_only() {
    let file = fixtures().join("mistakes/url-problems.json");
    cmd()
        .args(["validate", "--quiet", "--format", "short"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("warning")
                .not()
                .and(predicate::str::contains("checked").not()),
        );
}

#[test]
fn human_format_underlines_the_span() {
    let file = fixtures().join("cases/placeholder-client-id/appconfig.plist");
    let output = cmd().arg("validate").arg(&file).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let caret_line = stderr.lines().find(|l| l.contains('^')).unwrap();
    let source_line = stderr
        .lines()
        .find(|l| l.contains("your_clientID\"") && l.starts_with('3'))
        .unwrap();
    let caret_at = caret_line.chars().position(|c| c == '^').unwrap();
    let underlined: String = source_line.chars().skip(caret_at).take(15).collect();
    assert_eq!(underlined, "\"your_clientID\"");
    assert_eq!(caret_line.matches('^').count(), 15);
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["validate"])
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    cmd()
        .args(["validate"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .json, .plist"));
    let big = dir.path().join("big.json");
    std::fs::write(&big, "[".repeat(2000)).unwrap();
    cmd()
        .args(["validate", "--max-input-size", "1000"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the limit of 1000 bytes"));
}

#[test]
fn sparse_gigabyte_file_rejected_fast() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("huge.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    cmd()
        .arg("validate")
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-input-size"));
}

#[test]
fn unreadable_wins_over_findings() {
    let bad = fixtures().join("mistakes/lone-object.json");
    cmd()
        .arg("validate")
        .arg(&bad)
        .arg("/nonexistent/x.json")
        .assert()
        .code(2);
}

#[test]
fn content_that_is_no_config_exits_1() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "the file is empty"),
        (b"   \n\t", "the file is empty"),
        (b"\x00\x01\x02binary", "NUL bytes"),
        (b"[\"caf\xe9\"]", "not UTF-8"),
        (b"hello world", "not JSON, a plist or a CSV inventory"),
        (b"bplist00garbage", "binary plist is damaged"),
    ];
    for (bytes, message) in cases {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        cmd()
            .args(["validate", "--format", "short"])
            .arg(file.path())
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*message));
    }
}

#[test]
fn deep_nesting_is_a_finding() {
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("json-too-deep"));
    let xml = "<dict><key>sites</key>".to_owned() + &"<array>".repeat(100_000);
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(xml)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nested more than"));
}

#[test]
fn entity_expansion_is_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<plist><dict><key>sites</key><string>&b;</string></dict></plist>"#;
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(laughs)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("declares entities"));
    let external = "<!DOCTYPE plist SYSTEM \"file:///etc/passwd\"><dict><key>sites</key><string>&xxe;</string></dict>";
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(external)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("unknown XML entity `&xxe;`")
                .and(predicate::str::contains("root:").not()),
        );
}

#[test]
fn usage_errors_exit_2() {
    cmd().arg("validate").assert().code(2);
    cmd()
        .args(["validate", "--format", "nope", "x"])
        .assert()
        .code(2);
}

#[test]
fn schema_prints_embedded_schema() {
    let output = cmd().arg("schema").output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn directories_checked_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("configs/eu");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/bad.json"), "[{").unwrap();
    std::fs::write(
        nested.join("sites.json"),
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://w.example.com/\"}]",
    )
    .unwrap();
    std::fs::write(nested.join("manifest.json"), "{\"files\": []}").unwrap();
    std::fs::write(nested.join("package.json"), "{\"name\": \"x\"}").unwrap();
    std::fs::write(nested.join("notes.md"), "# notes").unwrap();
    let output = cmd()
        .args(["validate", "--format", "short", "-v"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("sites.json: read as json"), "{stderr}");
    assert!(
        stderr.contains("manifest.json: its content is not a config"),
        "{stderr}"
    );
    assert!(
        stderr.contains("package.json: its content is not a config"),
        "{stderr}"
    );
    assert!(
        stderr.contains("notes.md: not a config file extension"),
        "{stderr}"
    );
    assert!(!stderr.contains("bad.json"), "{stderr}");
    assert!(
        stderr.contains("1 file checked: 0 errors, 1 warning"),
        "{stderr}"
    );
}

#[test]
fn named_file_always_checked() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.json");
    std::fs::write(&manifest, "{\"files\": []}").unwrap();
    cmd()
        .args(["validate", "--format", "short"])
        .arg(&manifest)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("unknown-member")
                .or(predicate::str::contains("sites-not-array")),
        );
}

#[test]
fn stdin_filename_names_reports() {
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--stdin-filename",
            "configs/sites.json",
            "-",
        ])
        .write_stdin("[]")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "configs/sites.json:1:1: error[sites-empty]",
        ));
}

#[test]
fn quiet_keeps_strict_exit_and_reports() {
    let input = "[{\"title\":\"Wiki\",\"baseURL\":\"http://w.example.com\"}]";
    cmd()
        .args(["validate", "--strict", "--quiet", "-"])
        .write_stdin(input)
        .assert()
        .code(1);
    let output = cmd()
        .args(["validate", "--quiet", "--format", "json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["files"][0]["findings"][0]["rule"], "base-url-http");
}

#[test]
fn json_report_lists_unreadable_inputs() {
    let good = fixtures().join("sites.json");
    let output = cmd()
        .args(["validate", "--format", "json", "/nonexistent/x.json"])
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["unreadable"], 1);
    assert_eq!(report["unreadable"][0]["path"], "/nonexistent/x.json");
    assert_eq!(report["unreadable"][0]["reason"], "no such file");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn utf16_inventory_is_only_noted() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let text = "\u{feff}title\tbaseURL\r\nWiki\thttps://w.example.com\r\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    file.write_all(&bytes).unwrap();
    cmd()
        .args(["validate", "--strict", "--format", "short"])
        .arg(file.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "info[text-encoding]: the file is UTF-16 LE text; it was decoded",
        ));
}
