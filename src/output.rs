//! Writing a built site: everything goes into a staging folder beside the
//! output folder, which is swapped in only once complete. A failed build
//! leaves the previous output exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::CONTENT_DIR;
use crate::render::theme::{EMBEDDED_ASSETS, TEMPLATES_DIR};
use crate::render::RenderedFile;

pub const STATIC_DIR: &str = "static";

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
        for kept in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, ".git"] {
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

    /// Writes the embedded theme assets, the site's `static/` files and the
    /// rendered pages. A new output folder is written beside its place and
    /// moved in whole. An existing one is updated: files whose bytes did not
    /// change are left alone (timestamps and all, for rsync-style publishing),
    /// changed files are all written to a staging folder first and moved into
    /// place only once every one of them is written, and files the site no
    /// longer has are removed.
    pub fn write(
        &self,
        static_dir: &Path,
        files: &[RenderedFile],
    ) -> Result<WriteReport, OutputError> {
        let planned = plan(static_dir, files)?;
        let static_files = planned
            .values()
            .filter(|s| !matches!(s, Bytes::Page(_)))
            .count();
        let staging = self.sibling("staging");
        remove_if_present(&staging)?;
        let fresh = !self.path.exists() || is_empty(&self.path)?;
        let changed: Vec<(&str, &Bytes)> = if fresh {
            planned
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes))
                .collect()
        } else {
            unchanged_filter(&self.path, &planned)?
        };
        let staged = stage(&staging, &changed);
        if let Err(error) = staged {
            let _ = fs::remove_dir_all(&staging);
            return Err(error);
        }
        let removed = if fresh {
            self.move_in_whole(&staging)?;
            0
        } else {
            let moved = move_into_place(&staging, &self.path, &changed);
            let _ = fs::remove_dir_all(&staging);
            moved?;
            remove_stale(&self.path, &planned)?
        };
        Ok(WriteReport {
            written: changed.len(),
            removed,
            static_files,
        })
    }

    fn sibling(&self, purpose: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy());
        self.path
            .with_file_name(format!(".{name}.concord-{purpose}-{}", std::process::id()))
    }

    fn move_in_whole(&self, staging: &Path) -> Result<(), OutputError> {
        if self.path.exists() {
            fs::remove_dir(&self.path).map_err(io_error("replace the empty folder", &self.path))?;
        }
        fs::rename(staging, &self.path).map_err(|error| {
            let _ = fs::remove_dir_all(staging);
            io_error("move the new site into place at", &self.path)(error)
        })
    }
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or their bytes changed.
    pub written: usize,
    /// Files removed because the site no longer has them.
    pub removed: usize,
    /// Theme assets and files from `static/` in the site.
    pub static_files: usize,
}

/// Where the bytes of one output file come from.
enum Bytes<'a> {
    Page(&'a str),
    Asset(&'static [u8]),
    /// A file of `static/`, copied as it is.
    Copy(PathBuf),
}

impl Bytes<'_> {
    fn read(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            Bytes::Page(text) => text.as_bytes().into(),
            Bytes::Asset(bytes) => (*bytes).into(),
            Bytes::Copy(path) => fs::read(path)?.into(),
        })
    }
}

/// Every output file by path: theme assets, then `static/`, then pages,
/// each replacing a file of the same path before it.
fn plan<'a>(
    static_dir: &Path,
    files: &'a [RenderedFile],
) -> Result<BTreeMap<String, Bytes<'a>>, OutputError> {
    let mut planned: BTreeMap<String, Bytes> = BTreeMap::new();
    for (name, bytes) in EMBEDDED_ASSETS {
        planned.insert(name.to_string(), Bytes::Asset(bytes));
    }
    for relative in static_files(static_dir)? {
        let source = static_dir.join(&relative);
        planned.insert(relative, Bytes::Copy(source));
    }
    for file in files {
        planned.insert(file.path.clone(), Bytes::Page(&file.contents));
    }
    Ok(planned)
}

