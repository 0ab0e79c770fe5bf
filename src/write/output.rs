//! File output: the only way the tool writes files. A regular file is
//! written atomically: the bytes go to a temporary file in the target's
//! folder, which is then renamed over the target, so a reader never sees half
//! a file and a failure leaves the old file as it was. A device or FIFO
//! (`/dev/stdout`, a named pipe) is written in place, since renaming over it
//! would replace it with a regular file.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Writes `bytes` to `path`. Rejects a path that is the same file as one of
/// `inputs`, so that an input is never overwritten by accident; `-` in
/// `inputs` stands for stdin.
pub fn write_output(path: &Path, bytes: &[u8], inputs: &[&Path]) -> anyhow::Result<()> {
    reject_inputs(path, inputs)?;

    let target = follow_links(path);
    match fs::metadata(&target) {
        Ok(metadata) if !metadata.is_file() => {
            if metadata.is_dir() {
                bail!("`{}` is a directory; name a file to write", path.display());
            }
            write_in_place(&target, bytes)
        }
        _ => write_atomic(&target, bytes),
    }
}

/// Follows symbolic links, even to a file that does not exist yet, so that
/// the link's target is written and the link stays.
fn follow_links(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // Linux gives up after 40 links (ELOOP); so does this loop.
    for _ in 0..40 {
        let is_link = fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            break;
        }
        let Ok(target) = fs::read_link(&current) else {
            break;
        };
        current = match current.parent() {
            Some(parent) if target.is_relative() => parent.join(target),
            _ => target,
        };
    }
    current
}

/// Rejects `path` when it is one of `inputs`, comparing device and inode
/// numbers so that links are seen through and no file is opened (opening a
/// FIFO would block).
fn reject_inputs(path: &Path, inputs: &[&Path]) -> anyhow::Result<()> {
    let Ok(output) = fs::metadata(path) else {
        return Ok(());
    };
    for input in inputs {
        let input_path = if input.as_os_str() == "-" {
            Path::new("/dev/stdin")
        } else {
            input
        };
        if let Ok(metadata) = fs::metadata(input_path)
            && metadata.is_file()
            && same_inode(&metadata, &output)
        {
            bail!(
                "`{}` is also an input; write the output to another file",
                path.display()
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

// NOTE: without inode numbers, only equal paths are caught on other systems.
#[cfg(not(unix))]
fn same_inode(_a: &fs::Metadata, _b: &fs::Metadata) -> bool {
    false
}

fn write_in_place(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open `{}` for writing", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Writes `bytes` to a temporary file beside `path`, to be renamed into
/// place by `commit`. Dropping the result removes the temporary file.
pub fn stage(path: &Path, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".confluence-mdm-")
        .tempfile_in(folder)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot create a temporary file in `{}`: {}",
                folder.display(),
                e.kind()
            )
        })?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    keep_permissions(path, temp.as_file());
    Ok(temp)
}

/// Renames a staged file into place.
pub fn commit(temp: tempfile::NamedTempFile, path: &Path) -> anyhow::Result<()> {
    temp.persist(path)
        .with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

/// Writes `bytes` to a regular file through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        bail!(
            "cannot write `{}`: the folder `{}` does not exist",
            path.display(),
            folder.display()
        );
    }
    commit(stage(path, bytes)?, path)
}

/// Gives the new file the old file's permissions, or the usual 0644 for a
/// new file (a temporary file starts at 0600).
#[cfg(unix)]
fn keep_permissions(path: &Path, file: &fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
    let _ = file.set_permissions(fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn keep_permissions(_path: &Path, _file: &fs::File) {}
