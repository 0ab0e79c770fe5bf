//! Atomic file output: the only way the tool writes files. The bytes go to a
//! temporary file in the target's folder, which is then renamed over the
//! target, so a reader never sees half a file and a failure leaves the old
//! file as it was.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

/// Writes `bytes` to `path` atomically. Refuses a path that is one of
/// `inputs`, so that an input is never overwritten by accident.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[&Path]) -> anyhow::Result<()> {
    for input in inputs {
        if same_file::is_same_file(path, input).unwrap_or(false) {
            bail!(
                "`{}` is also an input; write the output to another file",
                path.display()
            );
        }
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".confluence-mdm-")
        .tempfile_in(folder)
        .with_context(|| format!("cannot create a temporary file in `{}`", folder.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    keep_permissions(path, temp.as_file());
    temp.persist(path)
        .with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

/// Gives the new file the old file's permissions, or the usual 0644 for a
/// new file (a temporary file starts at 0600).
#[cfg(unix)]
fn keep_permissions(path: &Path, file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
    let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn keep_permissions(_path: &Path, _file: &std::fs::File) {}
