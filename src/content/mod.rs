//! Content files: found under `content/`, read, and parsed into articles.

mod article;
mod cache;
pub mod front_matter;
mod links;
pub mod markdown;
pub(crate) mod placeholder;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use time::Date;
use walkdir::WalkDir;

use crate::cache::Stamp;
use crate::config::{BaseUrl, Language, RawHtml};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceSpan, SourceText};
use crate::layout::{relative_name, CONTENT_DIR};
use crate::model::{fitted, paths, Article, Body, BodySource, CityRegistry};
pub use article::{parse as parse_article, Parsed, SiteTerms};
pub use cache::{ArticleCache, CachedArticle};
use links::{ArticleLinks, ContentLinks, Target};

pub struct LoadOptions<'a> {
    pub cities: &'a CityRegistry,
    pub languages: &'a [Language],
    pub base_url: &'a BaseUrl,
    pub include_drafts: bool,
    /// Articles dated after it are warned about.
    pub today: Date,
    pub raw_html: RawHtml,
    /// Whether bodies are held deflated, for a site kept in memory of
    /// which few pages are rendered again (the preview).
    pub deflate_bodies: bool,
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Content {
    pub articles: Vec<Arc<Article>>,
    /// Links to site paths (`/archive/2020/06/`), checked once every page is known.
    pub site_links: Vec<SiteLink>,
    /// How many content files were read.
    pub files: usize,
    /// How many of them have errors, and so no article.
    pub failed: usize,
    /// How many were not read, as the article cache held their article.
    pub cached: usize,
}

#[derive(Debug, Clone)]
pub struct SiteLink {
    pub path: String,
    /// The link itself in its file, for a report when the page does not exist.
    pub origin: Diagnostic,
}

/// Every article under `root/content/`, drafts only when asked for, with
/// the articles worth keeping for the next build: those of files last
/// modified before `stable` (nanoseconds since 1970). Every file is read
/// and parsed but those `cache` vouches for, whose bodies `bodies` makes
/// when asked; every problem goes into `problems`.
pub fn load(
    root: &Path,
    options: &LoadOptions<'_>,
    cache: Option<&ArticleCache>,
    bodies: &Bodies,
    stable: u128,
    problems: &mut Diagnostics,
) -> (Content, ArticleCache) {
    match ContentSet::load(root, options, cache) {
        Ok(mut set) => {
            let kept = set.cacheable(stable);
            bodies.ready(root, options, std::mem::take(&mut set.targets));
            (set.into_content(options.include_drafts, problems), kept)
        }
        Err(found) => {
            problems.extend(found);
            (Content::default(), ArticleCache::default())
        }
    }
}

/// Makes the bodies of articles taken from the article cache when a page
/// asks for one: reads the file again and renders its body, its links
/// resolved against the site as this build read it.
#[derive(Clone, Default)]
pub struct Bodies {
    maker: Arc<OnceLock<BodyMaker>>,
}

/// What a body is rendered with: [`LoadOptions`] and the site's content files.
struct BodyMaker {
    content_dir: PathBuf,
    cities: CityRegistry,
    languages: Vec<Language>,
    base_url: BaseUrl,
    include_drafts: bool,
    today: Date,
    raw_html: RawHtml,
    targets: HashMap<String, Target>,
}

impl Bodies {
    /// The source of the body of the article of `file` (relative to `content/`).
    pub fn source(&self, file: &str) -> BodySource {
        let maker = Arc::clone(&self.maker);
        let file = file.to_string();
        Arc::new(move || {
            maker
                .get()
                .map_or_else(String::new, |maker| maker.body(&file))
        })
    }

    fn ready(&self, root: &Path, options: &LoadOptions<'_>, targets: HashMap<String, Target>) {
        let _ = self.maker.set(BodyMaker {
            content_dir: root.join(CONTENT_DIR),
            cities: options.cities.clone(),
            languages: options.languages.to_vec(),
            base_url: options.base_url.clone(),
            include_drafts: options.include_drafts,
            today: options.today,
            raw_html: options.raw_html,
            targets,
        });
    }
}

