//! Writing a built site: everything goes into a staging folder beside the
//! output folder, which is swapped in only once complete. A failed build
//! leaves the previous output exactly as it was.

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
    /// rendered pages, then swaps them in. Returns how many theme and static files it wrote.
    pub fn write(&self, static_dir: &Path, files: &[RenderedFile]) -> Result<usize, OutputError> {
        let staging = self.sibling("staging");
        remove_if_present(&staging)?;
        let written = write_all(&staging, static_dir, files).and_then(|copied| {
            self.swap_in(&staging)?;
            Ok(copied)
        });
        if written.is_err() {
            let _ = fs::remove_dir_all(&staging);
        }
        written
    }

    fn sibling(&self, purpose: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy());
        self.path
            .with_file_name(format!(".{name}.concord-{purpose}-{}", std::process::id()))
    }

    fn swap_in(&self, staging: &Path) -> Result<(), OutputError> {
        let previous = self.sibling("previous");
        let had_previous = self.path.exists();
        if had_previous {
            remove_if_present(&previous)?;
            fs::rename(&self.path, &previous)
                .map_err(io_error("move aside the previous output", &self.path))?;
        }
        if let Err(error) = fs::rename(staging, &self.path) {
            if had_previous {
                let _ = fs::rename(&previous, &self.path);
            }
            return Err(io_error("move the new site into place at", &self.path)(
                error,
            ));
        }
        if had_previous {
            remove_if_present(&previous)?;
        }
        Ok(())
    }
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

fn write_all(
    staging: &Path,
    static_dir: &Path,
    files: &[RenderedFile],
) -> Result<usize, OutputError> {
    fs::create_dir_all(staging).map_err(io_error("create the folder", staging))?;
    let mut theme_assets = 0;
    for (name, bytes) in EMBEDDED_ASSETS {
        if !static_dir.join(name).is_file() {
            write_file(&staging.join(name), bytes)?;
            theme_assets += 1;
        }
    }
    let copied = theme_assets + copy_static(static_dir, staging)?;
    files
        .par_iter()
        .try_for_each(|file| write_file(&staging.join(&file.path), file.contents.as_bytes()))?;
    Ok(copied)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error("create the folder", parent))?;
    }
    fs::write(path, bytes).map_err(io_error("write", path))
}

/// Copies `static_dir` into `staging`, keeping its layout. A missing folder copies nothing.
fn copy_static(static_dir: &Path, staging: &Path) -> Result<usize, OutputError> {
    let files = static_files(static_dir)?;
    for relative in &files {
        let target = staging.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_error("create the folder", parent))?;
        }
        let source = static_dir.join(relative);
        fs::copy(&source, &target).map_err(io_error("copy", &source))?;
    }
    Ok(files.len())
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
