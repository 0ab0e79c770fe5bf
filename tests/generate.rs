//! `generate`: every format reads back to the same sites, nothing invalid
//! is written, and output files are written atomically.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use common::{cmd, fixtures, generate};
use predicates::prelude::*;

fn sites_json(bytes: &[u8]) -> serde_json::Value {
    let list = cmd()
        .args(["generate", "--sites", "-", "--format", "json"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    serde_json::from_slice(&list.stdout).unwrap()
}

#[test]
fn every_format_round_trips() {
    let source = fixtures().join("sites.json");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    for format in ["json", "plist", "dict"] {
        let output = generate(&["--sites", source.to_str().unwrap(), "--format", format]);
        cmd()
            .args(["validate", "-"])
            .write_stdin(output.clone())
            .assert()
            .success();
        assert_eq!(sites_json(&output), expected, "format {format}");
    }
}

#[test]
fn dict_matches_case_expected_output() {
    for case in [
        "placeholder-client-id",
        "trailing-comma",
        "full-plist-document",
    ] {
        let expected = fixtures().join(format!("cases/{case}/expected-output.plist"));
        let output = generate(&["--sites", expected.to_str().unwrap(), "--format", "dict"]);
        assert_eq!(
            String::from_utf8(output).unwrap(),
            std::fs::read_to_string(&expected).unwrap(),
            "case {case}"
        );
    }
}

#[test]
fn plist_document_has_wrapper() {
    let output = generate(&["--sites", fixtures().join("sites.json").to_str().unwrap()]);
    let text = String::from_utf8(output).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"));
    assert!(text.contains("<plist version=\"1.0\">"));
    assert!(text.contains("Forschung &amp; Entwicklung"));
    assert!(text.contains("Docs &lt;public&gt;"));
}

#[test]
fn hostile_titles_survive_plist() {
    let list =
        r#"[{"title":"a<b>&c \"q\" 'x' &quot; &amp; ]]> 😀","baseURL":"https://w.example.com"}]"#;
    let dict = cmd()
        .args(["generate", "--sites", "-", "--format", "dict"])
        .write_stdin(list)
        .output()
        .unwrap();
    assert!(dict.status.success());
    let value: plist::Value =
        plist::from_bytes(&[b"<plist>".as_slice(), &dict.stdout, b"</plist>"].concat()).unwrap();
    let sites = value.as_dictionary().unwrap()["sites"].as_string().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(sites).unwrap();
    assert_eq!(parsed[0]["title"], "a<b>&c \"q\" 'x' &quot; &amp; ]]> 😀");
}

#[test]
fn csv_inventory_generates() {
    let inventory = fixtures().join("inventory.csv");
    let output = cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("inventory.csv:2:13: warning[base-url-trailing-slash]"));
    assert!(stderr.contains("note: site 1: removed the trailing slash"));
    let sites: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sites[0]["baseURL"], "https://confluence.example.com");
    assert_eq!(sites[0]["oauth"]["cacheSessionInMobileBrowser"], false);
    assert_eq!(sites[1]["title"], "Research, Europe");
    assert_eq!(sites[1]["oauth"]["cacheSessionInMobileBrowser"], true);
    assert!(sites[2].get("oauth").is_none());
}

#[test]
fn csv_empty_flag_reported_as_false() {
    let inventory = "title,baseURL,clientID,cacheSessionInMobileBrowser\nWiki,https://w.example.com,5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50,\n";
    cmd()
        .args(["generate", "--format", "json", "--sites", "-"])
        .write_stdin(inventory)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"cacheSessionInMobileBrowser\":false",
        ))
        .stderr(predicate::str::contains("info[cache-session-defaulted]"));
}

#[test]
fn forced_input_format() {
    let inventory = "title,baseURL\nWiki,https://w.example.com\n";
    cmd()
        .args([
            "generate",
            "--input-format",
            "csv",
            "--format",
            "json",
            "--sites",
            "-",
        ])
        .write_stdin(inventory)
        .assert()
        .success();
    cmd()
        .args([
            "generate",
            "--input-format",
            "json",
            "--format",
            "json",
            "--sites",
            "-",
        ])
        .write_stdin(inventory)
        .assert()
        .code(1);
}

#[test]
fn flags_generate_one_site() {
    let output = generate(&[
        "--title",
        "Wiki",
        "--base-url",
        "https://confluence.example.com/",
        "--client-id",
        "5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50",
        "--cache-session-in-mobile-browser",
        "true",
        "--format",
        "json",
    ]);
    assert_eq!(
        String::from_utf8(output).unwrap(),
        "[{\"title\":\"Wiki\",\"baseURL\":\"https://confluence.example.com\",\"oauth\":{\"clientID\":\"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\",\"cacheSessionInMobileBrowser\":true}}]\n"
    );
}

#[test]
fn flags_need_title_and_base_url() {
    cmd().args(["generate", "--title", "Wiki"]).assert().code(2);
    cmd().args(["generate"]).assert().code(2);
    cmd()
        .args([
            "generate",
            "--title",
            "W",
            "--base-url",
            "https://w.example.com",
            "--cache-session-in-mobile-browser",
            "true",
        ])
        .assert()
        .code(2);
}

