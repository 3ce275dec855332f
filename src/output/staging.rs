//! A build being written: the new site assembled in a staging folder, then
//! put in place of the old one in one step.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use super::lock::BuildLock;
use super::{io_error, OutputDir, OutputError};
use crate::render::{Sink, SiteFile};

/// How staging folders are named, beside the output folder
/// (`.public.concord-staging-<pid>`) or, for a mount point, inside it.
const STAGING: &str = "concord-staging-";

/// What a write did, by paths relative to the output folder, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or their bytes changed.
    pub changed: Vec<String>,
    /// Files removed because the site no longer has them.
    pub removed: Vec<String>,
}

/// A build being written. Files whose bytes did not change are hard links
/// to the old ones (same inode, same timestamps, for rsync-style
/// publishing); the others are written anew. `commit` swaps the staging
/// folder with the output folder in one step, then moves hidden entries
/// (a `.git` folder that publishes the site) from the old site into the
/// new one: they are not Concord's. Dropped without `commit`, it leaves the
/// output folder exactly as it was.
pub struct Staging<'o> {
    output: &'o OutputDir,
    _lock: BuildLock,
    dir: PathBuf,
    /// The output folder is a mount point, which cannot be swapped: files
    /// move into it one by one, from a staging folder inside it.
    in_place: bool,
    /// No old site to compare with.
    fresh: bool,
    /// Folders already made in the staging folder.
    folders: Mutex<HashSet<PathBuf>>,
    /// Every file of the new site.
    planned: Mutex<HashSet<String>>,
    /// The files that are new or differ from the old site's.
    changed: Mutex<BTreeSet<String>>,
    /// Whether the staging folder is no longer ours to remove.
    committed: bool,
}

impl Sink for Staging<'_> {
    type Error = OutputError;

    fn put(&self, file: SiteFile) -> Result<(), OutputError> {
        self.write(&file.path, &file.bytes)
    }
}

impl<'o> Staging<'o> {
    pub(super) fn open(output: &'o OutputDir, lock: BuildLock) -> Result<Staging<'o>, OutputError> {
        let path = &output.path;
        let in_place = path.is_dir() && is_mount_point(path);
        clear_abandoned(output)?;
        let fresh = !path.is_dir() || is_empty(path)?;
        let name = format!("{STAGING}{}", std::process::id());
        let dir = if in_place {
            path.join(format!(".{name}"))
        } else {
            output.beside(&name)
        };
        fs::create_dir_all(&dir).map_err(io_error("create the folder", &dir))?;
        Ok(Staging {
            output,
            _lock: lock,
            dir,
            in_place,
            fresh,
            folders: Mutex::default(),
            planned: Mutex::default(),
            changed: Mutex::default(),
            committed: false,
        })
    }

    /// Takes one file of the site, by its path in the output folder.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let first = lock(&self.planned).insert(path.to_string());
        let old = self.output.path.join(path);
        let staged = self.dir.join(path);
        if first && !self.fresh && same_bytes(&old, bytes) {
            if self.in_place {
                return Ok(());
            }
            self.make_folder(&staged)?;
            return keep_unchanged(&old, &staged).map_err(io_error("link", &staged));
        }
        self.make_folder(&staged)?;
        fs::write(&staged, bytes).map_err(io_error("write", &staged))?;
        lock(&self.changed).insert(path.to_string());
        Ok(())
    }