impl BodyMaker {
    fn body(&self, file: &str) -> String {
        let options = LoadOptions {
            cities: &self.cities,
            languages: &self.languages,
            base_url: &self.base_url,
            include_drafts: self.include_drafts,
            today: self.today,
            raw_html: self.raw_html,
            deflate_bodies: false,
        };
        let state = read_state(&self.content_dir, file, &options);
        let Some(parsed) = state.parsed.as_deref() else {
            return String::new();
        };
        let links = content_links(&options, &self.targets);
        render_markdown(&state.text, parsed, &links, &options)
            .0
            .html
    }
}

/// How an article's links resolve: against `targets`, the site's content files.
fn content_links<'a>(
    options: &LoadOptions<'a>,
    targets: &'a HashMap<String, Target>,
) -> ContentLinks<'a> {
    ContentLinks {
        base_url: options.base_url,
        cities: options.cities,
        files: targets,
        include_drafts: options.include_drafts,
    }
}

/// One content file as last read: its text and checked front matter until
/// its body is rendered, where its article is published, and its finished
/// article (body rendered, links resolved) with every problem; or, taken
/// from the article cache, its finished article alone.
struct FileState {
    text: String,
    /// Boxed, as it is most of a file's state until it is let go, and the
    /// states of 100,000 files were 62 MB with it inline.
    parsed: Option<Box<Parsed>>,
    /// Known from the front matter, so kept once that is let go.
    target: Target,
    front_matter_problems: Diagnostics,
    finished: Finished,
    /// The file as it was read, when that could be told.
    stamp: Option<Stamp>,
    from_cache: bool,
}

#[derive(Clone, Default)]
struct Finished {
    article: Option<Arc<Article>>,
    site_links: Vec<SiteLink>,
    problems: Diagnostics,
    /// The content files its links name, with where each led.
    links: Vec<(String, Option<Target>)>,
}

/// Where `article` is published, for links to it.
fn target_of(article: Option<&Article>, languages: &[Language]) -> Target {
    match article {
        Some(article) => Target::Page {
            path: format!(
                "{}{}",
                languages[article.edition.index()].prefix,
                article.path()
            ),
            draft: article.draft,
        },
        None => Target::Unknown,
    }
}

impl FileState {
    fn cached(cached: &CachedArticle, languages: &[Language]) -> FileState {
        FileState {
            text: String::new(),
            parsed: None,
            target: target_of(Some(&cached.article), languages),
            front_matter_problems: Diagnostics::default(),
            finished: Finished {
                article: Some(Arc::clone(&cached.article)),
                links: cached.links.clone(),
                ..Finished::default()
            },
            stamp: Some(cached.stamp),
            from_cache: true,
        }
    }

    /// Whether its body names `file` in a link (`@/file`).
    fn links_to(&self, file: &str) -> bool {
        self.finished.links.iter().any(|(named, _)| named == file)
    }

    /// Whether a link of its cached article now leads elsewhere.
    fn links_moved(&self, targets: &HashMap<String, Target>) -> bool {
        self.from_cache
            && (self.finished.links.iter()).any(|(file, led)| targets.get(file) != led.as_ref())
    }
}

/// Every content file of a site, kept after reading so that a change to one
/// file re-reads that file alone. Bodies are rendered once all front matter
/// is read, so that links between articles resolve.
pub struct ContentSet {
    content_dir: PathBuf,
    files: BTreeMap<String, FileState>,
    /// Where each file's article is published, for links to it; kept up
    /// to date file by file, as the preview re-reads one file at a time.
    targets: HashMap<String, Target>,
}

fn files_targets(files: &BTreeMap<String, FileState>) -> HashMap<String, Target> {
    files
        .iter()
        .map(|(name, state)| (name.clone(), state.target.clone()))
        .collect()
}

