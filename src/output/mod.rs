//! Writing a built site. Every problem found in the site's files stops a
//! build before anything reaches the output folder, and a build that is
//! killed at any moment leaves the output folder as it was: the new site is
//! built in a staging folder beside it (unchanged files as hard links to the
//! old ones, so they keep their inode and timestamps) and the two folders
//! are swapped in one step. Only an output folder that is a mount point is
//! updated file by file (it cannot be swapped); each file still reaches its
//! name only complete. One build at a time writes to an output folder.

mod cache;
mod lock;
mod staging;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::layout::{CONTENT_DIR, GIT_DIR, OUTPUT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::model::paths;
pub use cache::{CacheFile, CachedPage, PageCache};
use lock::BuildLock;
pub use staging::{Staging, WriteReport};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into `{}`: {reason}", .output.display())]
    Unsafe { output: PathBuf, reason: String },
    #[error("another build is writing to `{}`{}", .output.display(), holder_text(*.holder))]
    Busy {
        output: PathBuf,
        holder: Option<u32>,
    },
    #[error("cannot {action} `{}`: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn holder_text(holder: Option<u32>) -> String {
    holder.map_or(String::new(), |pid| format!(" (process {pid})"))
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

/// A checked output folder: not the site itself, not a parent of it, not a
/// folder that holds the editors' files, and not a file. Checking it
/// creates nothing.
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
        if output.exists() && !output.is_dir() {
            return Err(unsafe_output(
                "it is a file, not a folder; choose a folder, such as `public/`",
            ));
        }
        if output.is_dir() && !looks_built(&output)? {
            return Err(unsafe_output("it holds files that are not a built site (there is no index.html); empty it or choose another folder"));
        }
        Ok(OutputDir { path: output })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts writing a build: takes the output folder's lock (waiting for
    /// another build if `wait`, after telling `waiting` its process id),
    /// clears what killed builds left behind, and opens a staging folder.
    /// Files go in through the [`Sink`](crate::render::Sink) as they are
    /// made; nothing reaches the output folder before [`Staging::commit`].
    pub fn begin(
        &self,
        wait: bool,
        waiting: &dyn Fn(Option<u32>),
    ) -> Result<Staging<'_>, OutputError> {
        let parent = self.parent();
        fs::create_dir_all(parent).map_err(io_error("create the folder", parent))?;
        let lock = BuildLock::acquire(&self.beside("concord-lock"), &self.path, wait, waiting)?;
        Staging::open(self, lock)
    }

    /// The folder the output folder is in.
    fn parent(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// A hidden path beside the output folder, named after it: `.public.<what>`.
    fn beside(&self, what: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map_or_else(|| OUTPUT_DIR.into(), |n| n.to_string_lossy());
        self.parent().join(format!(".{name}.{what}"))
    }
}

/// `output` made absolute against the current folder, with `..` and links
/// resolved as far as the path exists. Creates nothing.
fn absolute(output: &Path) -> Result<PathBuf, OutputError> {
    let joined = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(io_error("find the current folder", output))?
            .join(output)
    };
    let mut resolved = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => {
                resolved.push(other);
                if resolved.exists() {
                    resolved = resolved
                        .canonicalize()
                        .map_err(io_error("find the folder", &resolved))?;
                }
            }
        }
    }
    Ok(resolved)
}

/// Whether a folder may be replaced by a site: it is one already, or it
/// holds nothing but hidden entries (a fresh clone of a deploy repository).
fn looks_built(dir: &Path) -> Result<bool, OutputError> {
    let entries = fs::read_dir(dir).map_err(io_error("read the folder", dir))?;
    let only_hidden = entries
        .flatten()
        .all(|entry| entry.file_name().to_string_lossy().starts_with('.'));
    Ok(only_hidden || dir.join(paths::output_file(paths::HOME)).is_file())
}
