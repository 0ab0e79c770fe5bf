//! Inventories, per-group and per-site generation, and `diff`.

mod common;

use std::path::Path;

use common::{cmd, fixtures};
use predicates::prelude::*;
use sha2::{Digest, Sha256};

const INVENTORY: &str = "\u{feff}Title;Base URL;client_id;Cache Session In Mobile Browser;GROUP\r\n\
Engineering;https://confluence.example.com;5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50;FALSE;\"Eng; R&D\"\r\n\
HR Wiki;https://hr.example.com;;;\r\n\
\"Docs; public\";https://docs.example.org;;;Sales\r\n\
Ops;https://ops.example.com/wiki;7c1e4b9a2d6f03e58a4c7b1d9e2f6a30;true;R&D\r\n";

fn write_inventory(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("inventory.csv");
    std::fs::write(&file, INVENTORY).unwrap();
    file
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn header_variants_and_quoting() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = write_inventory(dir.path());
    let output = cmd()
        .args(["generate", "--format", "json", "--sites"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sites: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sites.as_array().unwrap().len(), 4);
    assert_eq!(sites[2]["title"], "Docs; public");
    assert_eq!(sites[3]["oauth"]["cacheSessionInMobileBrowser"], true);
}

#[test]
fn quoted_line_break_is_found_where_it_is() {
    let inventory =
        "title,baseURL\n\"Ops\nteam\",https://ops.example.com\nDocs,https://docs.example.org\n";
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--stdin-filename",
            "inv.csv",
            "-",
        ])
        .write_stdin(inventory)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "inv.csv:2:1: error[title-control-character]",
        ));
}

#[test]
fn by_group_writes_one_file_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = write_inventory(dir.path());
    let out = dir.path().join("out");
    cmd()
        .args(["generate", "--mdm", "intune", "--by-group", "--out-dir"])
        .arg(&out)
        .arg("--sites")
        .arg(&inventory)
        .assert()
        .success();
    let manifest = manifest(&out);
    let files = manifest["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(names, ["eng.xml", "r-d.xml", "sales.xml"]);
    // HR Wiki has no group, so it is in every group.
    for file in files {
        let titles: Vec<&str> = file["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap())
            .collect();
        assert!(titles.contains(&"HR Wiki"), "{titles:?}");
        let bytes = std::fs::read(out.join(file["file"].as_str().unwrap())).unwrap();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(file["sha256"], digest.as_str());
        cmd()
            .arg("validate")
            .arg(out.join(file["file"].as_str().unwrap()))
            .assert()
            .success();
    }
    assert_eq!(files[1]["group"], "R&D");
    assert_eq!(files[1]["sites"].as_array().unwrap().len(), 3);
}

#[test]
fn per_site_names_collide_predictably() {
    let dir = tempfile::tempdir().unwrap();
    let list = r#"[{"title":"Wiki","baseURL":"https://a.example.com"},{"title":"wiki!","baseURL":"https://b.example.com"},{"title":"manifest","baseURL":"https://c.example.com"},{"title":"../..","baseURL":"https://d.example.com"},{"title":"CON","baseURL":"https://e.example.com"}]"#;
    let out = dir.path().join("out");
    cmd()
        .args([
            "generate",
            "--per-site",
            "--format",
            "json",
            "--sites",
            "-",
            "--out-dir",
        ])
        .arg(&out)
        .write_stdin(list)
        .assert()
        .success();
    let names: Vec<String> = manifest(&out)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "wiki.json",
            "wiki-2.json",
            "manifest-2.json",
            "site.json",
            "con-site.json"
        ]
    );
}

#[test]
fn nothing_written_when_a_site_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let list = r#"[{"title":"Wiki","baseURL":"https://a.example.com"},{"title":"Bad","baseURL":"https://b.example.com/display/X"}]"#;
    cmd()
        .args(["generate", "--per-site", "--sites", "-", "--out-dir"])
        .arg(&out)
        .write_stdin(list)
        .assert()
        .code(1);
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().count() == 0);
}

#[test]
fn nothing_written_when_a_target_is_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("b.json")).unwrap();
    let list = r#"[{"title":"A","baseURL":"https://a.example.com"},{"title":"B","baseURL":"https://b.example.com"}]"#;
    cmd()
        .args([
            "generate",
            "--per-site",
            "--format",
            "json",
            "--force",
            "--sites",
            "-",
            "--out-dir",
        ])
        .arg(&out)
        .write_stdin(list)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a file"));
    assert!(!out.join("a.json").exists());
    assert!(!out.join("manifest.json").exists());
}

