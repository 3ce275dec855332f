//! Content files: found under `content/`, read, and parsed into articles.

mod article;
pub mod front_matter;
mod links;
pub mod markdown;
mod placeholder;
pub mod slug;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use time::Date;
use walkdir::WalkDir;

use crate::config::BaseUrl;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceSpan};
use crate::model::{Article, CityRegistry};
pub use article::{parse as parse_article, Parsed};
use links::{ContentLinks, Target};

pub const CONTENT_DIR: &str = "content";

pub struct LoadOptions<'a> {
    pub cities: &'a CityRegistry,
    pub base_url: &'a BaseUrl,
    pub include_drafts: bool,
    /// Articles dated after it are warned about.
    pub today: Date,
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Content {
    pub articles: Vec<Article>,
    /// Links to site paths (`/archive/2020/06/`), checked once every page is known.
    pub site_links: Vec<SiteLink>,
    /// How many content files were read.
    pub files: usize,
}

#[derive(Debug, Clone)]
pub struct SiteLink {
    pub path: String,
    /// The link itself in its file, for a report when the page does not exist.
    pub origin: Diagnostic,
}

/// One file through the first phase: read, front matter checked.
struct FileState {
    file: String,
    text: String,
    parsed: Option<Parsed>,
    problems: Diagnostics,
}

/// Every article under `root/content/`, drafts only when asked for. Every
/// file is read and parsed, and every problem goes into `problems`. Bodies
/// are rendered once all front matter is read, so links between articles resolve.
pub fn load(root: &Path, options: &LoadOptions<'_>, problems: &mut Diagnostics) -> Content {
    let content_dir = root.join(CONTENT_DIR);
    let files = match discover(&content_dir) {
        Ok(files) => files,
        Err(found) => {
            problems.extend(found);
            return Content::default();
        }
    };
    let states: Vec<FileState> = files
        .par_iter()
        .map(|file| first_phase(&content_dir, file, options))
        .collect();
    let links = ContentLinks {
        base_url: options.base_url,
        cities: options.cities,
        files: states.iter().map(|s| (s.file.clone(), target(s))).collect(),
        include_drafts: options.include_drafts,
    };
    let finished: Vec<(Option<Article>, Vec<SiteLink>, Diagnostics)> = states
        .into_par_iter()
        .map(|state| render_body(state, &links))
        .collect();
    let mut content = Content {
        files: files.len(),
        ..Content::default()
    };
    for (article, site_links, found) in finished {
        problems.extend(found);
        content.site_links.extend(site_links);
        content
            .articles
            .extend(article.filter(|a| options.include_drafts || !a.draft));
    }
    content
}

fn first_phase(content_dir: &Path, file: &str, options: &LoadOptions<'_>) -> FileState {
    match read(content_dir, file) {
        Ok(text) => {
            let (parsed, problems) = article::parse(file, &text, options.cities, options.today);
            FileState {
                file: file.to_string(),
                text,
                parsed,
                problems,
            }
        }
        Err(problems) => FileState {
            file: file.to_string(),
            text: String::new(),
            parsed: None,
            problems,
        },
    }
}

fn target(state: &FileState) -> Target {
    match &state.parsed {
        Some(parsed) => Target::Page {
            path: parsed.article.path(),
            draft: parsed.article.draft,
        },
        None => Target::Unknown,
    }
}

fn render_body(
    state: FileState,
    links: &ContentLinks<'_>,
) -> (Option<Article>, Vec<SiteLink>, Diagnostics) {
    let FileState {
        file,
        text,
        parsed,
        mut problems,
    } = state;
    let Some(Parsed {
        mut article,
        body_offset,
        written_summary,
    }) = parsed
    else {
        return (None, Vec::new(), problems);
    };
    let body = markdown::render(&text[body_offset..], links);
    let display_path = format!("{CONTENT_DIR}/{file}");
    let at = |range: std::ops::Range<usize>| {
        SourceSpan::locate(&text, range.start + body_offset..range.end + body_offset)
    };
    for broken in body.broken_links {
        problems.push(
            Diagnostic::error(broken.message)
                .in_file(&display_path)
                .at(at(broken.range))
                .label("broken link")
                .help(broken.help),
        );
    }
    let site_links = body
        .site_links
        .into_iter()
        .map(|link| SiteLink {
            origin: Diagnostic::error(format!("there is no page `/{}` in the site", link.path))
                .in_file(&display_path)
                .at(at(link.range))
                .label("broken link")
                .help("link to a page the site has, such as `/archive/2020/06/`, or to a file in static/"),
            path: link.path,
        })
        .collect();
    if !written_summary {
        let summary = body.summary.unwrap_or_default();
        article.summary_html = summary.html;
        article.summary_text = summary.text;
    }
    article.body_html = body.html;
    let article = (problems.error_count() == 0).then_some(article);
    (article, site_links, problems)
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
