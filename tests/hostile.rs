//! Hostile inputs: each must end in a finding or a clear read error, never a
//! crash, a hang or exhausted memory. The slow ones are ignored by plain
//! `cargo test` and run by `scripts/interop-tests`.

mod common;

use common::cmd;
use predicates::prelude::*;

fn binary_plist() -> Vec<u8> {
    let mut dict = plist::Dictionary::new();
    dict.insert(
        "sites".into(),
        plist::Value::String("[{\"title\":\"W\",\"baseURL\":\"https://w.example.com\"}]".into()),
    );
    let mut bytes = Vec::new();
    plist::Value::Dictionary(dict)
        .to_writer_binary(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn binary_plist_with_lying_trailer() {
    let good = binary_plist();
    cmd()
        .args(["validate", "-"])
        .write_stdin(good.clone())
        .assert()
        .success();
    // The trailer's last 32 bytes hold the offset size, object count, root
    // object and offset table position; make each lie in turn.
    let trailer = good.len() - 32;
    for (at, value) in [
        (trailer + 6, 8u8),
        (trailer + 7, 8),
        (trailer + 15, 0xFF),
        (trailer + 23, 0xFF),
        (trailer + 31, 0xFF),
        (trailer + 24, 0xFF),
    ] {
        let mut bad = good.clone();
        bad[at] = value;
        let output = cmd()
            .args(["validate", "--format", "short", "-"])
            .write_stdin(bad)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "byte {at}: {stderr}"
        );
    }
}

#[test]
fn binary_plist_truncated_anywhere() {
    let good = binary_plist();
    for len in (0..good.len()).step_by(7) {
        let output = cmd()
            .args(["validate", "-"])
            .write_stdin(good[..len].to_vec())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "prefix of {len} bytes");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}

#[test]
fn nul_bytes_in_json_strings() {
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin("[{\"title\":\"W\u{0}\",\"baseURL\":\"https://w.example.com\"}]")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("NUL bytes"));
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(r#"[{"title":"W\u0000","baseURL":"https://w.example.com"}]"#)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("title-control-character"));
}

#[test]
fn lone_surrogates_in_escapes() {
    for escape in [r"\ud800", r"\udfff", r"\ud800\u0041"] {
        let list = format!(r#"[{{"title":"W{escape}","baseURL":"https://w.example.com"}}]"#);
        cmd()
            .args(["validate", "--format", "short", "-"])
            .write_stdin(list)
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("error[json-syntax]")
                    .and(predicate::str::contains("surrogate")),
            );
    }
}

#[test]
#[ignore = "slow: builds a list of a million sites; run by scripts/interop-tests"]
fn million_sites() {
    let mut list = String::with_capacity(110_000_000);
    list.push('[');
    for i in 0..1_000_000 {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&format!(
            r#"{{"title":"S{i}","baseURL":"https://s{i}.example.com"}}"#
        ));
    }
    list.push(']');
    // About 58 MB: under the 64 MiB default limit, and a valid list.
    assert!(list.len() < 64 << 20);
    let output = cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(list.clone())
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    cmd()
        .args(["validate", "--max-input-size", "50000000", "-"])
        .write_stdin(list)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-input-size"));
}

#[test]
#[ignore = "slow: a 60 MB list of values; run by scripts/interop-tests"]
fn too_many_values_stops_early() {
    let list = format!("[{}0]", "0,".repeat(5_000_000));
    cmd()
        .args(["validate", "--format", "short", "-"])
        .write_stdin(list)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("json-too-large"));
}
