//! Every output format, the MDM presets and `convert`: each format reads
//! back through `validate` to the same sites, and the MDM checks fire.

mod common;

use common::{cmd, fixtures, generate};
use predicates::prelude::*;

const FORMATS: &[&str] = &[
    "json",
    "json-object",
    "plist",
    "dict",
    "binary",
    "intune-graph",
    "table",
];

/// Returns the site list a config holds, as `convert --format json` writes it.
fn sites_of(bytes: &[u8], extra: &[&str]) -> serde_json::Value {
    let output = cmd()
        .args(["convert", "--format", "json"])
        .args(extra)
        .arg("-")
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn expected_sites() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(fixtures().join("sites.json")).unwrap()).unwrap()
}

#[test]
fn every_format_reads_back() {
    let source = fixtures().join("sites.json");
    for format in FORMATS {
        let output = generate(&["--sites", source.to_str().unwrap(), "--format", format]);
        cmd()
            .args(["validate", "--strict", "-"])
            .write_stdin(output.clone())
            .assert()
            .success();
        assert_eq!(sites_of(&output, &[]), expected_sites(), "format {format}");
    }
    let markdown = generate(&[
        "--sites",
        source.to_str().unwrap(),
        "--format",
        "table",
        "--table-style",
        "markdown",
    ]);
    assert_eq!(sites_of(&markdown, &[]), expected_sites(), "markdown table");
    let specfile = generate(&[
        "--sites",
        source.to_str().unwrap(),
        "--format",
        "specfile",
        "--bundle-id",
        "com.example.confluence",
    ]);
    assert_eq!(
        sites_of(&specfile, &["--input-format", "specfile"]),
        expected_sites(),
        "specfile"
    );
}

#[test]
fn specfile_as_config_is_rejected() {
    let specfile = generate(&[
        "--sites",
        fixtures().join("sites.json").to_str().unwrap(),
        "--format",
        "specfile",
        "--bundle-id",
        "com.example.confluence",
    ]);
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(specfile.clone())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "it describes the keys, but the MDM needs the values",
        ));
    cmd()
        .args(["validate", "--input-format", "specfile", "-"])
        .write_stdin(specfile)
        .assert()
        .success();
}

#[test]
fn specfile_options_are_checked() {
    let sites = fixtures().join("sites.json");
    let sites = sites.to_str().unwrap();
    cmd()
        .args(["generate", "--sites", sites, "--format", "specfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --bundle-id"));
    cmd()
        .args([
            "generate",
            "--sites",
            sites,
            "--format",
            "specfile",
            "--bundle-id",
            "com.example-app",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the bundle ID `com.example-app` is invalid",
        ));
    cmd()
        .args([
            "generate",
            "--sites",
            sites,
            "--format",
            "specfile",
            "--bundle-id",
            "com.example.app",
            "--spec-version",
            "100000",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("from 1 to 99999"));
}

#[test]
fn specfile_structure_is_checked() {
    let bad = "<?xml version=\"1.0\"?>\n<managedAppConfiguration>\n<version>0</version>\n<bundleId>bad</bundleId>\n<dict><integer keyName=\"sites\"/></dict>\n</managedAppConfiguration>\n";
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--input-format",
            "specfile",
            "--stdin-filename",
            "spec.xml",
            "-",
        ])
        .write_stdin(bad)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "spec.xml:3:1: error[specfile-structure]: <version> `0` is invalid",
            )
            .and(predicate::str::contains(
                "spec.xml:4:1: error[specfile-structure]: the bundle ID `bad` is invalid",
            ))
            .and(predicate::str::contains("error[sites-not-string]")),
        );
}

#[test]
fn graph_body_has_the_resource_fields() {
    let output = generate(&[
        "--sites",
        fixtures().join("sites.json").to_str().unwrap(),
        "--format",
        "intune-graph",
        "--display-name",
        "Wiki sites",
        "--intune-app-id",
        "1234",
        "--intune-app-id",
        "5678",
    ]);
    let body: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(
        body["@odata.type"],
        "#microsoft.graph.iosMobileAppConfiguration"
    );
    assert_eq!(body["displayName"], "Wiki sites");
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("Confluence Data Center")
    );
    assert_eq!(
        body["targetedMobileApps"],
        serde_json::json!(["1234", "5678"])
    );
    use base64::Engine;
    let xml = base64::engine::general_purpose::STANDARD
        .decode(body["encodedSettingXml"].as_str().unwrap())
        .unwrap();
    assert!(String::from_utf8(xml).unwrap().starts_with("<dict>"));
}

#[test]
fn graph_findings_point_into_the_decoded_dict() {
    use base64::Engine;
    let dict = "<dict>\n<key>sites</key>\n<string>[{\"title\":\"W\",\"baseURL\":\"http://w.example.com\"}]</string>\n</dict>\n";
    let body = serde_json::json!({
        "@odata.type": "#microsoft.graph.iosMobileAppConfiguration",
        "encodedSettingXml": base64::engine::general_purpose::STANDARD.encode(dict),
    });
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--stdin-filename",
            "body.json",
            "-",
        ])
        .write_stdin(body.to_string())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "body.json[encodedSettingXml]:3:33: warning[base-url-http]",
        ));
}