#[test]
fn errors_block_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.plist");
    cmd()
        .args(["generate", "--sites"])
        .arg(fixtures().join("cases/placeholder-client-id/appconfig.plist"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("error[client-id-placeholder]")
                .and(predicate::str::contains("nothing was written")),
        );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file is left"
    );
}

#[test]
fn strict_blocks_warnings() {
    let list = "[{\"title\":\"Wiki\",\"baseURL\":\"http://w.example.com\"}]";
    cmd()
        .args(["generate", "--sites", "-"])
        .write_stdin(list)
        .assert()
        .success();
    cmd()
        .args(["generate", "--strict", "--sites", "-"])
        .write_stdin(list)
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn output_file_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("config.plist");
    std::fs::write(&out, "old").unwrap();
    cmd()
        .args(["generate", "--format", "dict", "--sites"])
        .arg(fixtures().join("sites.json"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("<dict>"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

#[test]
fn output_never_overwrites_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sites.json");
    std::fs::copy(fixtures().join("sites.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    cmd()
        .args(["generate", "--sites"])
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also an input"));
    #[cfg(unix)]
    {
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        cmd()
            .args(["generate", "--sites"])
            .arg(&input)
            .arg("-o")
            .arg(&link)
            .assert()
            .code(2);
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn output_into_missing_folder_fails() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["generate", "--sites"])
        .arg(fixtures().join("sites.json"))
        .arg("-o")
        .arg(dir.path().join("missing/out.plist"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    let mut list = String::from("[");
    for i in 0..5000 {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&format!(
            "{{\"title\":\"Site {i}\",\"baseURL\":\"https://s{i}.example.com\"}}"
        ));
    }
    list.push(']');
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.json");
    std::fs::write(&input, list).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("confluence-mdm"))
        .args(["generate", "--format", "json", "--sites"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit {:?}", output.status);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn output_to_device_written_in_place() {
    cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(fixtures().join("sites.json"))
        .args(["-o", "/dev/null"])
        .assert()
        .success();
    let metadata = std::fs::metadata("/dev/null").unwrap();
    assert!(
        !metadata.is_file(),
        "/dev/null was replaced by a regular file"
    );
}

#[test]
fn output_to_full_device_fails() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(fixtures().join("sites.json"))
        .args(["-o", "/dev/full"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("No space left on device"));
    assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
}

#[cfg(unix)]
#[test]
fn output_through_link_keeps_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(fixtures().join("sites.json"))
        .arg("-o")
        .arg(&link)
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("[{"));
}

#[cfg(unix)]
#[test]
fn output_never_overwrites_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sites.json");
    std::fs::copy(fixtures().join("sites.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("confluence-mdm"))
        .args(["generate", "--sites", "-", "-o"])
        .arg(&input)
        .stdin(std::fs::File::open(&input).unwrap())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn output_to_fifo_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(fixtures().join("sites.json"))
        .arg("-o")
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success();
    assert!(reader.join().unwrap().starts_with("[{"));
}

#[test]
fn strict_generate_agrees_with_validate() {
    let list = r#"[{"title":"R&amp;D","baseURL":"https://w.example.com"}]"#;
    cmd()
        .args(["generate", "--strict", "--sites", "-"])
        .write_stdin(list)
        .assert()
        .code(1)
        .stdout("");
    let output = cmd()
        .args(["generate", "--format", "dict", "--sites", "-"])
        .write_stdin(list)
        .output()
        .unwrap();
    assert!(output.status.success());
    cmd()
        .args(["validate", "--strict", "-"])
        .write_stdin(output.stdout)
        .assert()
        .code(1);
}

#[test]
fn quiet_keeps_strict_in_generate() {
    let list = "[{\"title\":\"Wiki\",\"baseURL\":\"http://w.example.com\"}]";
    cmd()
        .args(["generate", "--strict", "--quiet", "--sites", "-"])
        .write_stdin(list)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "nothing was written because of 0 errors and 1 warnings under --strict",
        ));
}

#[test]
fn strict_allows_what_the_generator_fixes() {
    let list = "[{\"title\":\" Wiki \",\"baseURL\":\"https://w.example.com/\"}]";
    cmd()
        .args([
            "generate", "--strict", "--quiet", "--format", "json", "--sites", "-",
        ])
        .write_stdin(list)
        .assert()
        .success()
        .stdout("[{\"title\":\"Wiki\",\"baseURL\":\"https://w.example.com\"}]\n")
        .stderr("");
}

#[test]
fn flag_value_in_any_case() {
    let output = generate(&[
        "--title",
        "Wiki",
        "--base-url",
        "https://w.example.com",
        "--client-id",
        "5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50",
        "--cache-session-in-mobile-browser",
        "TRUE",
        "--format",
        "json",
    ]);
    assert!(
        String::from_utf8(output)
            .unwrap()
            .contains("\"cacheSessionInMobileBrowser\":true")
    );
    cmd()
        .args([
            "generate",
            "--title",
            "W",
            "--base-url",
            "https://w.example.com",
            "--client-id",
            "5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50",
            "--cache-session-in-mobile-browser",
            "yes",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`yes` is not true or false"));
}
