//! Watching the site's files. Editors save through temporary files and
//! renames; a burst of events becomes one set of changes, and swap, backup
//! and lock files are ignored.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

use super::preview::Change;
use crate::content::is_ignored;
use crate::layout::{relative_name, CONFIG_FILE, CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};

/// Events closer together than this are one burst.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What changed in one burst. A change to `static/` renders no page, but
/// the site's links are checked again and open tabs reload.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Burst {
    pub changes: Vec<Change>,
    pub static_changed: bool,
    /// Watched folders that appeared, went or were replaced, now watched anew.
    pub folders: Vec<FolderChange>,
}

/// A watched folder of the site that appeared, went, or was replaced by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderChange {
    pub folder: &'static str,
    /// Whether it is there now.
    pub present: bool,
}

/// The folders watched as a whole, each with what identifies it on disk.
const WATCHED: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: mpsc::Receiver<DebounceEventResult>,
    root: PathBuf,
    /// The identity of each watched folder when it was last watched; `None` while absent.
    identities: [Option<(u64, u64)>; 3],
}

impl Watcher {
    /// Watches config.toml, content/, templates/ and static/ under `root`,
    /// never following a link out of the site.
    pub fn new(root: &Path) -> notify_debouncer_full::notify::Result<Watcher> {
        let root = root.canonicalize()?;
        let (sender, events) = mpsc::channel();
        let config = notify_debouncer_full::notify::Config::default().with_follow_symlinks(false);
        let mut debouncer =
            new_debouncer_opt(DEBOUNCE, None, sender, RecommendedCache::new(), config)?;
        debouncer.watch(&root, RecursiveMode::NonRecursive)?;
        let mut identities = [None; 3];
        for (dir, identity) in WATCHED.iter().zip(&mut identities) {
            let path = root.join(dir);
            *identity = identify(&path);
            if identity.is_some() {
                debouncer.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(Watcher {
            debouncer,
            events,
            root,
            identities,
        })
    }

    /// Watches anew each folder that appeared, went or was replaced since it
    /// was last watched (a watch follows the folder it was set on, not its name).
    fn rewatch(&mut self) -> Vec<FolderChange> {
        let mut changed = Vec::new();
        for (dir, identity) in WATCHED.iter().zip(&mut self.identities) {
            let path = self.root.join(dir);
            let now = identify(&path);
            if now == *identity {
                continue;
            }
            let _ = self.debouncer.unwatch(&path);
            let watched = now.is_some()
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok();
            *identity = if watched { now } else { None };
            changed.push(FolderChange {
                folder: dir,
                present: watched,
            });
        }
        changed
    }

    /// Waits for the next burst that touches the site; `None` when watching has stopped.
    pub fn next_burst(&mut self) -> Option<Burst> {
        loop {
            let events = self.events.recv().ok()?;
            // Reading a file is an event too; only changes count.
            let paths: Vec<PathBuf> = match events {
                Ok(events) => events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect(),
                Err(_) => continue,
            };
            let mut burst = classify(&self.root, &paths);
            burst.folders = self.rewatch();
            if !burst.folders.is_empty() {
                // What a folder that came or went held is best read anew, whole.
                burst.changes = vec![Change::Config];
            }
            if !burst.changes.is_empty() || burst.static_changed {
                return Some(burst);
            }
        }
    }
}

/// Sorts changed paths into what the preview must re-read.
pub fn classify(root: &Path, paths: &[PathBuf]) -> Burst {
    let mut changes = BTreeSet::new();
    let mut static_changed = false;
    for path in paths {
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let name = relative
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_scratch_file(&name) {
            continue;
        }
        let relative = relative_name(path, root);
        if relative == CONFIG_FILE {
            changes.insert(Change::Config);
        } else if let Some(file) = under(&relative, CONTENT_DIR) {
            if file.split('/').any(is_ignored) {
                continue;
            }
            changes.insert(if file.ends_with(".md") {
                Change::Content(file.to_string())
            } else {
                Change::ContentFolder
            });
        } else if let Some(name) = under(&relative, TEMPLATES_DIR).filter(|f| f.ends_with(".html"))
        {
            changes.insert(Change::Template(name.to_string()));
        } else if under(&relative, STATIC_DIR).is_some() {
            static_changed = true;
        }
    }
    Burst {
        changes: changes.into_iter().collect(),
        static_changed,
        folders: Vec::new(),
    }
}

/// What tells a folder from another of the same name: its device and inode.
#[cfg(unix)]
fn identify(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::symlink_metadata(path).ok()?;
    metadata.is_dir().then(|| (metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identify(path: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(path)
        .ok()?
        .is_dir()
        .then_some((0, 0))
}

fn under<'a>(relative: &'a str, dir: &str) -> Option<&'a str> {
    relative.strip_prefix(dir)?.strip_prefix('/')
}

/// Files editors write beside the real one while saving: vim's swap files
/// and its `4913` probe, backups ending in `~`, emacs locks and autosaves,
/// and JetBrains' temporary copies.
fn is_scratch_file(name: &str) -> bool {
    name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burst(paths: &[&str]) -> Burst {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, &paths)
    }

    #[test]
    fn sorts_paths_by_what_they_are() {
        let found = burst(&[
            "content/news/a.md",
            "content/news/a.md",
            "templates/base.html",
            "config.toml",
            "static/style.css",
            "public/index.html",
            "content/.drafts/b.md",
        ]);
        assert_eq!(
            found.changes,
            [
                Change::Config,
                Change::Content("news/a.md".into()),
                Change::Template("base.html".into())
            ]
        );
        let moved = burst(&["content/2020", "content/archive/2020"]);
        assert_eq!(moved.changes, [Change::ContentFolder]);
        assert!(found.static_changed);
    }

    #[test]
    fn ignores_editors_scratch_files() {
        let found = burst(&[
            "content/news/.a.md.swp",
            "content/news/4913",
            "content/news/a.md~",
            "content/news/.#a.md",
            "content/news/#a.md#",
            "content/news/a.md___jb_tmp___",
        ]);
        assert_eq!(found, Burst::default());
    }
}
