//! The project file `confluence-mdm.toml`, which pins a repository's policy:
//!
//! ```toml
//! strict = true
//!
//! [rules]
//! client-id-format = "error"
//! title-duplicate = "allow"
//! ```
//!
//! Levels are `error`, `warning`, `info` and `allow`. Command-line flags
//! override the file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::check::policy::{Level, Policy};

/// The name looked for in the current directory.
pub const FILE_NAME: &str = "confluence-mdm.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    rules: std::collections::BTreeMap<String, String>,
}

/// Finds the project file: `explicit` when given, else `confluence-mdm.toml`
/// in the current directory when there is one.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let default = Path::new(FILE_NAME);
            default.is_file().then(|| default.to_path_buf())
        }
    }
}

/// Reads the policy in `path`.
pub fn load(path: &Path) -> anyhow::Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file `{}`", path.display()))?;
    let file: ConfigFile = toml::from_str(&text)
        .with_context(|| format!("invalid config file `{}`", path.display()))?;
    let mut policy = Policy::default();
    policy.strict = file.strict;
    for (id, level_text) in &file.rules {
        let Some(level) = Level::parse(level_text) else {
            bail!(
                "{}: the level `{level_text}` of `{id}` is not one of error, warning, info, allow",
                path.display()
            );
        };
        policy
            .set(id, level)
            .with_context(|| format!("invalid config file `{}`", path.display()))?;
    }
    Ok(policy)
}