#[test]
fn json_object_positions_follow_escapes() {
    let object = r#"{"sites": "[{\"title\":\"W\",\"baseURL\":\"http://w.example.com\"}]"}"#;
    // The backslash of the escaped quote before the URL is at column 42.
    cmd()
        .args([
            "validate",
            "--format",
            "short",
            "--stdin-filename",
            "config.json",
            "-",
        ])
        .write_stdin(object)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "config.json:1:42: warning[base-url-http]",
        ));
}

#[test]
fn mdm_picks_the_default_format() {
    let sites = fixtures().join("sites.json");
    let sites = sites.to_str().unwrap();
    for (mdm, start) in [
        ("intune", "<dict>"),
        ("jamf", "<dict>"),
        ("kandji", "<dict>"),
        ("fleet", "<dict>"),
        ("ivanti", "<?xml"),
        ("generic", "<?xml"),
        ("workspace-one", "key,type,value"),
    ] {
        let output = generate(&["--sites", sites, "--mdm", mdm]);
        assert!(
            String::from_utf8(output).unwrap().starts_with(start),
            "{mdm}"
        );
    }
}

#[test]
fn full_document_is_an_error_for_intune_and_jamf() {
    let file = fixtures().join("cases/full-plist-document/appconfig-full-document.plist");
    cmd().args(["validate"]).arg(&file).assert().success();
    for mdm in ["intune", "jamf"] {
        cmd()
            .args(["validate", "--format", "short", "--mdm", mdm])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("error[plist-wrapper]"));
    }
    cmd()
        .args(["validate", "--mdm", "ivanti"])
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn intune_rejects_dates_and_data() {
    let dict = "<dict><key>sites</key><string>[{\"title\":\"W\",\"baseURL\":\"https://w.example.com\"}]</string><key>since</key><date>2026-01-01T00:00:00Z</date></dict>";
    cmd()
        .args(["validate", "-"])
        .write_stdin(dict)
        .assert()
        .success();
    cmd()
        .args(["validate", "--format", "short", "--mdm", "intune", "-"])
        .write_stdin(dict)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[mdm-value-type]"));
}

#[test]
fn tokens_are_checked_for_the_mdm() {
    let check = |mdm: &str, title: &str| {
        let list = format!("[{{\"title\":\"{title}\",\"baseURL\":\"https://w.example.com\"}}]");
        let output = cmd()
            .args(["validate", "--format", "short", "--mdm", mdm, "-"])
            .write_stdin(list)
            .output()
            .unwrap();
        String::from_utf8(output.stderr).unwrap()
    };
    assert!(check("jamf", "Wiki for {{mail}}").contains("warning[mdm-token-foreign]"));
    assert!(
        check("intune", "Wiki for {{userprinciplename}}").contains("warning[mdm-token-near-miss]")
    );
    assert!(check("intune", "Wiki {{team}}").contains("error[intune-braces]"));
    assert!(check("intune", "Wiki {{SIGNEDDEVICEID}}").contains("0 errors, 0 warnings"));
    assert!(check("jamf", "Wiki of $FULLNAME").contains("warning[mdm-token-unsafe]"));
    assert!(check("jamf", "Budget $EUR").contains("0 errors, 0 warnings"));
    assert!(check("workspace-one", "Team {Beta}").contains("0 errors, 0 warnings"));
}

#[test]
fn other_keys_pass_through_or_are_refused() {
    let dict = "<dict><key>sites</key><string>[{\"title\":\"W\",\"baseURL\":\"https://w.example.com\"}]</string><key>IntuneMAMUPN</key><string>{{userprincipalname}}</string></dict>";
    let converted = cmd()
        .args(["convert", "--format", "binary", "-"])
        .write_stdin(dict)
        .output()
        .unwrap();
    assert!(converted.status.success());
    let value = plist::Value::from_reader(std::io::Cursor::new(converted.stdout)).unwrap();
    assert_eq!(
        value.as_dictionary().unwrap()["IntuneMAMUPN"].as_string(),
        Some("{{userprincipalname}}")
    );
    cmd()
        .args(["convert", "--format", "json", "-"])
        .write_stdin(dict)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the keys `IntuneMAMUPN` would be lost",
        ));
    cmd()
        .args(["convert", "--format", "json", "--drop-other-keys", "-"])
        .write_stdin(dict)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: dropped the keys IntuneMAMUPN",
        ));
}

#[test]
fn jira_app_reverses_the_product_check() {
    let list = r#"[{"title":"Issues","baseURL":"https://jira.example.com"},{"title":"Docs","baseURL":"https://confluence.example.com"}]"#;
    let run = |app: &str| {
        let output = cmd()
            .args(["validate", "--format", "short", "--app", app, "-"])
            .write_stdin(list)
            .output()
            .unwrap();
        String::from_utf8(output.stderr).unwrap()
    };
    let confluence = run("confluence");
    assert!(confluence.contains(
        "`https://jira.example.com` looks like a Jira site, but this is a Confluence config"
    ));
    let jira = run("jira");
    assert!(jira.contains(
        "`https://confluence.example.com` looks like a Confluence site, but this is a Jira config"
    ));
    assert!(!jira.contains("jira.example.com` looks like"));
    let placeholder = r#"[{"title":"I","baseURL":"https://jira.example.com","oauth":{"clientID":"your_clientID","cacheSessionInMobileBrowser":false}}]"#;
    cmd()
        .args(["validate", "--app", "jira", "-"])
        .write_stdin(placeholder)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("jira-server://oauth-callback"));
}
