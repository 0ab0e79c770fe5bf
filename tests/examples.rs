//! The MDM examples under `examples/`: each output is what `generate` writes
//! from the inventory beside it, and passes `validate` without an error.

mod common;

use std::path::{Path, PathBuf};

use common::{cmd, generate};

/// Each MDM folder with the output format its console takes and the name of
/// the generated file.
const EXAMPLES: &[(&str, &str, &str)] = &[
    ("intune", "dict", "appconfig.xml"),
    ("jamf", "dict", "appconfig.xml"),
    ("kandji", "dict", "appconfig.xml"),
    ("fleet", "dict", "appconfig.xml"),
    ("ivanti", "plist", "appconfig.plist"),
    ("workspace-one", "table", "sites-table.csv"),
];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

#[test]
fn outputs_match_inventories() {
    for (folder, format, output) in EXAMPLES {
        let dir = examples_dir().join(folder);
        let inventory = dir.join("inventory.csv");
        let generated = generate(&[
            "--sites",
            inventory.to_str().unwrap(),
            "--format",
            format,
            "--quiet",
        ]);
        let path = dir.join(output);
        if std::env::var_os("UPDATE_EXPECTED").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let expected = std::fs::read(&path).unwrap_or_default();
        assert!(
            generated == expected,
            "examples/{folder}/{output} differs from what `generate --format {format}` \
             writes from its inventory; regenerate it with \
             `UPDATE_EXPECTED=1 cargo test --test examples`"
        );
    }
}

#[test]
fn outputs_validate_cleanly() {
    for (folder, _, output) in EXAMPLES {
        let path = examples_dir().join(folder).join(output);
        let result = cmd()
            .args(["validate", "--format", "short"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8(result.stderr).unwrap();
        assert_eq!(result.status.code(), Some(0), "{folder}: {stderr}");
        assert!(
            stderr.contains(": 0 errors, 0 warnings"),
            "{folder}: {stderr}"
        );
    }
}

#[test]
fn readmes_name_their_command() {
    for (folder, format, output) in EXAMPLES {
        let readme = std::fs::read_to_string(examples_dir().join(folder).join("README.md"))
            .unwrap_or_else(|_| panic!("examples/{folder}/README.md is missing"));
        let command =
            format!("confluence-mdm generate --sites inventory.csv --format {format} -o {output}");
        assert!(
            readme.contains(&command),
            "examples/{folder}/README.md lacks `{command}`"
        );
    }
}

#[test]
fn every_mdm_folder_is_listed() {
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if !entry.file_type().unwrap().is_dir() || name == "ci" {
            continue;
        }
        assert!(
            EXAMPLES.iter().any(|(folder, _, _)| *folder == name),
            "examples/{name} is not in the EXAMPLES table"
        );
    }
}
