//! What a build keeps for the next one in `.concord/cache/` (today the pages
//! it wrote, [`crate::output::PageCache`]): stamps that tell a file from one
//! rewritten since, and the frame of a cache file. Each file starts with a
//! line naming its layout and one with the key it was made under (what its
//! entries were made with: Concord, config.toml, the options), ends with a
//! line holding the count of entries and a checksum of every line, and is
//! replaced whole.
//! Nothing in it is taken on trust: a file under another key, cut short or
//! damaged is no cache, and the build does all the work again.

use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

/// Which file a path named when it was read or written: a file rewritten
/// since has another length, time or inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    /// Nanoseconds since 1970.
    modified: u128,
    inode: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let metadata = fs::symlink_metadata(path).ok()?;
        if !metadata.is_file() {
            return None;
        }
        let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: metadata.len(),
            modified: modified.as_nanos(),
            inode: inode(&metadata),
        })
    }

    /// Length, modification time and inode, to be written down.
    pub fn parts(&self) -> (u64, u128, u64) {
        (self.len, self.modified, self.inode)
    }

    /// Whether the file was modified before `time` (nanoseconds since 1970).
    pub fn modified_before(&self, time: u128) -> bool {
        self.modified < time
    }

    pub fn inode(&self) -> u64 {
        self.inode
    }

    pub fn from_parts(len: u64, modified: u128, inode: u64) -> Stamp {
        Stamp {
            len,
            modified,
            inode,
        }
    }
}

#[cfg(unix)]
fn inode(metadata: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

/// Elsewhere a rewritten file is told by its length and time alone.
#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// The entries of a cache file, each a line, as read whole, before they
/// are checked against the file's last line.
pub struct Entries {
    text: String,
    /// Where the entries' lines start and end in `text`.
    start: usize,
    end: usize,
    count: usize,
    /// The sum the file gives for its entries.
    sum: u64,
}

impl Entries {
    /// The file at `path` if it has the layout `header` and was written
    /// under `key`; `None` for a missing, stale or cut-off one.
    pub fn read(path: &Path, header: &str, key: u64) -> Option<Entries> {
        Entries::parse(fs::read_to_string(path).ok()?, header, key)
    }

    fn parse(text: String, header: &str, key: u64) -> Option<Entries> {
        let head = format!("{header}\n{}\n", key_line(key));
        let body = text.strip_prefix(&head)?.strip_suffix('\n')?;
        let (entries, trailer) = match body.rsplit_once('\n') {
            Some((entries, trailer)) => (entries, trailer),
            None => ("", body),
        };
        let (count, sum) = trailer.strip_prefix("end ")?.split_once(' ')?;
        let sum = u64::from_str_radix(sum, 16).ok()?;
        let start = head.len();
        Some(Entries {
            count: count.parse().ok()?,
            sum: sum.wrapping_sub(checksum(head.lines())),
            start,
            end: start + entries.len(),
            text,
        })
    }

    /// Every entry read by `read`, in parallel; `None` if one cannot be
    /// read, or if the entries are not the ones the file was written with.
    pub fn read_all<T: Send>(&self, read: impl Fn(&str) -> Option<T> + Sync) -> Option<Vec<T>> {
        let lines: Vec<&str> = match &self.text[self.start..self.end] {
            "" => Vec::new(),
            entries => entries.split('\n').collect(),
        };
        if lines.len() != self.count {
            return None;
        }
        let read: Vec<(u64, T)> = lines
            .into_par_iter()
            .map(|line| Some((line_hash(line), read(line)?)))
            .collect::<Option<_>>()?;
        let sum = read
            .iter()
            .fold(0u64, |sum, (hash, _)| sum.wrapping_add(*hash));
        (sum == self.sum).then(|| read.into_iter().map(|(_, entry)| entry).collect())
    }
}

/// Replaces the file at `path` with `lines` under `header` and `key`: whole
/// or not at all, as a build may be stopped at any moment, and not at all
/// if a line could not be made. A line may not hold a line break.
pub fn write<L: AsRef<str>>(
    path: &Path,
    header: &str,
    key: u64,
    lines: impl IntoIterator<Item = io::Result<L>>,
) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let incoming = folder.join(format!(".{name}.{}", std::process::id()));
    let written =
        write_lines(&incoming, header, key, lines).and_then(|()| fs::rename(&incoming, path));
    written.inspect_err(|_| {
        let _ = fs::remove_file(&incoming);
    })
}

