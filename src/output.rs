//! Writing a built site. Every problem found in the site's files stops a
//! build before anything reaches the output folder: pages go to a staging
//! folder beside it and move into place only once all are rendered and
//! written. Only a failure of the disk itself while they move (a full disk,
//! a permission taken away) can leave the output folder partly updated.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use crate::layout::{CONTENT_DIR, GIT_DIR, OUTPUT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::render::{Sink, SiteFile};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into `{}`: {reason}", .output.display())]
    Unsafe { output: PathBuf, reason: String },
    #[error("cannot {action} `{}`: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> OutputError + 'a {
    move |source| OutputError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A checked output folder: not the site itself, not a parent of it, and not
/// a folder that holds the editors' files.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    pub fn new(root: &Path, output: &Path) -> Result<OutputDir, OutputError> {
        let root = root
            .canonicalize()
            .map_err(io_error("find the site folder", root))?;
        let output = absolute(output)?;
        let unsafe_output = |reason: &str| OutputError::Unsafe {
            output: output.clone(),
            reason: reason.to_string(),
        };
        if output == root {
            return Err(unsafe_output(
                "it is the site folder itself; choose a folder of its own, such as `public/`",
            ));
        }
        if root.starts_with(&output) {
            return Err(unsafe_output(
                "it contains the site folder; choose a folder of its own, such as `public/`",
            ));
        }
        for kept in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, GIT_DIR] {
            if output.starts_with(root.join(kept)) {
                return Err(unsafe_output(&format!("it is inside `{kept}/`, which holds your own files; choose a folder of its own, such as `public/`")));
            }
        }
        if output.is_dir() && !looks_built(&output)? {
            return Err(unsafe_output("it holds files that are not a built site (there is no index.html); empty it or choose another folder"));
        }
        Ok(OutputDir { path: output })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts writing a build: files go in through [`Staging::put`] as they
    /// are made, and nothing reaches the output folder before
    /// [`Staging::commit`].
    pub fn begin(&self) -> Result<Staging<'_>, OutputError> {
        self.remove_abandoned_staging()?;
        let dir = self.staging_dir(std::process::id());
        remove_if_present(&dir)?;
        fs::create_dir_all(&dir).map_err(io_error("create the folder", &dir))?;
        let fresh = !self.path.exists() || is_empty(&self.path)?;
        Ok(Staging {
            output: self,
            dir,
            fresh,
            folders: Mutex::default(),
            planned: Mutex::default(),
            changed: Mutex::default(),
            committed: false,
        })
    }

    fn staging_prefix(&self) -> String {
        let name = self
            .path
            .file_name()
            .map_or_else(|| OUTPUT_DIR.into(), |n| n.to_string_lossy());
        format!(".{name}.concord-staging-")
    }

    fn staging_dir(&self, process: u32) -> PathBuf {
        self.path
            .with_file_name(format!("{}{process}", self.staging_prefix()))
    }

    /// A build stopped by Ctrl-C leaves its staging folder behind: the next
    /// build removes it.
    fn remove_abandoned_staging(&self) -> Result<(), OutputError> {
        let Some(parent) = self.path.parent() else {
            return Ok(());
        };
        let prefix = self.staging_prefix();
        let Ok(entries) = fs::read_dir(parent) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                remove_if_present(&entry.path())?;
            }
        }
        Ok(())
    }
}

/// A build being written. A new output folder is written beside its place
/// and moved in whole. An existing one is updated: files whose bytes did not
/// change are left alone (timestamps and all, for rsync-style publishing),
/// changed files wait in the staging folder until `commit` moves them into
/// place, and files the site no longer has are removed then, except hidden
/// ones (a `.git` folder that publishes the site stays). Dropped without
/// `commit`, it leaves the output folder exactly as it was.
pub struct Staging<'o> {
    output: &'o OutputDir,
    dir: PathBuf,
    fresh: bool,
    /// Folders already made in the staging folder.
    folders: Mutex<HashSet<PathBuf>>,
    /// Every file of the new site.
    planned: Mutex<HashSet<String>>,
    /// The files that are new or differ from the output folder's.
    changed: Mutex<BTreeSet<String>>,
    committed: bool,
}

impl Sink for Staging<'_> {
    type Error = OutputError;

    fn put(&self, file: SiteFile) -> Result<(), OutputError> {
        self.write(&file.path, &file.bytes)
    }
}

