//! What a deploy does: which files are new, changed or unchanged on the
//! target, which the target has that the site no longer does, and in what
//! order the uploads go so that no page a reader can open links to a file
//! not yet there.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use md5::{Digest, Md5};
use rayon::prelude::*;

use super::headers::Headers;
use crate::config::Matcher;
use crate::render::{FileKind, SiteFile};

/// The object Concord keeps on a bucket beside the site: per file, the MD5
/// of the site's bytes, the headers, and the ETag the upload got back, so
/// that a store whose ETags are not MD5s (or a gzip-compressed object) is
/// compared without compressing anything.
pub const MANIFEST: &str = ".concord-deploy.tsv";

/// Upload stages, in order: what pages link to comes before the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Stylesheets, images, scripts and the search index.
    Assets,
    Articles,
    /// Lists of articles, cities, dates and topics, but the home pages.
    Lists,
    /// The home pages, feeds, the sitemap, robots.txt and 404: where readers
    /// and crawlers come in.
    Entrances,
}

/// A file of the site as it will be stored.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub path: String,
    pub bytes: Vec<u8>,
    pub headers: Headers,
    /// The MD5 of the site's bytes, before any compression, in hex.
    pub source_md5: String,
    pub stage: Stage,
}

impl Outgoing {
    /// The bytes as stored: gzip-compressed when the headers say so. The
    /// header carries no time or name, so the same bytes compress alike.
    pub fn body(&self) -> Vec<u8> {
        if !self.headers.gzip {
            return self.bytes.clone();
        }
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .expect("compressing into memory cannot fail")
    }
}

/// An object the target has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Without quotes, lower case; an MD5 of the bytes on most stores.
    pub etag: Option<String>,
}

/// What the manifest remembers of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub source_md5: String,
    pub headers: String,
    pub etag: String,
}

pub type Manifest = HashMap<String, Remembered>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
}

#[derive(Debug, Clone)]
pub struct Upload {
    pub file: Outgoing,
    pub change: Change,
    /// The bytes as stored.
    pub body: Vec<u8>,
}

/// Everything a deploy will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In stage order.
    pub uploads: Vec<Upload>,
    pub unchanged: Vec<Outgoing>,
    /// Paths the target has, the site does not and the deploy may delete, sorted.
    pub deletes: Vec<String>,
    /// Paths the target has and the site does not, which the deploy may
    /// not delete as Concord did not put them there, sorted.
    pub left_alone: Vec<String>,
}

/// Which of the target's files a deploy may delete once the site lacks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletable {
    /// Any: a folder holds the site and nothing else, as `build`'s output does.
    Any,
    /// Only those the manifest says Concord stored, unchanged since: a
    /// bucket may hold files uploaded by hand (reports, `.well-known/`),
    /// and a delete there cannot be undone.
    Stored,
}

/// The counts a deploy reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub new: usize,
    pub changed: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub left_alone: usize,
    /// Of the uploads, as stored.
    pub bytes: u64,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let count = |change| self.uploads.iter().filter(|u| u.change == change).count();
        Summary {
            new: count(Change::New),
            changed: count(Change::Changed),
            deleted: self.deletes.len(),
            unchanged: self.unchanged.len(),
            left_alone: self.left_alone.len(),
            bytes: self.uploads.iter().map(|u| u.body.len() as u64).sum(),
        }
    }
}

impl Outgoing {
    /// A file of the site as it will be stored, with its stage.
    /// `entrances` are the paths of the home pages.
    pub fn new(file: SiteFile, matchers: &[Matcher], entrances: &[String]) -> Outgoing {
        Outgoing {
            headers: Headers::for_path(&file.path, matchers),
            source_md5: md5_hex(&file.bytes),
            stage: stage(&file, entrances),
            bytes: file.bytes.into_owned(),
            path: file.path,
        }
    }
}

fn stage(file: &SiteFile, entrances: &[String]) -> Stage {
    match file.kind {
        FileKind::Static | FileKind::Search => Stage::Assets,
        FileKind::Article => Stage::Articles,
        FileKind::List if !entrances.contains(&file.path) => Stage::Lists,
        FileKind::List | FileKind::Feed | FileKind::Other => Stage::Entrances,
    }
}

