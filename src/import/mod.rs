//! `concord import`: press releases and wire texts (plain text or Markdown)
//! in, content files out, with a report of what was inferred and what needs
//! the editor. Nothing is ever overwritten.

mod body;
mod dates;
mod places;
mod release;

use std::path::{Path, PathBuf};

use time::Date;

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::layout::{CONTENT_DIR, NEWS_DIR};
use crate::model::{iso_date, slug, CityRegistry};
use crate::scaffold::toml_string;
use release::Format;
pub use release::{Draft, Note};

/// One text to import: its name for the report, and its bytes.
#[derive(Debug, Clone)]
pub struct Release {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Release {
    /// Markdown when its name says so (`.md`, `.markdown`), else plain text.
    fn format(&self) -> Format {
        let name = self.name.to_lowercase();
        match name.ends_with(".md") || name.ends_with(".markdown") {
            true => Format::Markdown,
            false => Format::Text,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    /// Where the files go [default: `content/news/` of the site].
    pub into: Option<PathBuf>,
    /// The date of every release, instead of the one found in its text.
    pub date: Option<Date>,
    /// Report and print, but write nothing.
    pub dry_run: bool,
    /// Stands in for a date the text does not give, in a draft.
    pub today: Date,
}

/// What became of one release.
#[derive(Debug, Clone)]
pub struct Imported {
    pub name: String,
    /// The content file, written unless a dry run.
    pub path: PathBuf,
    /// The whole file as written.
    pub file: String,
    pub draft: Draft,
    /// The encoding it was decoded from, when not UTF-8.
    pub encoding: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("config.toml has problems; fix them first")]
    Config(Diagnostics),
    #[error("{name} is neither UTF-8 nor GB18030 text; save it as UTF-8 and import it again")]
    NotText { name: String },
    #[error("{name}: `{}` exists already; nothing was overwritten: rename that file, or import into another folder with --into", .path.display())]
    Exists { name: String, path: PathBuf },
    #[error("{name}: the text is empty")]
    Empty { name: String },
    #[error("cannot {action} `{}`: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The site's cities, to import against.
pub fn site_cities(root: &Path) -> Result<CityRegistry, ImportError> {
    Config::load(root)
        .map(|(_, cities)| cities)
        .map_err(ImportError::Config)
}

/// Reads one release and writes its content file (unless a dry run).
pub fn import(
    release: &Release,
    cities: &CityRegistry,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let (text, encoding) = decode(release)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            name: release.name.clone(),
        });
    }
    let draft = release::read(&text, release.format(), cities, options.date);
    let folder = options
        .into
        .clone()
        .unwrap_or_else(|| options.root.join(CONTENT_DIR).join(NEWS_DIR));
    let path = folder.join(format!("{}.md", slug::slugify(&draft.title)));
    if path.exists() {
        return Err(ImportError::Exists {
            name: release.name.clone(),
            path,
        });
    }
    let file = content_file(&draft, options.today);
    if !options.dry_run {
        write_new(&path, &file)?;
    }
    Ok(Imported {
        name: release.name.clone(),
        path,
        file,
        draft,
        encoding,
    })
}

/// UTF-8 (with or without a byte-order mark), else GB18030, which reads GBK
/// and GB2312 too: what Chinese newsrooms' Windows machines save.
fn decode(release: &Release) -> Result<(String, Option<&'static str>), ImportError> {
    let bytes = release
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&release.bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.replace("\r\n", "\n"), None));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.replace("\r\n", "\n"), Some("GB18030")))
        .ok_or_else(|| ImportError::NotText {
            name: release.name.clone(),
        })
}

/// Writes a file that must not exist yet; an existing one is never replaced.
fn write_new(path: &Path, text: &str) -> Result<(), ImportError> {
    let io = |action| {
        move |source| ImportError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    };
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(io("create the folder"))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("create"))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io("write"))
}

/// The content file: front matter, then the body.
fn content_file(draft: &Draft, today: Date) -> String {
    let mut front = format!("+++\ntitle = {}\n", toml_string(&draft.title));
    match draft.date {
        Some(date) => front.push_str(&format!("date = {}\n", iso_date(date))),
        None => front.push_str(&format!(
            "# no date was found in the text: today's date stands in; set the right one\ndate = {}\n",
            iso_date(today)
        )),
    }
    let keys: Vec<String> = draft.cities.iter().map(|k| toml_string(k)).collect();
    front.push_str(&format!("cities = [{}]\n", keys.join(", ")));
    for (name, keys) in &draft.undecided {
        front.push_str(&format!(
            "# `{name}` could be {}: add the one meant\n",
            keys.join(" or ")
        ));
    }
    let fields = [
        ("summary", &draft.summary),
        ("source", &draft.source),
        ("source_url", &draft.source_url),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            front.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    if draft.draft {
        front.push_str("draft = true\n");
    }
    format!("{front}+++\n{}", draft.body)
}
