//! What the last build wrote, kept in `.concord/cache/pages-<number>` (one
//! file per output folder) so that the next build renders only the pages
//! whose fingerprint changed. Nothing in it is taken on trust: a cache made
//! under another key (another Concord, config.toml, theme or options), one
//! that does not end with its own checksum, or one that cannot be read
//! gives a full build; and a page is
//! taken from the last build only while its file in the output folder is the
//! very file that build left there (same length, modification time and
//! inode), so that a file edited or removed by hand is rendered again.

use std::collections::HashMap;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The cache's folder in the site; `concord init` git-ignores its parent.
pub const CACHE_DIR: &str = ".concord/cache";
/// Its files are `pages-<a number for the output folder>`.
const PAGES: &str = "pages";
/// The first line; a new layout of the file gets a new number.
const HEADER: &str = "concord page cache 1";

/// Which file a path named when it was written.
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

/// A page the last build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedPage {
    pub fingerprint: u64,
    pub stamp: Stamp,
}

/// The last build's pages, by output path (`news/x/index.html`).
#[derive(Debug)]
pub struct PageCache {
    pages: HashMap<String, CachedPage>,
}

impl PageCache {
    fn parse(text: &str, key: u64) -> Option<PageCache> {
        let body = text.strip_suffix('\n')?;
        let (body, trailer) = body.rsplit_once('\n')?;
        let (count, sum) = trailer.strip_prefix("end ")?.split_once(' ')?;
        if u64::from_str_radix(sum, 16).ok()? != checksum(body) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEADER || lines.next()? != format!("key {key:016x}") {
            return None;
        }
        let pages = lines
            .map(entry)
            .collect::<Option<HashMap<String, CachedPage>>>()?;
        (pages.len() == count.parse::<usize>().ok()?).then_some(PageCache { pages })
    }

    pub fn get(&self, path: &str) -> Option<CachedPage> {
        self.pages.get(path).copied()
    }
}

/// The page cache of one output folder of a site: each output folder has
/// its own, so that building into another one (a test, a preview for a
/// colleague) does not cost the next build of `public/` its cache.
#[derive(Debug, Clone)]
pub struct CacheFile {
    path: PathBuf,
}

impl CacheFile {
    pub fn new(root: &Path, output: &Path) -> CacheFile {
        let mut hasher = foldhash::quality::FixedState::default().build_hasher();
        hasher.write(output.as_os_str().as_encoded_bytes());
        let name = format!("{PAGES}-{:016x}", hasher.finish());
        CacheFile {
            path: root.join(CACHE_DIR).join(name),
        }
    }

    /// The cache if it was written under `key`; `None` for a missing,
    /// stale or damaged one.
    pub fn load(&self, key: u64) -> Option<PageCache> {
        PageCache::parse(&fs::read_to_string(&self.path).ok()?, key)
    }

    /// Replaces the cache with `pages`, written under `key`: whole or not
    /// at all, as a build may be stopped at any moment.
    pub fn save<'p>(
        &self,
        key: u64,
        pages: impl IntoIterator<Item = (&'p str, CachedPage)>,
    ) -> io::Result<()> {
        let mut body = format!("{HEADER}\nkey {key:016x}");
        let mut count = 0;
        for (path, page) in pages {
            let Stamp {
                len,
                modified,
                inode,
            } = page.stamp;
            body.push_str(&format!(
                "\n{:016x} {len} {modified} {inode} {path}",
                page.fingerprint
            ));
            count += 1;
        }
        let text = format!("{body}\nend {count} {:016x}\n", checksum(&body));
        let folder = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder)?;
        let incoming = folder.join(format!(".{PAGES}.{}", std::process::id()));
        fs::write(&incoming, text)?;
        fs::rename(&incoming, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&incoming);
        })
    }

    /// Forgets the cache, so that the next build renders every page.
    pub fn remove(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `fingerprint len modified inode path`, the path last as it may hold spaces.
fn entry(line: &str) -> Option<(String, CachedPage)> {
    let mut fields = line.splitn(5, ' ');
    let mut next = || fields.next();
    let fingerprint = u64::from_str_radix(next()?, 16).ok()?;
    let stamp = Stamp {
        len: next()?.parse().ok()?,
        modified: next()?.parse().ok()?,
        inode: next()?.parse().ok()?,
    };
    let path = next().filter(|path| !path.is_empty())?;
    Some((path.to_string(), CachedPage { fingerprint, stamp }))
}

fn checksum(text: &str) -> u64 {
    let mut hasher = foldhash::quality::FixedState::default().build_hasher();
    hasher.write(text.as_bytes());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(fingerprint: u64) -> CachedPage {
        CachedPage {
            fingerprint,
            stamp: Stamp {
                len: 120,
                modified: 1_700_000_000_123_456_789,
                inode: 42,
            },
        }
    }

    fn saved(key: u64) -> (tempfile::TempDir, CacheFile, String) {
        let dir = tempfile::tempdir().unwrap();
        let file = CacheFile::new(dir.path(), &dir.path().join("public"));
        let pages = [("index.html", page(1)), ("news/a b/index.html", page(2))];
        file.save(key, pages).unwrap();
        let text = fs::read_to_string(file.path()).unwrap();
        (dir, file, text)
    }

    #[test]
    fn a_saved_cache_loads_under_its_key_and_for_its_output_only() {
        let (dir, file, _) = saved(7);
        let cache = file.load(7).unwrap();
        assert_eq!(cache.get("news/a b/index.html"), Some(page(2)));
        assert_eq!(cache.get("index.html"), Some(page(1)));
        assert!(file.load(8).is_none());
        let elsewhere = CacheFile::new(dir.path(), &dir.path().join("elsewhere"));
        assert!(elsewhere.load(7).is_none());
    }

    #[test]
    fn a_damaged_cache_is_not_used() {
        let (_dir, _, text) = saved(7);
        let damaged = [
            text[..text.len() / 2].to_string(),
            text.replace("news/a b", "news/a c"),
            text.replace(" 120 ", " 121 "),
            text.replace("end 2", "end 3"),
            text.replace(HEADER, "concord page cache 0"),
            String::new(),
            "\u{0}\u{1}garbage".to_string(),
        ];
        for text in damaged {
            assert!(PageCache::parse(&text, 7).is_none(), "{text:?}");
        }
        assert!(PageCache::parse(&text, 7).is_some());
    }

    #[test]
    fn a_missing_cache_is_none_and_removing_it_twice_is_fine() {
        let (_dir, file, _) = saved(7);
        file.remove().unwrap();
        file.remove().unwrap();
        assert!(file.load(7).is_none());
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
        assert_eq!(Stamp::of(dir.path()), None, "a folder is no page");
    }
}
