//! Content files: found under `content/`, read, and parsed into articles.

mod article;
pub mod front_matter;
pub mod markdown;
pub mod slug;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceSpan};
use crate::model::{Article, CityRegistry};

pub use article::parse as parse_article;

pub const CONTENT_DIR: &str = "content";

/// Every article under `root/content/`, drafts only when asked for. All
/// files are read and parsed, so that every problem is reported at once.
pub fn load(
    root: &Path,
    cities: &CityRegistry,
    include_drafts: bool,
) -> Result<Vec<Article>, Diagnostics> {
    let content_dir = root.join(CONTENT_DIR);
    let files = discover(&content_dir)?;
    let results: Vec<Result<Article, Diagnostics>> = files
        .par_iter()
        .map(|file| read(&content_dir, file).and_then(|text| parse_article(file, &text, cities)))
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Ok(article) if article.draft && !include_drafts => {}
            Ok(article) => articles.push(article),
            Err(found) => problems.extend(found),
        }
    }
    problems.into_result(articles)
}

/// Markdown files under `content_dir`, as paths relative to it with `/`
/// separators, in a stable order. Hidden files and editors' backup and
/// lock files are skipped.
pub fn discover(content_dir: &Path) -> Result<Vec<String>, Diagnostics> {
    let mut files = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_ignored(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = entry.map_err(|error| {
            let path = error
                .path()
                .map_or_else(|| content_dir.to_path_buf(), Path::to_path_buf);
            Diagnostic::error(format!("cannot read `{}`: {error}", path.display()))
                .help("check that the content folder exists and that you may read it")
        })?;
        let is_markdown = entry.path().extension().is_some_and(|e| e == "md");
        if entry.file_type().is_file() && is_markdown {
            let relative = entry
                .path()
                .strip_prefix(content_dir)
                .unwrap_or(entry.path());
            files.push(relative_name(relative));
        }
    }
    Ok(files)
}

fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~')
}

fn relative_name(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

fn read(content_dir: &Path, file: &str) -> Result<String, Diagnostics> {
    let path: PathBuf = content_dir.join(file);
    let display = format!("{CONTENT_DIR}/{file}");
    let bytes = std::fs::read(&path).map_err(|error| {
        Diagnostic::error(format!("cannot read the file: {error}"))
            .in_file(&display)
            .help("check that the file exists and that you may read it")
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(error.as_bytes());
        let lossy_offset = String::from_utf8_lossy(&error.as_bytes()[..valid]).len();
        Diagnostic::error("the file is not UTF-8 text")
            .in_file(&display)
            .at(SourceSpan::locate(&lossy, lossy_offset..lossy_offset + 3))
            .label("this byte is not UTF-8")
            .help("save the file with UTF-8 encoding (in most editors: \"Save with encoding\" → UTF-8)")
            .into()
    })
}