#[test]
fn force_dry_run_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = write_inventory(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let run = |extra: &[&str]| {
        cmd()
            .args(["generate", "--by-group", "--format", "dict", "--out-dir"])
            .arg(&out)
            .arg("--sites")
            .arg(&inventory)
            .args(extra)
            .output()
            .unwrap()
    };
    let dry = run(&["--dry-run"]);
    assert!(dry.status.success());
    assert!(String::from_utf8(dry.stdout).unwrap().contains("new     "));
    assert!(!out.join("eng.xml").exists(), "--dry-run wrote a file");

    assert!(run(&[]).status.success());
    let second = run(&[]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8(second.stderr)
            .unwrap()
            .contains("pass --force")
    );
    assert!(
        String::from_utf8(run(&["--dry-run"]).stdout)
            .unwrap()
            .contains("replace ")
    );
    assert!(run(&["--force"]).status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "keep me"
    );
    let leftovers = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".confluence-mdm")
        })
        .count();
    assert_eq!(leftovers, 0, "temporary files left behind");
}

#[test]
fn by_group_needs_a_group_column() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["generate", "--by-group", "--sites"])
        .arg(fixtures().join("sites.json"))
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "needs an inventory with a `group` column",
        ));
    cmd()
        .args(["generate", "--out-dir", "x", "--sites"])
        .arg(fixtures().join("sites.json"))
        .assert()
        .code(2);
}

#[test]
fn diff_compares_meaning_across_formats() {
    let dir = tempfile::tempdir().unwrap();
    let source = fixtures().join("sites.json");
    let binary = dir.path().join("sites.bin");
    cmd()
        .args(["generate", "--format", "binary", "--sites"])
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .assert()
        .success();
    cmd()
        .arg("diff")
        .arg(&source)
        .arg(&binary)
        .assert()
        .success()
        .stdout("the configs are equal\n");

    let changed = dir.path().join("changed.json");
    std::fs::write(
        &changed,
        r#"[{"title":"Docs <public>","baseURL":"https://DOCS.example.org/"},
            {"title":"Engineering","baseURL":"https://confluence.example.com","oauth":{"clientID":"7c1e4b9a2d6f03e58a4c7b1d9e2f6a30","cacheSessionInMobileBrowser":true}},
            {"title":"New","baseURL":"https://new.example.com"}]"#,
    )
    .unwrap();
    let output = cmd()
        .args(["diff", "--format", "json"])
        .arg(&binary)
        .arg(&changed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diff["equal"], false);
    assert_eq!(diff["added"][0]["title"], "New");
    assert_eq!(
        diff["removed"][0]["baseURL"],
        "https://intranet.example.com/confluence"
    );
    let changes = diff["changed"].as_array().unwrap();
    let docs = changes
        .iter()
        .find(|c| c["baseURL"] == "https://DOCS.example.org/")
        .unwrap();
    assert_eq!(docs["fields"][0]["field"], "baseURL");
    let engineering = changes
        .iter()
        .find(|c| c["baseURL"] == "https://confluence.example.com")
        .unwrap();
    let fields: Vec<&str> = engineering["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["oauth.clientID", "oauth.cacheSessionInMobileBrowser"]
    );
    assert_eq!(
        engineering["fields"][0]["new"],
        "7c1e4b9a2d6f03e58a4c7b1d9e2f6a30"
    );
    assert!(diff["order"].is_array());

    let human = cmd()
        .arg("diff")
        .arg(&binary)
        .arg(&changed)
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains("+ site \"New\" (https://new.example.com)"),
        "{text}"
    );
    assert!(text.contains("oauth.clientID: \"5d0c7e9a1b2f4c3d8e6a0b1c2d3e4f50\" -> \"7c1e4b9a2d6f03e58a4c7b1d9e2f6a30\""), "{text}");
}

#[test]
fn diff_reports_other_keys_and_unreadable_inputs() {
    let old = "<dict><key>sites</key><string>[{\"title\":\"W\",\"baseURL\":\"https://w.example.com\"}]</string><key>IntuneMAMUPN</key><string>a</string></dict>";
    let dir = tempfile::tempdir().unwrap();
    let old_file = dir.path().join("old.xml");
    std::fs::write(&old_file, old).unwrap();
    let new_file = dir.path().join("new.xml");
    std::fs::write(&new_file, old.replace(">a<", ">b<")).unwrap();
    cmd()
        .arg("diff")
        .arg(&old_file)
        .arg(&new_file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "~ key IntuneMAMUPN: \"a\" -> \"b\"",
        ));
    cmd()
        .arg("diff")
        .arg(&old_file)
        .arg(dir.path().join("missing.xml"))
        .assert()
        .code(2);
    std::fs::write(&new_file, "[{").unwrap();
    cmd()
        .arg("diff")
        .arg(&old_file)
        .arg(&new_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no site list to compare"));
}
