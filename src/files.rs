//! Opening the files a command reads and writes, so that no input makes it hang and no output
//! loses work: only regular files are read (opening a named pipe nobody writes to blocks
//! forever), within a size limit; an output never replaces an existing file unless the user
//! said `--force`, never replaces one of the command's own inputs, and is never a pipe or a
//! device.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system refused (no such file, no permission …).
    #[error("cannot read {file}: {source}")]
    Io {
        /// The file as given.
        file: String,
        /// The cause.
        source: io::Error,
    },
    /// The path names a pipe, a directory, a device or a socket.
    #[error("cannot read {file}: it is {kind}, not a regular file")]
    NotAFile {
        /// The file as given.
        file: String,
        /// What it is instead (`a named pipe (FIFO)`, `a directory` …).
        kind: &'static str,
    },
    /// The file is larger than anything of its kind can be.
    #[error("cannot read {file}: it is {size} bytes, more than the limit of {limit} for {what}")]
    TooBig {
        /// The file as given.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
        /// What kind of file it was meant to be.
        what: &'static str,
    },
}

impl ReadError {
    /// Why, without the file's name (for messages that name it already).
    pub fn reason(&self) -> String {
        match self {
            Self::Io { source, .. } => source.to_string(),
            Self::NotAFile { kind, .. } => format!("it is {kind}, not a regular file"),
            Self::TooBig {
                size, limit, what, ..
            } => format!("it is {size} bytes, more than the limit of {limit} for {what}"),
        }
    }
}

/// Why an output could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and `--force` was not given.
    #[error("{file} already exists; choose another name, or pass --force to replace it")]
    Exists {
        /// The file as given.
        file: String,
    },
    /// The output is one of the command's inputs.
    #[error("{file} is the {input} this command reads; it cannot also be its output")]
    IsInput {
        /// The file as given.
        file: String,
        /// Which input it is (`scenario`, `replay log` …).
        input: &'static str,
    },
    /// The path names a pipe, a directory, a device or a socket.
    #[error("cannot write {file}: it is {kind}, not a regular file")]
    NotAFile {
        /// The file as given.
        file: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// The operating system refused.
    #[error("cannot write {file}: {source}")]
    Io {
        /// The file as given.
        file: String,
        /// The cause.
        source: io::Error,
    },
}

/// What a file that is not a regular one is, in words; `None` for a regular file.
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Checks that `path` is a regular file (following symbolic links) without opening it, so a
/// named pipe is refused rather than waited on.
pub fn check_input(path: &Path) -> Result<(), ReadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
        file: file.clone(),
        source,
    })?;
    match not_a_file(&meta) {
        Some(kind) => Err(ReadError::NotAFile { file, kind }),
        None => Ok(()),
    }
}

/// Reads a whole input file of at most `limit` bytes; `what` names its kind in the error
/// (`a scenario`, `an action file`).
pub fn read_input(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    check_input(path)?;
    let file = path.display().to_string();
    let io_error = |source| ReadError::Io {
        file: file.clone(),
        source,
    };
    let handle = File::open(path).map_err(io_error)?;
    // Whatever was swapped in between the check and the open is looked at again.
    let meta = handle.metadata().map_err(io_error)?;
    if let Some(kind) = not_a_file(&meta) {
        return Err(ReadError::NotAFile { file, kind });
    }
    let too_big = |size| ReadError::TooBig {
        file: file.clone(),
        size,
        limit,
        what,
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file growing while it is read stops at the limit.
    handle
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Whether two paths name the same existing file (through links too), found without opening
/// either: opening a named pipe blocks.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (ma.dev(), ma.ino()) == (mb.dev(), mb.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// Opens an output file: a new file, or with `force` a regular file that is replaced. Refused
/// when it is one of `inputs` (each with the word for it), whatever `force` says.
pub fn create_output(
    path: &Path,
    force: bool,
    inputs: &[(&Path, &'static str)],
) -> Result<File, WriteError> {
    let file = path.display().to_string();
    for (input, word) in inputs {
        if same_file(path, input) {
            return Err(WriteError::IsInput { file, input: word });
        }
    }
    let io_error = |source| WriteError::Io {
        file: file.clone(),
        source,
    };
    if !force {
        return OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => WriteError::Exists { file: file.clone() },
                _ => io_error(e),
            });
    }
    match std::fs::metadata(path) {
        Ok(meta) => {
            if let Some(kind) = not_a_file(&meta) {
                return Err(WriteError::NotAFile { file, kind });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
    }
    File::create(path).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d =
            std::env::temp_dir().join(format!("cyberdrill-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn reads_regular_files_within_the_limit() {
        let d = dir("read");
        let f = d.join("a.ron");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_input(&f, 5, "a test").unwrap(), b"12345");
        assert!(matches!(
            read_input(&f, 4, "a test"),
            Err(ReadError::TooBig { size: 5, .. })
        ));
        assert!(matches!(
            read_input(&d, 4, "a test"),
            Err(ReadError::NotAFile {
                kind: "a directory",
                ..
            })
        ));
        assert!(matches!(
            read_input(&d.join("none"), 4, "a test"),
            Err(ReadError::Io { .. })
        ));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn outputs_are_new_unless_forced_and_never_an_input() {
        let d = dir("write");
        let out = d.join("out.txt");
        let input = d.join("in.txt");
        std::fs::write(&input, b"keep").unwrap();
        assert!(create_output(&out, false, &[(&input, "input")]).is_ok());
        assert!(matches!(
            create_output(&out, false, &[]),
            Err(WriteError::Exists { .. })
        ));
        assert!(create_output(&out, true, &[]).is_ok());
        for force in [false, true] {
            assert!(matches!(
                create_output(&input, force, &[(&input, "input")]),
                Err(WriteError::IsInput { input: "input", .. })
            ));
        }
        assert!(matches!(
            create_output(&d, true, &[]),
            Err(WriteError::NotAFile { .. })
        ));
        assert_eq!(std::fs::read(&input).unwrap(), b"keep");
        let _ = std::fs::remove_dir_all(&d);
    }
}
