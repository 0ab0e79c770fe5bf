//! Generated documents stay in step with the code: docs/rules.md with the
//! rule table, and the README's rule list with `confluence-mdm rules`.

mod common;

use std::path::Path;

use confluence_mdm::check::rules;

#[test]
fn rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = rules::markdown();
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale or missing; regenerate it with \
         `UPDATE_EXPECTED=1 cargo test --test docs` and review the diff"
    );
}

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for rule in rules::ALL {
        let row = format!("| `{}` | {} | {} |", rule.id, rule.severity, rule.summary);
        assert!(
            readme.contains(&row),
            "README.md lacks the row {row}; regenerate the table with scripts/update-readme-rules"
        );
    }
}