fn is_empty(dir: &Path) -> Result<bool, OutputError> {
    let mut entries = fs::read_dir(dir).map_err(io_error("read the folder", dir))?;
    Ok(entries.next().is_none())
}

/// The planned files whose bytes differ from what `output` holds.
fn unchanged_filter<'p, 'a>(
    output: &Path,
    planned: &'p BTreeMap<String, Bytes<'a>>,
) -> Result<Vec<(&'p str, &'p Bytes<'a>)>, OutputError> {
    let results: Vec<Result<Option<(&str, &Bytes)>, OutputError>> = planned
        .par_iter()
        .map(|(path, bytes)| {
            let wanted = bytes.read().map_err(io_error("read", Path::new(path)))?;
            let target = output.join(path);
            let same = fs::metadata(&target)
                .is_ok_and(|m| m.is_file() && m.len() == wanted.len() as u64)
                && fs::read(&target).is_ok_and(|existing| existing == *wanted);
            Ok((!same).then_some((path.as_str(), bytes)))
        })
        .collect();
    let mut changed = Vec::new();
    for result in results {
        changed.extend(result?);
    }
    Ok(changed)
}

/// Writes `files` under `staging`, creating every folder once first.
fn stage(staging: &Path, files: &[(&str, &Bytes)]) -> Result<(), OutputError> {
    fs::create_dir_all(staging).map_err(io_error("create the folder", staging))?;
    let folders: BTreeSet<&Path> = files
        .iter()
        .filter_map(|(path, _)| Path::new(path).parent())
        .collect();
    for folder in folders {
        let folder = staging.join(folder);
        fs::create_dir_all(&folder).map_err(io_error("create the folder", &folder))?;
    }
    files.par_iter().try_for_each(|(path, bytes)| {
        let target = staging.join(path);
        let contents = bytes.read().map_err(io_error("read", Path::new(path)))?;
        fs::write(&target, contents).map_err(io_error("write", &target))
    })
}

fn move_into_place(
    staging: &Path,
    output: &Path,
    files: &[(&str, &Bytes)],
) -> Result<(), OutputError> {
    let folders: BTreeSet<&Path> = files
        .iter()
        .filter_map(|(path, _)| Path::new(path).parent())
        .collect();
    for folder in folders {
        let folder = output.join(folder);
        fs::create_dir_all(&folder).map_err(io_error("create the folder", &folder))?;
    }
    for (path, _) in files {
        let target = output.join(path);
        fs::rename(staging.join(path), &target).map_err(io_error("move into place", &target))?;
    }
    Ok(())
}

/// Removes files the site no longer has, and the folders that leaves empty.
fn remove_stale(output: &Path, planned: &BTreeMap<String, Bytes>) -> Result<usize, OutputError> {
    let mut removed = 0;
    let mut folders = Vec::new();
    for entry in WalkDir::new(output).min_depth(1).contents_first(true) {
        let entry = entry.map_err(|error| OutputError::Io {
            action: "read",
            path: error.path().unwrap_or(output).to_path_buf(),
            source: error.into(),
        })?;
        let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            folders.push(entry.path().to_path_buf());
        } else if !planned.contains_key(&relative) {
            fs::remove_file(entry.path()).map_err(io_error("remove", entry.path()))?;
            removed += 1;
        }
    }
    for folder in folders {
        let _ = fs::remove_dir(folder);
    }
    Ok(removed)
}

/// `output` made absolute against the current folder, with `..` and links resolved
/// as far as the folders exist; its parent folders are created.
fn absolute(output: &Path) -> Result<PathBuf, OutputError> {
    let joined = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(io_error("find the current folder", output))?
            .join(output)
    };
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

/// The files under `static_dir`, relative to it with `/` separators; none if it does not exist.
pub fn static_files(static_dir: &Path) -> Result<Vec<String>, OutputError> {
    if !static_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(static_dir).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(static_dir).to_path_buf();
            OutputError::Io {
                action: "read",
                path,
                source: error.into(),
            }
        })?;
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(static_dir)
                .unwrap_or(entry.path());
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(files)
}
