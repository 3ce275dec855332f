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
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use crate::cache::{self, Entries, Stamp};
use crate::layout::CACHE_DIR;

/// Its files are `pages-<a number for the output folder>`.
const PAGES: &str = "pages";
/// The first line; a new layout of the file gets a new number.
const HEADER: &str = "concord page cache 2";

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
    fn parse(entries: &Entries) -> Option<PageCache> {
        let pages = entries.read_all(entry)?;
        Some(PageCache {
            pages: pages.into_iter().collect(),
        })
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
        PageCache::parse(&Entries::read(&self.path, HEADER, key)?)
    }

    /// Replaces the cache with `pages`, written under `key`.
    pub fn save<'p>(
        &self,
        key: u64,
        pages: impl IntoIterator<Item = (&'p str, CachedPage)>,
    ) -> io::Result<()> {
        let lines = pages.into_iter().map(|(path, page)| {
            let (len, modified, inode) = page.stamp.parts();
            Ok(format!(
                "{:016x} {len} {modified} {inode} {path}",
                page.fingerprint
            ))
        });
        cache::write(&self.path, HEADER, key, lines)
    }

    /// Forgets the cache, so that the next build renders every page.
    pub fn remove(&self) -> io::Result<()> {
        cache::remove(&self.path)
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
    let stamp = Stamp::from_parts(
        next()?.parse().ok()?,
        next()?.parse().ok()?,
        next()?.parse().ok()?,
    );
    let path = next().filter(|path| !path.is_empty())?;
    Some((path.to_string(), CachedPage { fingerprint, stamp }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(fingerprint: u64) -> CachedPage {
        CachedPage {
            fingerprint,
            stamp: Stamp::from_parts(120, 1_700_000_000_123_456_789, 42),
        }
    }

    fn saved(key: u64) -> (tempfile::TempDir, CacheFile) {
        let dir = tempfile::tempdir().unwrap();
        let file = CacheFile::new(dir.path(), &dir.path().join("public"));
        let pages = [("index.html", page(1)), ("news/a b/index.html", page(2))];
        file.save(key, pages).unwrap();
        (dir, file)
    }

    #[test]
    fn a_saved_cache_loads_under_its_key_and_for_its_output_only() {
        let (dir, file) = saved(7);
        let cache = file.load(7).unwrap();
        assert_eq!(cache.get("news/a b/index.html"), Some(page(2)));
        assert_eq!(cache.get("index.html"), Some(page(1)));
        assert!(file.load(8).is_none());
        let elsewhere = CacheFile::new(dir.path(), &dir.path().join("elsewhere"));
        assert!(elsewhere.load(7).is_none());
    }

    #[test]
    fn an_entry_that_cannot_be_read_makes_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = CacheFile::new(dir.path(), &dir.path().join("public"));
        for line in ["zz 120 1 42 index.html", "01 120 1 42 ", "01 x 1 42 a.html"] {
            cache::write(file.path(), HEADER, 7, [Ok(line)]).unwrap();
            assert!(file.load(7).is_none(), "{line}");
        }
    }

    #[test]
    fn a_missing_cache_is_none_and_removing_it_twice_is_fine() {
        let (_dir, file) = saved(7);
        file.remove().unwrap();
        file.remove().unwrap();
        assert!(file.load(7).is_none());
    }
}