impl ContentSet {
    /// Reads every content file, but those whose article `cache` holds as
    /// they are now.
    pub fn load(
        root: &Path,
        options: &LoadOptions<'_>,
        cache: Option<&ArticleCache>,
    ) -> Result<ContentSet, Diagnostics> {
        let content_dir = root.join(CONTENT_DIR);
        let names = discover(&content_dir)?;
        let mut files: BTreeMap<String, FileState> =
            read_files(&content_dir, names, options, cache)
                .into_iter()
                .collect();
        let targets = files_targets(&files);
        let moved: Vec<String> = (files.iter())
            .filter(|(_, state)| state.links_moved(&targets))
            .map(|(file, _)| file.clone())
            .collect();
        files.extend(read_files(&content_dir, moved, options, None));
        let mut set = ContentSet {
            content_dir,
            files,
            targets,
        };
        let stale: Vec<String> = (set.files.iter())
            .filter(|(_, state)| !state.from_cache)
            .map(|(file, _)| file.clone())
            .collect();
        set.finish(&stale, options);
        Ok(set)
    }

    /// The articles worth keeping for the next build: finished without a
    /// problem or a link to check once the site is known, from files last
    /// modified before `stable`, as a file changed again within the same
    /// tick of the file system's clock would keep its stamp.
    pub fn cacheable(&self, stable: u128) -> ArticleCache {
        let mut cache = ArticleCache::default();
        for (file, state) in &self.files {
            let finished = &state.finished;
            let (Some(article), Some(stamp)) = (&finished.article, state.stamp) else {
                continue;
            };
            let clean = finished.problems.is_empty() && finished.site_links.is_empty();
            if clean && stamp.modified_before(stable) {
                let cached = CachedArticle {
                    stamp,
                    article: Arc::clone(article),
                    links: finished.links.clone(),
                };
                cache.insert(file.clone(), cached);
            }
        }
        cache
    }

    /// Re-reads `file` (relative to `content/`), or forgets it if it is gone.
    /// Other files are re-rendered only if their links may point at it and
    /// its URL changed. Returns the files whose article was made anew.
    pub fn update(&mut self, file: &str, options: &LoadOptions<'_>) -> Vec<String> {
        let before = self.files.get(file).map(|s| s.target.clone());
        if self.content_dir.join(file).is_file() {
            let state = read_state(&self.content_dir, file, options);
            self.files.insert(file.to_string(), state);
        } else {
            self.files.remove(file);
        }
        let after = self.files.get(file).map(|s| s.target.clone());
        match &after {
            Some(target) => self.targets.insert(file.to_string(), target.clone()),
            None => self.targets.remove(file),
        };
        let mut stale = vec![file.to_string()];
        if before != after {
            let linking: Vec<String> = (self.files.iter())
                .filter(|(name, state)| *name != file && state.links_to(file))
                .map(|(name, _)| name.clone())
                .collect();
            self.files.extend(read_files(
                &self.content_dir,
                linking.clone(),
                options,
                None,
            ));
            stale.extend(linking);
        }
        self.finish(&stale, options);
        stale
    }

    /// Looks for files added or removed without an event of their own (a
    /// folder moved or renamed) and reads or forgets them. Returns the files
    /// whose article was made anew.
    pub fn rescan(&mut self, options: &LoadOptions<'_>) -> Vec<String> {
        let Ok(found) = discover(&self.content_dir) else {
            return Vec::new();
        };
        let found: std::collections::BTreeSet<String> = found.into_iter().collect();
        let added = found.iter().filter(|f| !self.files.contains_key(*f));
        let gone = self.files.keys().filter(|f| !found.contains(*f));
        let changed: Vec<String> = added.chain(gone).cloned().collect();
        changed
            .iter()
            .flat_map(|file| self.update(file, options))
            .collect()
    }

