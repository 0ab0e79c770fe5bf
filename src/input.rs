//! Loading input bytes from a file or stdin, with a size limit. Failures
//! here mean the input could not be read at all (exit status 2), unlike a
//! file that was read but contains no valid config.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Default limit on input size: 64 MiB, far above a 100,000-site list.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// One input as read: its display name, its path unless it is stdin, and
/// its bytes.
#[derive(Debug)]
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
}

/// The reason an input could not be read.
#[derive(Debug)]
pub struct ReadError {
    pub name: String,
    pub reason: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

impl std::error::Error for ReadError {}

/// Reads `arg`, a path or `-` for stdin, refusing more than `max_size` bytes.
pub fn load(arg: &str, max_size: u64) -> Result<Input, ReadError> {
    if arg == "-" {
        let bytes = read_limited(io::stdin().lock(), max_size).map_err(|reason| ReadError {
            name: "<stdin>".into(),
            reason,
        })?;
        return Ok(Input {
            name: "<stdin>".into(),
            path: None,
            bytes,
        });
    }
    let path = Path::new(arg);
    let fail = |reason: String| ReadError {
        name: arg.to_owned(),
        reason,
    };
    let file = File::open(path).map_err(|e| fail(describe_open_error(&e)))?;
    let metadata = file
        .metadata()
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if metadata.is_dir() {
        return Err(fail("is a directory, not a file".into()));
    }
    if metadata.len() > max_size {
        return Err(fail(too_large(metadata.len(), max_size)));
    }
    let bytes = read_limited_sized(file, max_size, metadata.len()).map_err(fail)?;
    Ok(Input {
        name: arg.to_owned(),
        path: Some(path.to_path_buf()),
        bytes,
    })
}

fn describe_open_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot open: {error}"),
    }
}

fn too_large(size: u64, max_size: u64) -> String {
    format!("is {size} bytes, over the limit of {max_size} bytes; raise it with `--max-input-size`")
}

/// Reads at most `max_size` bytes; a reader with more is an error, so a
/// special file or pipe cannot exhaust memory.
fn read_limited(reader: impl Read, max_size: u64) -> Result<Vec<u8>, String> {
    read_limited_sized(reader, max_size, 0)
}

/// Reads as `read_limited`, with room for `expected` bytes from the start,
/// so that a large file is not copied on every doubling of the buffer.
fn read_limited_sized(reader: impl Read, max_size: u64, expected: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(expected.min(max_size) as usize + 1);
    reader
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            io::ErrorKind::IsADirectory => "is a directory, not a file".to_owned(),
            _ => format!("cannot read: {e}"),
        })?;
    if bytes.len() as u64 > max_size {
        return Err(format!(
            "is over the limit of {max_size} bytes; raise it with `--max-input-size`"
        ));
    }
    Ok(bytes)
}
