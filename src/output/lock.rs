//! One build at a time per output folder: an advisory lock on a file beside
//! it, held for the whole write, with the holder's process id inside so that
//! a waiting build can say whom it waits for. The file is removed when the
//! lock is released; a build that finds it replaced after locking it starts
//! again on the new one.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::{io_error, OutputError};

/// A held lock; dropping it (or the process ending, however it ends) releases it.
#[derive(Debug)]
pub struct BuildLock {
    path: PathBuf,
    file: File,
}

impl BuildLock {
    /// Takes the lock at `path`. When another build holds it, fails at once
    /// unless `wait`, in which case `waiting` is told the holder's process
    /// id (when it wrote one) before this blocks.
    pub fn acquire(
        path: &Path,
        output: &Path,
        wait: bool,
        waiting: &dyn Fn(Option<u32>),
    ) -> Result<BuildLock, OutputError> {
        let mut told = false;
        loop {
            let mut file = open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let holder = holder(&mut file);
                    if !wait {
                        return Err(OutputError::Busy {
                            output: output.to_path_buf(),
                            holder,
                        });
                    }
                    if !told {
                        waiting(holder);
                        told = true;
                    }
                    file.lock().map_err(io_error("lock", path))?;
                }
                Err(TryLockError::Error(error)) => return Err(io_error("lock", path)(error)),
            }
            if is_still_at(&file, path) {
                let written = file
                    .set_len(0)
                    .and_then(|()| file.rewind())
                    .and_then(|()| write!(file, "{}", std::process::id()));
                written.map_err(io_error("write the lock file", path))?;
                return Ok(BuildLock {
                    path: path.to_path_buf(),
                    file,
                });
            }
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no build locks a file that is gone.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn open(path: &Path) -> Result<File, OutputError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_error("create the lock file", path))
}

fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether `file` is still the file at `path`: the build that held it may
/// have removed it while this one waited.
#[cfg(unix)]
fn is_still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_still_at(_: &File, path: &Path) -> bool {
    path.exists()
}