    /// The files, relative to `content/`.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Renders the bodies of `stale` files, which were just read, resolving
    /// their links. Each file's text and front matter are let go once its
    /// body is rendered, so that a site's Markdown and its HTML are not all
    /// held at once.
    fn finish(&mut self, stale: &[String], options: &LoadOptions<'_>) {
        let links = content_links(options, &self.targets);
        let stale: HashSet<&str> = stale.iter().map(String::as_str).collect();
        let states: Vec<(&String, &mut FileState)> = (self.files.iter_mut())
            .filter(|(name, _)| stale.contains(name.as_str()))
            .collect();
        states.into_par_iter().for_each(|(name, state)| {
            state.finished = render_body(name, state, &links, options);
            state.text = String::new();
            state.parsed = None;
        });
    }

    /// The same as [`ContentSet::content`], consuming the set, so that the
    /// files' text is freed: for a build that reads every file once.
    pub fn into_content(self, include_drafts: bool, problems: &mut Diagnostics) -> Content {
        let mut content = Content {
            files: self.files.len(),
            cached: self.files.values().filter(|s| s.from_cache).count(),
            ..Content::default()
        };
        for state in self.files.into_values() {
            content.add(state.finished, include_drafts, include_drafts, problems);
        }
        content
    }

    /// The articles, drafts only when asked for; every problem goes into
    /// `problems`, a left-out draft's warnings too when `warn_drafts` (the
    /// preview, where editors see drafts they are writing).
    pub fn content(
        &self,
        include_drafts: bool,
        warn_drafts: bool,
        problems: &mut Diagnostics,
    ) -> Content {
        let mut content = Content {
            files: self.files.len(),
            ..Content::default()
        };
        for state in self.files.values() {
            content.add(
                state.finished.clone(),
                include_drafts,
                warn_drafts,
                problems,
            );
        }
        content
    }
}

impl Content {
    /// Takes in one file's article, links and problems. A draft left out
    /// of the site is reported for its errors only, unless `warn_drafts`:
    /// its placeholders and other warnings wait until it is published, or
    /// built with `--drafts`.
    fn add(
        &mut self,
        finished: Finished,
        include_drafts: bool,
        warn_drafts: bool,
        problems: &mut Diagnostics,
    ) {
        self.failed += usize::from(finished.article.is_none());
        let is_draft = finished
            .article
            .as_ref()
            .is_some_and(|article| article.draft);
        let left_out = is_draft && !include_drafts;
        if left_out && !warn_drafts {
            problems.extend(
                finished
                    .problems
                    .into_iter()
                    .filter(|problem| problem.severity == Severity::Error)
                    .collect(),
            );
        } else {
            problems.extend(finished.problems);
        }
        if !left_out {
            self.articles.extend(finished.article);
        }
        self.site_links.extend(finished.site_links);
    }
}

/// The file's article from `cache` while the file is the one it was made
/// from, else the file as read now.
fn read_or_take(
    content_dir: &Path,
    file: &str,
    options: &LoadOptions<'_>,
    cache: Option<&ArticleCache>,
) -> FileState {
    let stamp = Stamp::of(&content_dir.join(file));
    let cached = cache
        .and_then(|cache| cache.get(file))
        .filter(|cached| stamp == Some(cached.stamp));
    match cached {
        Some(cached) => FileState::cached(cached, options.languages),
        None => read_stamped(content_dir, file, options, stamp),
    }
}

fn read_state(content_dir: &Path, file: &str, options: &LoadOptions<'_>) -> FileState {
    read_or_take(content_dir, file, options, None)
}

/// [`read_or_take`] of every one of `files`, in parallel.
fn read_files(
    content_dir: &Path,
    files: Vec<String>,
    options: &LoadOptions<'_>,
    cache: Option<&ArticleCache>,
) -> Vec<(String, FileState)> {
    files
        .into_par_iter()
        .map(|file| {
            let state = read_or_take(content_dir, &file, options, cache);
            (file, state)
        })
        .collect()
}