    fn make_folder(&self, file: &Path) -> Result<(), OutputError> {
        let Some(folder) = file.parent() else {
            return Ok(());
        };
        if !lock(&self.folders).contains(folder) {
            fs::create_dir_all(folder).map_err(io_error("create the folder", folder))?;
            lock(&self.folders).insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// Puts the new site in place of the old one.
    pub fn commit(mut self) -> Result<WriteReport, OutputError> {
        let changed: Vec<String> = std::mem::take(&mut *lock(&self.changed))
            .into_iter()
            .collect();
        let planned = std::mem::take(&mut *lock(&self.planned));
        let removed = if self.in_place {
            self.move_in(&changed, &planned)?
        } else {
            self.swap(&planned)?
        };
        Ok(WriteReport { changed, removed })
    }

    /// Swaps the staging folder with the output folder, then clears the old site away.
    fn swap(&mut self, planned: &HashSet<String>) -> Result<Vec<String>, OutputError> {
        let output = &self.output.path;
        if !output.exists() {
            fs::rename(&self.dir, output).map_err(io_error("move the new site to", output))?;
            self.committed = true;
            return Ok(Vec::new());
        }
        let old = self.exchange()?;
        carry_hidden(&old, output)?;
        let removed = stale_files(&old, planned)?;
        fs::remove_dir_all(&old).map_err(io_error("remove the old site at", &old))?;
        Ok(removed)
    }

    /// Puts the staging folder where the output folder is, and returns where the old site went.
    fn exchange(&mut self) -> Result<PathBuf, OutputError> {
        let output = &self.output.path;
        match exchange(&self.dir, output) {
            Ok(()) => {
                self.committed = true;
                return Ok(self.dir.clone());
            }
            Err(error) if error.kind() != io::ErrorKind::Unsupported => {
                return Err(io_error("swap the new site with", output)(error))
            }
            Err(_) => {}
        }
        // Without an atomic exchange the output folder is missing for the
        // moment between two renames.
        let old = self
            .output
            .beside(&format!("{STAGING}{}-old", std::process::id()));
        fs::rename(output, &old).map_err(io_error("move the old site to", &old))?;
        if let Err(error) = fs::rename(&self.dir, output) {
            let _ = fs::rename(&old, output);
            return Err(io_error("move the new site to", output)(error));
        }
        self.committed = true;
        Ok(old)
    }

    /// For a mount point: moves each changed file into place (each complete,
    /// by a rename), then removes the files the site no longer has.
    fn move_in(
        &mut self,
        changed: &[String],
        planned: &HashSet<String>,
    ) -> Result<Vec<String>, OutputError> {
        self.committed = true;
        let output = &self.output.path;
        for path in changed {
            let target = output.join(path);
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder).map_err(io_error("create the folder", folder))?;
            }
            fs::rename(self.dir.join(path), &target)
                .map_err(io_error("move into place", &target))?;
        }
        let _ = fs::remove_dir_all(&self.dir);
        let removed = stale_files(output, planned)?;
        for path in &removed {
            let file = output.join(path);
            fs::remove_file(&file).map_err(io_error("remove", &file))?;
        }
        remove_empty_folders(output);
        Ok(removed)
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A lock that a panic elsewhere cannot make unusable: the sets it guards
/// stay valid whatever happened to the thread that held it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes what killed builds left: staging folders beside the output
/// folder (after moving back any hidden entry of an old site that the
/// output folder lacks) and inside it. Called with the lock held, so none
/// of them is another build's.
fn clear_abandoned(output: &OutputDir) -> Result<(), OutputError> {
    let prefix = output.beside(STAGING);
    let prefix = prefix.file_name().unwrap_or_default().to_string_lossy();
    let inside = format!(".{STAGING}");
    let beside = entries_named(output.parent(), &prefix);
    let within = entries_named(&output.path, &inside);
    for dir in beside {
        if output.path.is_dir() {
            carry_hidden(&dir, &output.path)?;
        }
        fs::remove_dir_all(&dir).map_err(io_error("remove", &dir))?;
    }
    for dir in within {
        fs::remove_dir_all(&dir).map_err(io_error("remove", &dir))?;
    }
    Ok(())
}

fn entries_named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .map(|entry| entry.path())
        .collect()
}

/// Moves every hidden file or folder of `from` (at any depth, not looking
/// inside hidden folders) to the same place in `to`, unless `to` has it.
fn carry_hidden(from: &Path, to: &Path) -> Result<(), OutputError> {
    let mut walker = WalkDir::new(from).min_depth(1).into_iter();
    let mut hidden = Vec::new();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(walk_error(from))?;
        if is_hidden(&entry) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            hidden.push(entry.path().to_path_buf());
        }
    }
    for path in hidden {
        let target = to.join(path.strip_prefix(from).unwrap_or(&path));
        if target.symlink_metadata().is_ok() {
            continue;
        }
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).map_err(io_error("create the folder", folder))?;
        }
        fs::rename(&path, &target).map_err(io_error("keep", &target))?;
    }
    Ok(())
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.file_name().to_string_lossy().starts_with('.')
}

fn walk_error(root: &Path) -> impl Fn(walkdir::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        action: "read",
        path: error.path().unwrap_or(root).to_path_buf(),
        source: error.into(),
    }
}

/// The files of the site in `tree` that are not `planned`, hidden ones left
/// out, relative to `tree`, in order.
fn stale_files(tree: &Path, planned: &HashSet<String>) -> Result<Vec<String>, OutputError> {
    let walker = WalkDir::new(tree)
        .min_depth(1)
        .into_iter()
        .filter_entry(|entry| !is_hidden(entry));
    let mut stale = Vec::new();
    for entry in walker {
        let entry = entry.map_err(walk_error(tree))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(tree).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        if !planned.contains(&relative) {
            stale.push(relative);
        }
    }
    stale.sort();
    Ok(stale)
}

fn remove_empty_folders(tree: &Path) {
    let walker = WalkDir::new(tree)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .filter_entry(|entry| !is_hidden(entry));
    for entry in walker.flatten() {
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path());
        }
    }
}

fn same_bytes(target: &Path, bytes: &[u8]) -> bool {
    fs::metadata(target).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(target).is_ok_and(|existing| existing == bytes)
}

fn is_empty(dir: &Path) -> Result<bool, OutputError> {
    let mut entries = fs::read_dir(dir).map_err(io_error("read the folder", dir))?;
    Ok(entries.next().is_none())
}

/// An unchanged file in the new site: a hard link to the old one, or where
/// the disk has none, a copy with the old one's modification time.
fn keep_unchanged(old: &Path, new: &Path) -> io::Result<()> {
    if fs::hard_link(old, new).is_ok() {
        return Ok(());
    }
    fs::copy(old, new)?;
    let modified = fs::metadata(old)?.modified()?;
    fs::File::options()
        .write(true)
        .open(new)?
        .set_modified(modified)
}

#[cfg(unix)]
fn is_mount_point(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let parent = path.parent().unwrap_or(path);
    match (fs::metadata(path), fs::metadata(parent)) {
        (Ok(dir), Ok(parent)) => dir.dev() != parent.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path) -> bool {
    false
}

/// Swaps two folders in one step (Linux's `renameat2` with `RENAME_EXCHANGE`);
/// `Unsupported` where the system or the disk cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS) => Err(io::ErrorKind::Unsupported.into()),
        _ => Err(error),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}
