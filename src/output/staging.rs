//! A build being written: the new site assembled in a staging folder, then
//! put in place of the old one in one step.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::lock::BuildLock;
use super::{io_error, OutputDir, OutputError};
use crate::cache::Stamp;
use crate::layout::relative_name;
use crate::render::{Sink, SiteFile};

/// How staging folders are named, beside the output folder
/// (`.public.concord-staging-<pid>`) or, for a mount point, inside it.
const STAGING: &str = "concord-staging-";
/// The folder beside the output folder that the next site is assembled in,
/// and that keeps the previous site once the two are swapped: most of its
/// files are hard links to the output's, so that the next build changes only
/// what differs instead of making every folder and link anew.
const SPARE: &str = "concord-spare";
/// Inside the spare folder: new files are written here whole, then renamed
/// into place, as the spare's files may be links to the output's.
const INCOMING: &str = ".concord-incoming";

/// What a write did, by paths relative to the output folder, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they are new or their bytes changed.
    pub changed: Vec<String>,
    /// Files removed because the site no longer has them.
    pub removed: Vec<String>,
}

/// A build being written. The new site is assembled in the spare folder:
/// files whose bytes did not change are hard links to the output's (same
/// inode, same timestamps, for rsync-style publishing), the others are
/// written anew. `commit` swaps the spare folder with the output folder in
/// one step, then moves hidden entries (a `.git` folder that publishes the
/// site) from the old site into the new one: they are not Concord's. The
/// old site stays as the next build's spare. Dropped without `commit`, it
/// leaves the output folder exactly as it was.
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
    /// The files whose bytes the old site has already, with the inode of
    /// the old site's file where a stamp told it.
    unchanged: Mutex<Vec<(String, Option<u64>)>>,
    /// Whether the staging folder is no longer ours to remove.
    committed: bool,
    /// Names the files written into `INCOMING`.
    written: AtomicUsize,
    /// Whether this build made the staging folder (and so removes it if it fails).
    made_here: bool,
    /// The spare folder as the build found it: what it holds besides the
    /// files this build puts there, all of which the new site has.
    spare: Survey,
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
        let dir = if in_place {
            path.join(format!(".{STAGING}{}", std::process::id()))
        } else {
            output.beside(SPARE)
        };
        let mut spare = Survey::default();
        if in_place || !path.is_dir() {
            remove_if_present(&dir)?;
        } else if dir.is_dir() {
            spare = ready_spare(&dir, path)?;
        }
        let made_here = !dir.exists();
        let incoming = dir.join(INCOMING);
        remove_if_present(&incoming)?;
        fs::create_dir_all(&incoming).map_err(io_error("create the folder", &incoming))?;
        Ok(Staging {
            output,
            _lock: lock,
            dir,
            in_place,
            fresh,
            folders: Mutex::default(),
            planned: Mutex::default(),
            changed: Mutex::default(),
            unchanged: Mutex::default(),
            committed: false,
            written: AtomicUsize::new(0),
            made_here,
            spare,
        })
    }

    /// Takes one file of the site, by its path in the output folder.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let first = lock(&self.planned).insert(path.to_string());
        let old = self.output.path.join(path);
        let staged = self.dir.join(path);
        if first && !self.fresh && same_bytes(&old, bytes) {
            lock(&self.unchanged).push((path.to_string(), None));
            return Ok(());
        }
        let incoming = self.incoming();
        fs::write(&incoming, bytes).map_err(io_error("write", &staged))?;
        self.place(&incoming, &staged)?;
        lock(&self.changed).insert(path.to_string());
        Ok(())
    }

    /// Takes a file of the old site as it is, without its bytes, while it is
    /// still the file `stamp` describes; says whether it did.
    pub fn keep(&self, path: &str, stamp: Stamp) -> bool {
        if self.fresh || Stamp::of(&self.output.path.join(path)) != Some(stamp) {
            return false;
        }
        lock(&self.planned).insert(path.to_string());
        lock(&self.unchanged).push((path.to_string(), Some(stamp.inode())));
        true
    }

    /// Renames a whole file from the incoming folder to its place, clearing
    /// what an older site left in the way: a file where a folder must be, or
    /// a folder where the file must be.
    fn place(&self, incoming: &Path, staged: &Path) -> Result<(), OutputError> {
        let placed = self
            .make_folder(staged)
            .and_then(|()| fs::rename(incoming, staged).map_err(io_error("write", staged)));
        if placed.is_ok() {
            return Ok(());
        }
        let mut folder = self.dir.clone();
        let relative = staged.strip_prefix(&self.dir).unwrap_or(staged);
        for part in relative.parent().into_iter().flat_map(Path::components) {
            folder.push(part);
            if folder.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(&folder).map_err(io_error("remove", &folder))?;
            }
        }
        if staged.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(staged).map_err(io_error("remove", staged))?;
        }
        fs::create_dir_all(staged.parent().unwrap_or(&self.dir))
            .map_err(io_error("create the folder", staged))?;
        fs::rename(incoming, staged).map_err(io_error("write", staged))
    }

    /// A new name in the incoming folder.
    fn incoming(&self) -> PathBuf {
        let number = self.written.fetch_add(1, Ordering::Relaxed);
        self.dir.join(INCOMING).join(number.to_string())
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

    /// Puts the new site in place of the old one. The output folder stays
    /// locked until the staging is dropped, so that what a build records of
    /// the files it left (the page cache) is of its own files. Called once.
    pub fn commit(&mut self) -> Result<WriteReport, OutputError> {
        let changed: Vec<String> = std::mem::take(&mut *lock(&self.changed))
            .into_iter()
            .collect();
        let planned = std::mem::take(&mut *lock(&self.planned));
        let removed = if self.in_place {
            self.move_in(&changed, &planned)?
        } else {
            self.swap(&changed, &planned)?
        };
        Ok(WriteReport { changed, removed })
    }

    /// Completes the new site in the spare folder (links to the output's
    /// unchanged files, none of the files it no longer has) and swaps it with
    /// the output folder. When nothing changed, the output folder is already
    /// the new site.
    fn swap(
        &mut self,
        changed: &[String],
        planned: &HashSet<String>,
    ) -> Result<Vec<String>, OutputError> {
        let output = self.output.path.clone();
        let incoming = self.dir.join(INCOMING);
        if !output.exists() && !self.fresh {
            // Its unchanged files, which the new site was to share, are gone.
            return Err(OutputError::Io {
                action: "finish the build: the output folder went away during it at",
                path: output,
                source: io::ErrorKind::NotFound.into(),
            });
        }
        if !output.exists() {
            remove_if_present(&incoming)?;
            fs::rename(&self.dir, &output).map_err(io_error("move the new site to", &output))?;
            self.committed = true;
            return Ok(Vec::new());
        }
        let mut current = Survey::of(&output)?;
        let removed = current.stale(planned);
        if changed.is_empty() && removed.is_empty() {
            return Ok(Vec::new());
        }
        let spare = std::mem::take(&mut self.spare);
        let returned = settle_hidden(&self.dir, &spare.hidden, &output, planned)?;
        current.hidden.extend(returned);
        self.link_unchanged(changed, &spare.inodes())?;
        let stale = spare.stale(planned);
        for stale in &stale {
            let file = self.dir.join(stale);
            // A new file may have taken the place of the folder it was in,
            // or a new folder the place of the file.
            match fs::remove_file(&file) {
                Err(error) if file.symlink_metadata().is_ok_and(|m| !m.is_dir()) => {
                    return Err(io_error("remove", &file)(error))
                }
                _ => {}
            }
        }
        if !stale.is_empty() {
            spare.remove_empty_folders();
        }
        remove_if_present(&incoming)?;
        let old = self.exchange()?;
        carry_hidden(&old, &current.hidden, &output)?;
        Ok(removed)
    }

    /// Makes each unchanged file of the spare folder the output's own file
    /// (a hard link to it), unless it is already. A path the site wrote
    /// twice keeps its last bytes, as everywhere else: it is in `changed`
    /// (sorted), and not linked.
    /// `spare` has the inodes of the spare's files as the build found them:
    /// one that is already the old file's is not looked at again.
    fn link_unchanged(
        &self,
        changed: &[String],
        spare: &HashMap<&str, u64>,
    ) -> Result<(), OutputError> {
        let mut unchanged = std::mem::take(&mut *lock(&self.unchanged));
        unchanged.retain(|(path, _)| changed.binary_search(path).is_err());
        unchanged.par_iter().try_for_each(|(path, inode)| {
            if inode.is_some() && inode.as_ref() == spare.get(path.as_str()) {
                return Ok(());
            }
            let (old, staged) = (self.output.path.join(path), self.dir.join(path));
            if is_same_file(&old, &staged) {
                return Ok(());
            }
            let incoming = self.incoming();
            keep_unchanged(&old, &incoming).map_err(io_error("link", &staged))?;
            self.place(&incoming, &staged)
        })
    }

    /// Puts the spare folder where the output folder is, and returns where the old site went.
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
        fs::rename(&old, &self.dir).map_err(io_error("keep the old site at", &self.dir))?;
        Ok(self.dir.clone())
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
        let tree = Survey::of(output)?;
        let removed = tree.stale(planned);
        for path in &removed {
            let file = output.join(path);
            fs::remove_file(&file).map_err(io_error("remove", &file))?;
        }
        tree.remove_empty_folders();
        Ok(removed)
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        // A spare folder that was there before stays for the next build;
        // what was written for this one does not.
        if self.made_here && !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        } else {
            let _ = fs::remove_dir_all(self.dir.join(INCOMING));
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
        // A build stopped between the two renames of the fallback swap left
        // no output folder and the whole old site here: put it back.
        if !output.path.exists() && dir.to_string_lossy().ends_with("-old") {
            fs::rename(&dir, &output.path)
                .map_err(io_error("restore the site at", &output.path))?;
            continue;
        }
        if output.path.is_dir() {
            carry_hidden(&dir, &Survey::of(&dir)?.hidden, &output.path)?;
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

/// Readies a spare folder kept from an earlier build before this one
/// writes into it: a hidden entry the output folder lacks (a `.git` that a
/// build stopped between swapping and moving it left there) goes back to
/// the output folder at once, and links (never the site's own files) go,
/// so that nothing is written through them. Returns what it holds now.
fn ready_spare(spare: &Path, output: &Path) -> Result<Survey, OutputError> {
    let mut survey = Survey::of(spare)?;
    let mut kept = Vec::new();
    for relative in std::mem::take(&mut survey.hidden) {
        let target = output.join(&relative);
        if relative != INCOMING && target.symlink_metadata().is_err() {
            move_entry(&spare.join(&relative), &target)?;
        } else {
            kept.push(relative);
        }
    }
    survey.hidden = kept;
    for link in &survey.links {
        fs::remove_file(link).map_err(io_error("remove", link))?;
    }
    Ok(survey)
}

/// Readies the spare folder's hidden entries that are not the site's own
/// (a `.git` that a build stopped between swapping and moving it left
/// there): one the output folder lacks goes back to it; one it has is a
/// stale copy, and goes. Returns those that went back.
fn settle_hidden(
    spare: &Path,
    hidden: &[String],
    output: &Path,
    planned: &HashSet<String>,
) -> Result<Vec<String>, OutputError> {
    let mut returned = Vec::new();
    for relative in hidden {
        let of_site = planned
            .iter()
            .any(|p| p == relative || p.starts_with(&format!("{relative}/")));
        if of_site || relative == INCOMING {
            continue;
        }
        let (path, target) = (spare.join(relative), output.join(relative));
        if target.symlink_metadata().is_err() {
            move_entry(&path, &target)?;
            returned.push(relative.clone());
        } else if path.is_dir() {
            fs::remove_dir_all(&path).map_err(io_error("remove", &path))?;
        } else {
            fs::remove_file(&path).map_err(io_error("remove", &path))?;
        }
    }
    Ok(returned)
}

/// Moves the `hidden` entries of `from` to the same place in `to`, unless `to` has them.
fn carry_hidden(from: &Path, hidden: &[String], to: &Path) -> Result<(), OutputError> {
    for relative in hidden {
        let target = to.join(relative);
        if target.symlink_metadata().is_err() {
            move_entry(&from.join(relative), &target)?;
        }
    }
    Ok(())
}

/// What one walk of a site tree finds, not looking inside hidden folders.
#[derive(Default)]
struct Survey {
    /// Files that are not hidden, relative to the tree.
    files: Vec<String>,
    /// The inode of each of `files`, where the system tells it while listing.
    inodes: Vec<Option<u64>>,
    /// Hidden files and folders, at any depth, relative to the tree.
    hidden: Vec<String>,
    /// Folders that are not hidden, each before the folders inside it.
    folders: Vec<PathBuf>,
    /// Symbolic links that are not hidden, not followed.
    links: Vec<PathBuf>,
}

impl Survey {
    /// Walks `tree`, its folders in parallel: a site has a folder per
    /// article, and this walk is most of what an unchanged build costs.
    fn of(tree: &Path) -> Result<Survey, OutputError> {
        Survey::of_folder(tree, tree)
    }

    fn of_folder(tree: &Path, folder: &Path) -> Result<Survey, OutputError> {
        let mut survey = Survey::default();
        let mut subfolders = Vec::new();
        let entries = fs::read_dir(folder).map_err(io_error("read", folder))?;
        for entry in entries {
            let entry = entry.map_err(io_error("read", folder))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(io_error("read", &path))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                survey.hidden.push(relative_name(&path, tree));
            } else if file_type.is_dir() {
                subfolders.push(path);
            } else {
                survey.files.push(relative_name(&path, tree));
                survey.inodes.push(inode(&entry));
                if file_type.is_symlink() {
                    survey.links.push(path);
                }
            }
        }
        let inner: Vec<Survey> = subfolders
            .into_par_iter()
            .map(|subfolder| {
                let inside = Survey::of_folder(tree, &subfolder)?;
                let mut survey = Survey {
                    folders: vec![subfolder],
                    ..Survey::default()
                };
                survey.extend(inside);
                Ok(survey)
            })
            .collect::<Result<_, OutputError>>()?;
        for part in inner {
            survey.extend(part);
        }
        Ok(survey)
    }

    fn extend(&mut self, other: Survey) {
        self.files.extend(other.files);
        self.inodes.extend(other.inodes);
        self.hidden.extend(other.hidden);
        self.folders.extend(other.folders);
        self.links.extend(other.links);
    }

    /// The files that are not `planned`, in order.
    fn stale(&self, planned: &HashSet<String>) -> Vec<String> {
        let mut stale: Vec<String> = self
            .files
            .iter()
            .filter(|file| !planned.contains(*file))
            .cloned()
            .collect();
        stale.sort();
        stale
    }

    /// The files' inodes, by path, where known.
    fn inodes(&self) -> HashMap<&str, u64> {
        let known = self.files.iter().zip(&self.inodes);
        known
            .filter_map(|(file, inode)| Some((file.as_str(), (*inode)?)))
            .collect()
    }

    /// Removes the folders that are empty now, deepest first.
    fn remove_empty_folders(&self) {
        for folder in self.folders.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
    }
}

fn move_entry(from: &Path, to: &Path) -> Result<(), OutputError> {
    if let Some(folder) = to.parent() {
        fs::create_dir_all(folder).map_err(io_error("create the folder", folder))?;
    }
    fs::rename(from, to).map_err(io_error("keep", to))
}

fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(io_error("remove", path)(error))
        }
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn inode(entry: &fs::DirEntry) -> Option<u64> {
    Some(std::os::unix::fs::DirEntryExt::ino(entry))
}

#[cfg(not(unix))]
fn inode(_: &fs::DirEntry) -> Option<u64> {
    None
}

/// Whether two paths name one file (one inode).
#[cfg(unix)]
fn is_same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_same_file(_: &Path, _: &Path) -> bool {
    false
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