fn write_lines<L: AsRef<str>>(
    path: &Path,
    header: &str,
    key: u64,
    lines: impl IntoIterator<Item = io::Result<L>>,
) -> io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    let head = [header.to_string(), key_line(key)];
    let mut sum = checksum(head.iter().map(String::as_str));
    writeln!(out, "{}\n{}", head[0], head[1])?;
    let mut count = 0;
    for line in lines {
        let line = line?;
        let line = line.as_ref();
        debug_assert!(!line.contains('\n'), "a cache entry is one line");
        sum = sum.wrapping_add(line_hash(line));
        count += 1;
        writeln!(out, "{line}")?;
    }
    writeln!(out, "end {count} {sum:016x}")?;
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(())
}

/// Removes the file at `path`, if there is one.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

fn key_line(key: u64) -> String {
    format!("key {key:016x}")
}

/// The sum of every line's hash: entries may be written and read in any
/// order, and in parallel.
fn checksum<'l>(lines: impl Iterator<Item = &'l str>) -> u64 {
    lines.map(line_hash).fold(0, u64::wrapping_add)
}

fn line_hash(line: &str) -> u64 {
    let mut hasher = foldhash::quality::FixedState::default().build_hasher();
    hasher.write(line.as_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "concord test cache 1";

    fn saved(key: u64) -> (tempfile::TempDir, std::path::PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/test");
        write(&path, HEADER, key, [Ok("one 1"), Ok("two 2")]).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        (dir, path, text)
    }

    #[test]
    fn written_entries_read_back_under_their_key_only() {
        let (_dir, path, _) = saved(7);
        let entries = Entries::read(&path, HEADER, 7).unwrap();
        let lines = entries.read_all(|line| Some(line.to_string()));
        assert_eq!(lines.unwrap(), ["one 1", "two 2"]);
        assert!(Entries::read(&path, HEADER, 8).is_none());
        assert!(Entries::read(&path, "concord test cache 2", 7).is_none());
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
    }

    #[test]
    fn a_line_that_cannot_be_made_leaves_the_cache_before_it() {
        let (_dir, path, text) = saved(7);
        let lines = [Ok("three 3"), Err(io::Error::other("not serializable"))];
        let error = write(&path, HEADER, 8, lines).unwrap_err();
        assert_eq!(error.to_string(), "not serializable");
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
    }

    #[test]
    fn no_entries_is_a_cache_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        write(&path, HEADER, 1, Vec::<io::Result<String>>::new()).unwrap();
        let entries = Entries::read(&path, HEADER, 1).unwrap();
        assert_eq!(entries.read_all(|_| Some(())).unwrap(), []);
    }

    #[test]
    fn a_damaged_file_is_no_cache() {
        let (_dir, _, text) = saved(7);
        let damaged = [
            text[..text.len() / 2].to_string(),
            text.replace("one 1", "one 2"),
            text.replace("two 2\n", ""),
            text.replace("end 2", "end 3"),
            text.replace(HEADER, "concord test cache 0"),
            String::new(),
            "\u{0}\u{1}garbage".to_string(),
        ];
        let read = |text: &str| {
            let entries = Entries::parse(text.to_string(), HEADER, 7)?;
            entries.read_all(|line| Some(line.to_string()))
        };
        for text in damaged {
            assert!(read(&text).is_none(), "{text:?}");
        }
        assert!(read(&text).is_some());
        let entries = Entries::parse(text, HEADER, 7).unwrap();
        let refused = entries.read_all(|line| (line != "two 2").then_some(()));
        assert!(
            refused.is_none(),
            "an entry that cannot be read makes no cache"
        );
    }

    #[test]
    fn removing_a_missing_file_is_fine() {
        let (_dir, path, _) = saved(7);
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert!(Entries::read(&path, HEADER, 7).is_none());
    }

    #[test]
    fn a_stamp_tells_a_rewritten_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.html");
        fs::write(&path, "one").unwrap();
        let first = Stamp::of(&path).unwrap();
        assert_eq!(Stamp::of(&path), Some(first));
        fs::write(dir.path().join("b.html"), "two").unwrap();
        fs::rename(dir.path().join("b.html"), &path).unwrap();
        assert_ne!(Stamp::of(&path), Some(first));
        assert_eq!(Stamp::of(dir.path()), None, "a folder is no file");
    }
}
