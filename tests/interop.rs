//! The second suite: checks against independent tools. Plain `cargo test`
//! ignores every test here, and `scripts/interop-tests` runs them with the
//! tools installed. A missing tool fails with the command that installs it.

mod common;

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;

use common::{cmd, fixtures, generate, inputs};

/// Fails with the install command when `tool` is not on the PATH.
fn require(tool: &str, install: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .unwrap()
        .status
        .success();
    assert!(
        found,
        "`{tool}` is not installed; install it with: {install}"
    );
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Returns the `sites` string of a plist file as read by Python's plistlib.
fn plistlib_sites(path: &Path) -> serde_json::Value {
    require("python3", "apt-get install -y python3");
    let script = "import json, plistlib, sys\n\
        data = open(sys.argv[1], 'rb').read()\n\
        fmt = None if data.startswith(b'bplist') or data.lstrip().startswith(b'<?xml') else plistlib.FMT_XML\n\
        value = plistlib.loads(data, fmt=fmt)\n\
        print(value['sites'])";
    let output = run("python3", &["-c", script, path.to_str().unwrap()]);
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn plist_outputs_read_by_plistlib_and_plistutil() {
    require("plistutil", "apt-get install -y libplist-utils");
    let source = fixtures().join("sites.json");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for format in ["plist", "dict"] {
        let file = dir.path().join(format!("out.{format}"));
        std::fs::write(
            &file,
            generate(&["--sites", source.to_str().unwrap(), "--format", format]),
        )
        .unwrap();
        assert_eq!(plistlib_sites(&file), expected, "plistlib on {format}");

        // plistutil exits 0 even when it writes nothing, so check what it
        // wrote: a binary plist whose `sites` decodes to the same JSON.
        let binary = dir.path().join(format!("out-{format}.bin"));
        run(
            "plistutil",
            &[
                "-i",
                file.to_str().unwrap(),
                "-f",
                "bin",
                "-o",
                binary.to_str().unwrap(),
            ],
        );
        let bytes = std::fs::read(&binary).unwrap();
        assert!(
            bytes.starts_with(b"bplist00"),
            "plistutil wrote no binary plist for {format}"
        );
        assert_eq!(plistlib_sites(&binary), expected, "plistutil on {format}");

        // And the tool reads libplist's binary output back.
        cmd().arg("validate").arg(&binary).assert().success();
    }
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn schema_passes_metaschema() {
    require("check-jsonschema", "pip install check-jsonschema");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/sites.schema.json");
    run(
        "check-jsonschema",
        &["--check-metaschema", schema.to_str().unwrap()],
    );
}

/// Extracts the site list of a fixture as JSON, when it contains one that
/// parses as JSON.
fn site_list_of(path: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(path).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    if text.trim_start().starts_with('<') {
        let script = "import plistlib, sys\n\
            data = open(sys.argv[1], 'rb').read()\n\
            value = plistlib.loads(data, fmt=None if data.lstrip().startswith(b'<?xml') else plistlib.FMT_XML)\n\
            sys.stdout.write(value['sites'])";
        let output = Command::new("python3")
            .args(["-c", script, path.to_str().unwrap()])
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        return serde_json::from_slice(&output.stdout).ok();
    }
    serde_json::from_str(text).ok()
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn check_jsonschema_agrees_with_schema_stage() {
    require("check-jsonschema", "pip install check-jsonschema");
    require("python3", "apt-get install -y python3");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/sites.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for file in inputs("cases")
        .into_iter()
        .chain(inputs("mistakes"))
        .chain([fixtures().join("sites.json")])
    {
        let Some(list) = site_list_of(&file) else {
            continue;
        };
        let instance = dir.path().join("instance.json");
        std::fs::write(&instance, serde_json::to_vec(&list).unwrap()).unwrap();
        let status = Command::new("check-jsonschema")
            .args([
                "--schemafile",
                schema.to_str().unwrap(),
                instance.to_str().unwrap(),
            ])
            .output()
            .unwrap()
            .status;
        assert!(
            matches!(status.code(), Some(0 | 1)),
            "check-jsonschema failed on {}",
            file.display()
        );
        let theirs = status.success();
        let ours = confluence_mdm::check::schema::is_valid(&list);
        assert_eq!(ours, theirs, "verdicts differ on {}", file.display());
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} fixtures compared");
}

/// Runs the binary under `script`, which gives it a terminal, and returns
/// what it printed.
fn run_in_terminal(env: &[(&str, &str)], args: &str) -> String {
    require("script", "apt-get install -y bsdutils");
    let bin = assert_cmd::cargo::cargo_bin("confluence-mdm");
    let mut command = Command::new("script");
    command.args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"]);
    command.env_remove("NO_COLOR").env("TERM", "xterm");
    for (key, value) in env {
        command.env(key, value);
    }
    String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn auto_color_on_terminal_follows_environment() {
    let file = fixtures().join("cases/trailing-comma/appconfig.plist");
    let args = format!("validate {}", file.display());
    assert!(
        run_in_terminal(&[], &args).contains("\u{1b}["),
        "a terminal gets colour"
    );
    assert!(
        !run_in_terminal(&[("NO_COLOR", "1")], &args).contains("\u{1b}["),
        "NO_COLOR turns it off"
    );
    assert!(
        run_in_terminal(&[("NO_COLOR", "")], &args).contains("\u{1b}["),
        "an empty NO_COLOR does not"
    );
    assert!(
        !run_in_terminal(&[("TERM", "dumb")], &args).contains("\u{1b}["),
        "TERM=dumb turns it off"
    );
    let never = format!("--color never {args}");
    assert!(!run_in_terminal(&[], &never).contains("\u{1b}["));
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn specfile_passes_the_appconfig_schema() {
    require("xmllint", "apt-get install -y libxml2-utils");
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/appconfig.xsd");
    assert!(
        xsd.exists(),
        "the AppConfig XSD is expected at {}",
        xsd.display()
    );
    let dir = tempfile::tempdir().unwrap();
    for (sites, app) in [("sites.json", "confluence"), ("inventory.csv", "jira")] {
        let file = dir.path().join(format!("{app}.xml"));
        let bytes = generate(&[
            "--sites",
            fixtures().join(sites).to_str().unwrap(),
            "--format",
            "specfile",
            "--bundle-id",
            "com.example.app",
            "--spec-version",
            "99999",
            "--app",
            app,
        ]);
        std::fs::write(&file, bytes).unwrap();
        run(
            "xmllint",
            &[
                "--noout",
                "--schema",
                xsd.to_str().unwrap(),
                file.to_str().unwrap(),
            ],
        );
    }
}

#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn binary_output_read_by_plistlib_and_plistutil() {
    require("plistutil", "apt-get install -y libplist-utils");
    let source = fixtures().join("sites.json");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("out.plist");
    std::fs::write(
        &binary,
        generate(&["--sites", source.to_str().unwrap(), "--format", "binary"]),
    )
    .unwrap();
    assert_eq!(plistlib_sites(&binary), expected, "plistlib");
    let xml = dir.path().join("out.xml");
    run(
        "plistutil",
        &[
            "-i",
            binary.to_str().unwrap(),
            "-f",
            "xml",
            "-o",
            xml.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&xml).unwrap();
    assert!(
        text.contains("<key>sites</key>"),
        "plistutil wrote no XML plist"
    );
    assert_eq!(plistlib_sites(&xml), expected, "plistutil");
}

/// Renders every manual page with groff, which `man -l` runs, and fails on
/// any warning (`-ww` enables all of them).
#[test]
#[ignore = "needs the tools that scripts/interop-tests installs"]
fn man_pages_render_with_groff() {
    require("groff", "apt-get install -y groff-base");
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    pages.sort();
    let commands = confluence_mdm::cli::Cli::command()
        .get_subcommands()
        .count();
    assert_eq!(pages.len(), commands + 1, "pages written: {pages:?}");
    for page in pages {
        let path = page.to_str().unwrap();
        let output = run("groff", &["-man", "-Tutf8", "-ww", "-z", path]);
        assert!(
            output.stderr.is_empty(),
            "groff warns about {path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // grotty options -c -b -o -u: plain text, without overstriking.
        let text = run("groff", &["-man", "-Tutf8", "-P-cbou", path]).stdout;
        let text = String::from_utf8_lossy(&text);
        assert!(text.contains("NAME"), "{path} renders without NAME");
        assert!(text.contains("SYNOPSIS"), "{path} renders without SYNOPSIS");
    }
}