/// Compares the site with what the target holds. `force` uploads every file.
pub fn plan(
    files: Vec<Outgoing>,
    remote: &HashMap<String, Remote>,
    manifest: &Manifest,
    force: bool,
    deletable: Deletable,
) -> Plan {
    let site: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let (mut deletes, mut left_alone) = (Vec::new(), Vec::new());
    for (path, object) in remote {
        if path == MANIFEST || site.contains(path.as_str()) {
            continue;
        }
        match deletable == Deletable::Any || stored_by_us(path, object, manifest) {
            true => deletes.push(path.clone()),
            false => left_alone.push(path.clone()),
        }
    }
    deletes.sort();
    left_alone.sort();
    let decided: Vec<(Outgoing, Option<Needed>)> = files
        .into_par_iter()
        .map(|file| {
            let upload = compare(
                &file,
                remote.get(&file.path),
                manifest.get(&file.path),
                force,
            );
            (file, upload)
        })
        .collect();
    let mut plan = Plan {
        deletes,
        left_alone,
        ..Plan::default()
    };
    for (file, upload) in decided {
        match upload {
            Some((change, body)) => plan.uploads.push(Upload { file, change, body }),
            None => plan.unchanged.push(file),
        }
    }
    plan.uploads
        .sort_by(|a, b| (a.file.stage, &a.file.path).cmp(&(b.file.stage, &b.file.path)));
    plan
}

/// Whether the manifest says Concord stored the object, and nobody changed it since.
fn stored_by_us(path: &str, object: &Remote, manifest: &Manifest) -> bool {
    manifest
        .get(path)
        .is_some_and(|remembered| object.etag.as_deref() == Some(remembered.etag.as_str()))
}

/// Why a file must be uploaded, and the bytes to store.
type Needed = (Change, Vec<u8>);