impl Staging<'_> {
    /// Takes one file of the site, by its path in the output folder.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let first = lock(&self.planned).insert(path.to_string());
        let target = self.output.path.join(path);
        if first && !self.fresh && same_bytes(&target, bytes) {
            return Ok(());
        }
        let staged = self.dir.join(path);
        if let Some(folder) = staged.parent() {
            if !lock(&self.folders).contains(folder) {
                fs::create_dir_all(folder).map_err(io_error("create the folder", folder))?;
                lock(&self.folders).insert(folder.to_path_buf());
            }
        }
        fs::write(&staged, bytes).map_err(io_error("write", &staged))?;
        lock(&self.changed).insert(path.to_string());
        Ok(())
    }

    /// Moves the new site into place.
    pub fn commit(mut self) -> Result<WriteReport, OutputError> {
        self.committed = true;
        let changed = std::mem::take(&mut *lock(&self.changed));
        let planned = std::mem::take(&mut *lock(&self.planned));
        if self.fresh {
            self.move_in_whole()?;
            return Ok(WriteReport {
                changed: changed.into_iter().collect(),
                removed: Vec::new(),
            });
        }
        let moved = move_into_place(&self.dir, &self.output.path, &changed);
        let _ = fs::remove_dir_all(&self.dir);
        moved?;
        let removed = remove_stale(&self.output.path, &planned)?;
        Ok(WriteReport {
            changed: changed.into_iter().collect(),
            removed,
        })
    }

    fn move_in_whole(&self) -> Result<(), OutputError> {
        let path = &self.output.path;
        if path.exists() {
            fs::remove_dir(path).map_err(io_error("replace the empty folder", path))?;
        }
        fs::rename(&self.dir, path).map_err(|error| {
            let _ = fs::remove_dir_all(&self.dir);
            io_error("move the new site into place at", path)(error)
        })
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

/// What a write did, by paths relative to the output folder, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or their bytes changed.
    pub changed: Vec<String>,
    /// Files removed because the site no longer has them.
    pub removed: Vec<String>,
}

fn same_bytes(target: &Path, bytes: &[u8]) -> bool {
    fs::metadata(target).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(target).is_ok_and(|existing| existing == bytes)
}

fn is_empty(dir: &Path) -> Result<bool, OutputError> {
    let mut entries = fs::read_dir(dir).map_err(io_error("read the folder", dir))?;
    Ok(entries.next().is_none())
}

fn move_into_place(
    staging: &Path,
    output: &Path,
    files: &BTreeSet<String>,
) -> Result<(), OutputError> {
    let folders: BTreeSet<&Path> = files
        .iter()
        .filter_map(|path| Path::new(path).parent())
        .collect();
    for folder in folders {
        let folder = output.join(folder);
        fs::create_dir_all(&folder).map_err(io_error("create the folder", &folder))?;
    }
    for path in files {
        let target = output.join(path);
        move_file(&staging.join(path), &target).map_err(io_error("move into place", &target))?;
    }
    Ok(())
}

/// A rename, or a copy where the output folder is on another disk (a mount point).
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(error) if error.kind() == io::ErrorKind::CrossesDevices => {
            fs::copy(from, to)?;
            fs::remove_file(from)
        }
        result => result,
    }
}

/// Removes files the site no longer has, and the folders that leaves empty.
/// Hidden files and folders are never touched: they are not Concord's.
fn remove_stale(output: &Path, planned: &HashSet<String>) -> Result<Vec<String>, OutputError> {
    let mut removed = Vec::new();
    let mut folders = Vec::new();
    let walker = WalkDir::new(output).min_depth(1).contents_first(true);
    for entry in walker {
        let entry = entry.map_err(|error| OutputError::Io {
            action: "read",
            path: error.path().unwrap_or(output).to_path_buf(),
            source: error.into(),
        })?;
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        if relative.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        if entry.file_type().is_dir() {
            folders.push(entry.path().to_path_buf());
        } else if !planned.contains(&relative) {
            fs::remove_file(entry.path()).map_err(io_error("remove", entry.path()))?;
            removed.push(relative);
        }
    }
    for folder in folders {
        let _ = fs::remove_dir(folder);
    }
    removed.sort();
    Ok(removed)
}

/// `output` made absolute against the current folder, with `..` and links
/// resolved (the folder's own, when it exists, too); its parent folders are created.
fn absolute(output: &Path) -> Result<PathBuf, OutputError> {
    let joined = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(io_error("find the current folder", output))?
            .join(output)
    };
    if joined.exists() {
        return joined
            .canonicalize()
            .map_err(io_error("find the folder", output));
    }
    let name = joined.file_name().map(|n| n.to_os_string());
    let parent = joined.parent().filter(|p| !p.as_os_str().is_empty());
    match (parent, name) {
        (Some(parent), Some(name)) => {
            fs::create_dir_all(parent).map_err(io_error("create the folder", parent))?;
            let parent = parent
                .canonicalize()
                .map_err(io_error("find the folder", parent))?;
            Ok(parent.join(name))
        }
        _ => joined
            .canonicalize()
            .map_err(io_error("find the folder", output)),
    }
}

fn looks_built(dir: &Path) -> Result<bool, OutputError> {
    let mut entries = fs::read_dir(dir).map_err(io_error("read the folder", dir))?;
    Ok(entries.next().is_none() || dir.join("index.html").is_file())
}

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(io_error("remove", path)(error))
        }
        _ => Ok(()),
    }
}