/// Reads `file`, whose `stamp` was taken before: a file changed while it is
/// read has another stamp by the next build.
fn read_stamped(
    content_dir: &Path,
    file: &str,
    options: &LoadOptions<'_>,
    stamp: Option<Stamp>,
) -> FileState {
    let (text, parsed, front_matter_problems) = match read(content_dir, file) {
        Ok(text) => {
            let terms = SiteTerms {
                cities: options.cities,
                languages: options.languages,
            };
            let (parsed, problems) = article::parse(file, &text, &terms, options.today);
            (text, parsed.map(Box::new), problems)
        }
        Err(problems) => (String::new(), None, problems),
    };
    FileState {
        text,
        target: target_of(parsed.as_ref().map(|p| &p.article), options.languages),
        parsed,
        front_matter_problems,
        finished: Finished::default(),
        stamp,
        from_cache: false,
    }
}

/// The body of a parsed file as Markdown renders it, with the content
/// files its links named (`@/…`), in the order they came.
fn render_markdown(
    text: &str,
    parsed: &Parsed,
    links: &ContentLinks<'_>,
    options: &LoadOptions<'_>,
) -> (markdown::RenderedBody, Vec<String>) {
    let article_links = ArticleLinks {
        links,
        prefix: &options.languages[parsed.article.edition.index()].prefix,
        named: Default::default(),
    };
    let body = markdown::render(
        &text[parsed.body_offset..],
        &article_links,
        options.raw_html,
    );
    (body, article_links.named.into_inner())
}

fn render_body(
    file: &str,
    state: &FileState,
    links: &ContentLinks<'_>,
    options: &LoadOptions<'_>,
) -> Finished {
    let mut problems = state.front_matter_problems.clone();
    let Some(parsed) = state.parsed.as_deref() else {
        return Finished {
            problems,
            ..Finished::default()
        };
    };
    let text = &state.text;
    let body_offset = parsed.body_offset;
    let (body, named) = render_markdown(text, parsed, links, options);
    let links_led = named.into_iter().map(|file| {
        let led = links.files.get(&file).cloned();
        (file, led)
    });
    let display_path = format!("{CONTENT_DIR}/{file}");
    let lines = std::cell::OnceCell::new();
    let at = |range: std::ops::Range<usize>| {
        lines
            .get_or_init(|| SourceText::new(text))
            .span(range.start + body_offset..range.end + body_offset)
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
                .help(if link.path.contains(paths::PARTNERSHIPS) {
                    "a pair has a page once an article names both its cities; link to one that has"
                } else {
                    "link to a page the site has, such as `/archive/2020/06/`, or to a file in static/"
                }),
            path: link.path,
        })
        .collect();
    let mut article = parsed.article.clone();
    let summary = match &parsed.written_summary {
        Some(written) => markdown::render_summary(written, options.raw_html),
        None => body.summary,
    };
    let summary = summary.unwrap_or_default();
    article.summary_html = fitted(summary.html);
    article.summary_text = fitted(summary.text);
    article.body = if options.deflate_bodies {
        Body::deflated(&body.html)
    } else {
        Body::new(body.html)
    };
    Finished {
        article: (problems.error_count() == 0).then(|| Arc::new(article)),
        site_links,
        problems,
        links: links_led.collect(),
    }
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
            files.push(relative_name(entry.path(), content_dir));
        }
    }
    Ok(files)
}

/// Files and folders a build skips: hidden ones, and editors' backups and locks.
pub(crate) fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~')
}

fn read(content_dir: &Path, file: &str) -> Result<String, Diagnostics> {
    let path: PathBuf = content_dir.join(file);
    let display = format!("{CONTENT_DIR}/{file}");
    let bytes = std::fs::read(&path).map_err(|error| {
        // Names are found as text; one that is not UTF-8 cannot be found again by it.
        if error.kind() == std::io::ErrorKind::NotFound && file.contains(char::REPLACEMENT_CHARACTER) {
            return Diagnostic::error("the file's name is not UTF-8 text, so it cannot be read by name")
                .in_file(&display)
                .help("rename the file using UTF-8 characters only (retyping the name in a file manager usually does it)");
        }
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