/// The upload a file needs, with the bytes to store, or `None` when the
/// target has it already. The manifest is trusted only while the object's
/// ETag is the one it recorded.
fn compare(
    file: &Outgoing,
    remote: Option<&Remote>,
    remembered: Option<&Remembered>,
    force: bool,
) -> Option<Needed> {
    let upload = |change, body| Some((change, body));
    let Some(remote) = remote else {
        return upload(Change::New, file.body());
    };
    if force || file.headers.force {
        return upload(Change::Changed, file.body());
    }
    let etag = remote.etag.as_deref();
    if let Some(remembered) = remembered.filter(|r| Some(r.etag.as_str()) == etag) {
        let same =
            remembered.source_md5 == file.source_md5 && remembered.headers == file.headers.digest();
        return if same {
            None
        } else {
            upload(Change::Changed, file.body())
        };
    }
    let body = file.body();
    if etag == Some(md5_hex(&body).as_str()) {
        None
    } else {
        upload(Change::Changed, body)
    }
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// An ETag as stores send it (`"9e10…"`, `W/"…"`), made comparable.
pub fn normalize_etag(etag: &str) -> String {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// The manifest as stored: one line per file, tab-separated, the path last.
pub fn write_manifest(manifest: &Manifest) -> Vec<u8> {
    let mut lines: Vec<String> = manifest
        .iter()
        .map(|(path, r)| {
            format!(
                "{}\t{}\t{}\t{path}\n",
                r.source_md5,
                r.etag,
                r.headers.replace('\t', " ")
            )
        })
        .collect();
    lines.sort();
    lines.concat().into_bytes()
}

/// Reads a manifest; lines it cannot read are left out, which only makes
/// the deploy compare those files by their bytes.
pub fn read_manifest(bytes: &[u8]) -> Manifest {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(4, '\t');
            let source_md5 = fields.next()?.to_string();
            let etag = fields.next()?.to_string();
            let headers = fields.next()?.to_string();
            let path = fields.next()?.to_string();
            Some((
                path,
                Remembered {
                    source_md5,
                    headers,
                    etag,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn site_file(path: &str, kind: FileKind, text: &str) -> SiteFile {
        SiteFile {
            path: path.to_string(),
            bytes: Cow::Owned(text.as_bytes().to_vec()),
            kind,
        }
    }

    fn site() -> Vec<Outgoing> {
        let files = vec![
            site_file("index.html", FileKind::List, "<h1>Home</h1>"),
            site_file("atom.xml", FileKind::Feed, "<feed/>"),
            site_file("cities/wuxi/index.html", FileKind::List, "<h1>Wuxi</h1>"),
            site_file(
                "news/2020/park/index.html",
                FileKind::Article,
                "<h1>Park</h1>",
            ),
            site_file("style.css", FileKind::Static, "body{}"),
        ];
        let entrances = ["index.html".to_string()];
        files
            .into_iter()
            .map(|file| Outgoing::new(file, &[], &entrances))
            .collect()
    }

    fn stored(files: &[Outgoing]) -> HashMap<String, Remote> {
        files
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    Remote {
                        etag: Some(md5_hex(&f.body())),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn assets_go_first_then_articles_then_lists_then_the_entrances() {
        let plan = plan(
            site(),
            &HashMap::new(),
            &Manifest::new(),
            false,
            Deletable::Any,
        );
        let order: Vec<&str> = plan.uploads.iter().map(|u| u.file.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "style.css",
                "news/2020/park/index.html",
                "cities/wuxi/index.html",
                "atom.xml",
                "index.html"
            ]
        );
        assert!(plan.uploads.iter().all(|u| u.change == Change::New));
    }

    #[test]
    fn an_md5_etag_equal_to_the_stored_bytes_means_unchanged() {
        let files = site();
        let mut remote = stored(&files);
        remote.insert("old/index.html".into(), Remote { etag: None });
        remote.insert(MANIFEST.into(), Remote { etag: None });
        remote.get_mut("style.css").unwrap().etag = Some("0".repeat(32));
        let plan = plan(files, &remote, &Manifest::new(), false, Deletable::Any);
        assert_eq!(plan.summary().changed, 1);
        assert_eq!(plan.uploads[0].file.path, "style.css");
        assert_eq!(plan.deletes, ["old/index.html"]);
        assert_eq!(plan.unchanged.len(), 4);
    }

    #[test]
    fn the_manifest_decides_while_the_etag_is_the_one_it_recorded() {
        let files = site();
        let remote: HashMap<String, Remote> = files
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    Remote {
                        etag: Some(format!("{}-1", f.path.len())),
                    },
                )
            })
            .collect();
        let mut manifest: Manifest = files
            .iter()
            .map(|f| {
                let remembered = Remembered {
                    source_md5: f.source_md5.clone(),
                    headers: f.headers.digest(),
                    etag: format!("{}-1", f.path.len()),
                };
                (f.path.clone(), remembered)
            })
            .collect();
        manifest.get_mut("atom.xml").unwrap().headers = "text/plain|no-cache|identity".into();
        manifest.get_mut("style.css").unwrap().etag = "changed-by-someone-else".into();
        let plan = plan(files, &remote, &manifest, false, Deletable::Stored);
        let mut changed: Vec<&str> = plan.uploads.iter().map(|u| u.file.path.as_str()).collect();
        changed.sort();
        assert_eq!(changed, ["atom.xml", "style.css"]);
    }

    #[test]
    fn a_bucket_loses_only_the_files_concord_stored_and_nobody_changed_since() {
        let remembered = |etag: &str| Remembered {
            source_md5: "ab".into(),
            headers: "text/html".into(),
            etag: etag.into(),
        };
        let remote: HashMap<String, Remote> = ["gone.html", "report.pdf", "replaced.html"]
            .into_iter()
            .map(|path| {
                (
                    path.to_string(),
                    Remote {
                        etag: Some(format!("{path}-etag")),
                    },
                )
            })
            .collect();
        let manifest = Manifest::from([
            ("gone.html".to_string(), remembered("gone.html-etag")),
            (
                "replaced.html".to_string(),
                remembered("before-someone-replaced-it"),
            ),
        ]);
        let on_bucket = plan(Vec::new(), &remote, &manifest, false, Deletable::Stored);
        assert_eq!(on_bucket.deletes, ["gone.html"]);
        assert_eq!(on_bucket.left_alone, ["replaced.html", "report.pdf"]);
        let in_folder = plan(Vec::new(), &remote, &Manifest::new(), false, Deletable::Any);
        assert_eq!(
            in_folder.deletes,
            ["gone.html", "replaced.html", "report.pdf"]
        );
        assert!(in_folder.left_alone.is_empty());
    }

    #[test]
    fn the_manifest_reads_back_what_was_written() {
        let mut manifest = Manifest::new();
        manifest.insert(
            "cities/无锡/index.html".into(),
            Remembered {
                source_md5: "ab".into(),
                headers: "text/html; charset=utf-8|public, max-age=300|gzip".into(),
                etag: "cd".into(),
            },
        );
        assert_eq!(read_manifest(&write_manifest(&manifest)), manifest);
        assert!(read_manifest(b"garbage\n\xff\xfe").is_empty());
    }

    #[test]
    fn gzip_is_the_same_bytes_every_time() {
        let file = &site()[0];
        assert!(file.headers.gzip);
        assert_eq!(file.body(), file.body());
        assert_ne!(file.body(), file.bytes);
    }
}
