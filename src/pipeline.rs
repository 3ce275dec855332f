//! The one pipeline that `build`, `check` and `serve` share: find the site,
//! load its config, theme, assets and content, and build the model and the
//! page plan. It is the only place that knows what makes a folder a site
//! and what day it is. Where the files go is the caller's choice of sink.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use time::Date;

use crate::assets::Assets;
use crate::cache;
use crate::config::{BaseUrl, Config};
use crate::content::{self, ArticleCache, Content, LoadOptions, SiteLink};
use crate::diagnostics::{count, Diagnostic, Diagnostics};
use crate::layout::{CACHE_DIR, CONFIG_FILE, OUTPUT_DIR, STATIC_DIR};
use crate::lint;
use crate::model::{paths, ArticleId, CityRegistry, EditionId, EditionPlace, Editions};
use crate::output::{CacheFile, OutputDir, OutputError};
use crate::render::fingerprint;
use crate::render::plan::{self, Page};
use crate::render::{Discard, FileCounts, Selection, Sink, SiteFiles, StreamError, Theme};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` is not a site folder: it has no {CONFIG_FILE}{}", .root.display(), if *.searched_up { ", and neither has any folder above it" } else { "" })]
    NotASite { root: PathBuf, searched_up: bool },
    #[error("{} in the site", count(.0.problems.error_count(), "error"))]
    Site(Findings),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What reading and checking a site found.
#[derive(Debug, Clone)]
pub struct Findings {
    pub problems: Diagnostics,
    /// Content files, config.toml and the site's own templates.
    pub files: usize,
    /// What `check` did not do again.
    pub reused: Reused,
}

/// What a build or a check took from the last build rather than do again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reused {
    /// Pages not rendered, as the last build rendered them from the same fingerprint.
    pub pages: usize,
    /// Content files not read, as the article cache held their article.
    pub articles: usize,
}

/// What to read.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from config.toml.
    pub base_url: Option<String>,
    pub include_drafts: bool,
}

/// A folder that holds a site: it has a config.toml.
#[derive(Debug, Clone)]
pub struct SiteDir {
    root: PathBuf,
}

impl SiteDir {
    pub fn open(root: &Path) -> Result<SiteDir, Error> {
        if root.join(CONFIG_FILE).is_file() {
            Ok(SiteDir {
                root: root.to_path_buf(),
            })
        } else {
            Err(Error::NotASite {
                root: root.to_path_buf(),
                searched_up: false,
            })
        }
    }

    /// The site a command works on: `root` when one is given; else the
    /// current folder, or the nearest folder above it that has a
    /// config.toml, as cargo and git find theirs.
    pub fn find(root: Option<&Path>) -> Result<SiteDir, Error> {
        if let Some(root) = root {
            return SiteDir::open(root);
        }
        let here = Path::new(".");
        if here.join(CONFIG_FILE).is_file() {
            return SiteDir::open(here);
        }
        let current = std::env::current_dir().unwrap_or_default();
        current
            .ancestors()
            .find(|folder| folder.join(CONFIG_FILE).is_file())
            .map(|folder| SiteDir {
                root: folder.to_path_buf(),
            })
            .ok_or(Error::NotASite {
                root: here.to_path_buf(),
                searched_up: true,
            })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Today in UTC: articles dated after it are warned about, and `concord new` dates articles with it.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// config.toml, checked, with `base_url` replaced when asked.
pub(crate) fn load_config(
    site: &SiteDir,
    base_url: Option<&str>,
    problems: &mut Diagnostics,
) -> Option<(Config, CityRegistry)> {
    let (mut config, cities) = Config::load(site.root())
        .map_err(|found| problems.extend(found))
        .ok()?;
    if let Some(url) = base_url {
        match BaseUrl::parse(url) {
            Ok(url) => config.base_url = url,
            Err(message) => {
                problems.push(
                    Diagnostic::error(message)
                        .help("pass a full address to --base-url, like https://example.org/news/"),
                );
                return None;
            }
        }
    }
    Some((config, cities))
}

/// The built-in theme with the site's own templates.
pub(crate) fn load_theme(site: &SiteDir, problems: &mut Diagnostics) -> Option<Theme> {
    Theme::load(site.root())
        .map_err(|found| problems.extend(found))
        .ok()
}

/// The theme's assets and the site's `static/` files.
pub(crate) fn load_assets(site: &SiteDir, problems: &mut Diagnostics) -> Option<Assets> {
    match Assets::load(&site.root().join(STATIC_DIR)) {
        Ok(assets) => {
            problems.extend(assets.warnings.clone());
            Some(assets)
        }
        Err(problem) => {
            problems.push(problem);
            None
        }
    }
}

/// How content files are read.
pub(crate) fn load_options<'a>(
    config: &'a Config,
    cities: &'a CityRegistry,
    include_drafts: bool,
) -> LoadOptions<'a> {
    LoadOptions {
        cities,
        languages: &config.languages,
        base_url: &config.base_url,
        include_drafts,
        today: today(),
        raw_html: config.raw_html,
        deflate_bodies: false,
    }
}

/// The site's editions and their page plan from what `content/` holds,
/// with the site-wide problems: two articles with one URL, warnings,
/// broken links. The model is built from the articles that loaded, even
/// when others failed, so that these are reported in the same run.
/// `cities` is the registry as config.toml declares it.
pub(crate) fn model(
    config: &Config,
    cities: &CityRegistry,
    content: Content,
    assets: &Assets,
    problems: &mut Diagnostics,
) -> (Editions, Vec<Page>) {
    let places = config
        .languages
        .iter()
        .map(|language| EditionPlace {
            prefix: language.prefix.clone(),
            cities: cities.in_language(
                &language.code,
                &config.province_names,
                language.i18n.get("city_in_province"),
            ),
        })
        .collect();
    let (editions, found) = Editions::new(places, content.articles, &config.topic_names);
    problems.extend(found);
    // Each walks the whole site, and the preview waits for both on every save.
    let (warnings, pages) = rayon::join(
        || lint::site_warnings(&editions, config, content.failed == 0),
        || plan::plan(&editions, config.paginate_by, config.search),
    );
    problems.extend(warnings);
    problems.extend(missing_pages(&content.site_links, &pages, assets));
    problems.extend(shadowed_files(&pages, assets));
    if let Some(problem) = missing_background(config, assets) {
        problems.push(problem);
    }
    (editions, pages)
}

/// A map background that static/ does not hold.
fn missing_background(config: &Config, assets: &Assets) -> Option<Diagnostic> {
    let background = config.map.background.as_ref()?;
    if assets.iter().any(|asset| asset.path == background.path) {
        return None;
    }
    Some(
        Diagnostic::error(format!(
            "the map background `{STATIC_DIR}/{}` does not exist",
            background.path
        ))
        .in_file(CONFIG_FILE)
        .help(format!(
            "put the image at {STATIC_DIR}/{}, or remove `background` from [map]",
            background.path
        )),
    )
}

/// Files of static/ at the path of a page, which the page replaces.
fn shadowed_files(pages: &[Page], assets: &Assets) -> Diagnostics {
    let own: HashSet<&str> = assets
        .iter()
        .filter(|asset| asset.is_site_file())
        .map(|asset| asset.path.as_str())
        .collect();
    if own.is_empty() {
        return Diagnostics::default();
    }
    pages
        .iter()
        .filter(|page| own.contains(page.output_file().as_str()))
        .map(|page| {
            let file = format!("{STATIC_DIR}/{}", page.output_file());
            Diagnostic::warning(format!(
                "`{file}` is never published: the site's {} page `/{}` has its path and replaces it",
                page.kind.about().name,
                page.path
            ))
            .in_file(&file)
            .help("rename or move the file; to change that page, override its template in templates/")
        })
        .collect()
}

/// Links to site paths (`/archive/2020/06/`) whose page or file does not exist.
fn missing_pages(links: &[SiteLink], pages: &[Page], assets: &Assets) -> Diagnostics {
    if links.is_empty() {
        return Diagnostics::default();
    }
    let mut known: HashSet<String> = pages.iter().map(Page::output_file).collect();
    known.extend(assets.iter().map(|asset| asset.path.clone()));
    let exists = |path: &str| {
        let folder = match path.trim_end_matches('/') {
            "" => paths::HOME.to_string(),
            folder => format!("{folder}/"),
        };
        known.contains(path) || known.contains(&paths::output_file(&folder))
    };
    links
        .iter()
        .filter(|link| !exists(&link.path))
        .map(|link| link.origin.clone())
        .collect()
}

/// A site read and checked, with its page plan: everything but rendering.
pub struct Prepared {
    pub config: Config,
    pub editions: Editions,
    pub theme: Theme,
    pub assets: Assets,
    pub pages: Vec<Page>,
    /// Warnings only: a site with errors is never `Prepared`.
    pub warnings: Diagnostics,
    /// Content files, config.toml and the site's own templates.
    pub files: usize,
    /// Content files not read, as the article cache held their article.
    pub cached_articles: usize,
}

impl Prepared {
    /// Streams every file of the site into `sink`, the search index only
    /// when `search` (and the site has search).
    pub fn stream<S: Sink>(
        &self,
        sink: &S,
        search: bool,
    ) -> Result<FileCounts, StreamError<S::Error>> {
        let pages: Vec<usize> = (0..self.pages.len()).collect();
        self.stream_pages(sink, &pages, search)
    }

    /// Streams the pages at `pages` of the plan, the assets, and the
    /// search index when `search` (and the site has search).
    pub fn stream_pages<S: Sink>(
        &self,
        sink: &S,
        pages: &[usize],
        search: bool,
    ) -> Result<FileCounts, StreamError<S::Error>> {
        let files = SiteFiles::new(
            &self.editions,
            &self.config,
            &self.theme,
            &self.pages,
            &self.assets,
        );
        let selection = Selection {
            pages,
            assets: true,
            search,
        };
        files.stream(selection, sink)
    }

    /// What the pages were made with besides the content, for the page
    /// cache: Concord, `config` (config.toml as read before the site was),
    /// the options and the theme.
    pub(crate) fn cache_key(&self, options: &SiteOptions, config: &Option<Vec<u8>>) -> u64 {
        let mut hasher = made_with(options, config);
        self.theme.hash_sources(&mut hasher);
        hasher.finish()
    }

    /// Every page's fingerprint, with the articles' versions made from what they hold.
    pub(crate) fn fingerprints(&self) -> Vec<u64> {
        let versions: Vec<Vec<u64>> = self
            .editions
            .iter()
            .map(|(_, site)| {
                site.articles()
                    .par_iter()
                    .map(|article| fingerprint::article_version(article))
                    .collect()
            })
            .collect();
        let version = |edition: EditionId, id: ArticleId| versions[edition.index()][id.index()];
        fingerprint::fingerprints(&self.editions, &self.pages, &version)
    }
}

/// A hasher fed with what every cache's entries are made with: Concord,
/// `config` (config.toml as read before the site was) and the options.
fn made_with(options: &SiteOptions, config: &Option<Vec<u8>>) -> impl Hasher {
    let mut hasher = foldhash::quality::FixedState::default().build_hasher();
    (env!("CARGO_PKG_VERSION"), executable()).hash(&mut hasher);
    (config, &options.base_url).hash(&mut hasher);
    options.include_drafts.hash(&mut hasher);
    hasher
}

/// config.toml as it is now, for the caches' keys; `None` if it cannot be read.
pub(crate) fn read_config(site: &SiteDir) -> Option<Vec<u8>> {
    std::fs::read(site.root().join(CONFIG_FILE)).ok()
}

/// This Concord program, by its length and time: a version number alone
/// would let a Concord built from changed sources trust pages rendered by
/// the one before. One that cannot be told makes a key no other run shares.
fn executable() -> Result<(u64, std::time::SystemTime), u32> {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| Ok((m.len(), m.modified()?)))
        .map_err(|_| std::process::id())
}

/// Reads and checks everything, and gathers every problem; renders nothing.
pub fn prepare(options: &SiteOptions) -> Result<Prepared, Error> {
    prepare_with(options, ArticleCacheUse::default())
}

/// What [`prepare_with`] does with the article cache.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ArticleCacheUse {
    /// Takes the articles of unchanged files from it.
    pub read: bool,
    /// Replaces it with the articles read.
    pub write: bool,
}

/// The article cache of a site, under the key of what it was made with.
struct ArticleCacheFile {
    path: PathBuf,
    key: u64,
    /// config.toml as read before the site was.
    config: Option<Vec<u8>>,
}

impl ArticleCacheFile {
    fn new(site: &SiteDir, options: &SiteOptions, today: Date) -> ArticleCacheFile {
        let config = read_config(site);
        let mut hasher = made_with(options, &config);
        today.hash(&mut hasher);
        ArticleCacheFile {
            path: site.root().join(CACHE_DIR).join("articles"),
            key: hasher.finish(),
            config,
        }
    }

    /// Saves `articles` unless `loaded` holds them already. A config.toml
    /// edited while the site was read may not be what they were made with:
    /// then the cache goes.
    fn save(
        &self,
        site: &SiteDir,
        articles: &ArticleCache,
        loaded: Option<&ArticleCache>,
    ) -> Result<(), Diagnostic> {
        let saved = if read_config(site) != self.config {
            cache::remove(&self.path)
        } else if loaded.is_some_and(|loaded| loaded.same_as(articles)) {
            Ok(())
        } else {
            articles.save(&self.path, self.key)
        };
        saved.map_err(|error| {
            let file = self.path.strip_prefix(site.root()).unwrap_or(&self.path);
            Diagnostic::warning(format!("the article cache could not be written: {error}"))
                .in_file(file)
                .help(format!("the next build reads every content file; check that `{CACHE_DIR}/` in the site folder can be written, or delete it"))
        })
    }
}

/// Files modified since a moment ago may change again within the same
/// tick of the file system's clock without a new stamp: their articles are
/// not kept.
fn stable_before() -> u128 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |now| now.as_nanos().saturating_sub(2_000_000_000))
}

/// The content as read, with the article cache as it was and as it is to be.
struct ContentRead {
    content: Content,
    file: ArticleCacheFile,
    loaded: Option<ArticleCache>,
    kept: ArticleCache,
}

/// Reads `content/`, taking unchanged articles from the article cache when `cached`.
fn read_content(
    site: &SiteDir,
    options: &SiteOptions,
    load: &LoadOptions<'_>,
    cached: bool,
    problems: &mut Diagnostics,
) -> ContentRead {
    let file = ArticleCacheFile::new(site, options, load.today);
    let bodies = content::Bodies::default();
    let source = |article: &str| bodies.source(article);
    let editions = load.languages.len();
    let loaded = cached
        .then(|| ArticleCache::load(&file.path, file.key, load.cities, editions, &source))
        .flatten();
    let (content, kept) = content::load(
        site.root(),
        load,
        loaded.as_ref(),
        &bodies,
        stable_before(),
        problems,
    );
    ContentRead {
        content,
        file,
        loaded,
        kept,
    }
}

/// [`prepare`], with the article cache used as `articles` says.
pub(crate) fn prepare_with(
    options: &SiteOptions,
    articles: ArticleCacheUse,
) -> Result<Prepared, Error> {
    let site = SiteDir::open(&options.root)?;
    let mut problems = Diagnostics::default();
    let theme = load_theme(&site, &mut problems);
    let assets = load_assets(&site, &mut problems);
    let Some((config, cities)) = load_config(&site, options.base_url.as_deref(), &mut problems)
    else {
        return Err(Error::Site(Findings {
            problems: problems.sorted(),
            files: 1,
            reused: Reused::default(),
        }));
    };
    let load = load_options(&config, &cities, options.include_drafts);
    let ContentRead {
        content,
        file,
        loaded,
        kept,
    } = read_content(&site, options, &load, articles.read, &mut problems);
    let files = content.files + 1 + theme.as_ref().map_or(0, Theme::site_templates);
    let cached_articles = content.cached;
    let no_assets = Assets::default();
    // The article cache is written while the model is built.
    let (saved, (found, (editions, pages))) = rayon::join(
        || (articles.write).then(|| file.save(&site, &kept, loaded.as_ref())),
        || {
            let mut found = Diagnostics::default();
            let assets = assets.as_ref().unwrap_or(&no_assets);
            let made = model(&config, &cities, content, assets, &mut found);
            (found, made)
        },
    );
    problems.extend(found);
    if let Some(Err(warning)) = saved {
        problems.push(warning);
    }
    match (theme, assets, problems.error_count()) {
        (Some(theme), Some(assets), 0) => Ok(Prepared {
            config,
            editions,
            theme,
            assets,
            pages,
            warnings: problems.sorted(),
            files,
            cached_articles,
        }),
        _ => Err(Error::Site(Findings {
            problems: problems.sorted(),
            files,
            reused: Reused::default(),
        })),
    }
}

/// The pages `check` renders: all but those the last build into `public/`
/// rendered from the same fingerprint, with the same templates, config.toml
/// and options, as rendering is deterministic and that build succeeded.
/// Nothing is written, the cache included.
fn unchecked_pages(
    site: &SiteDir,
    options: &SiteOptions,
    prepared: &Prepared,
    config: &Option<Vec<u8>>,
) -> Vec<usize> {
    let built = OutputDir::new(site.root(), &site.root().join(OUTPUT_DIR))
        .ok()
        .and_then(|output| {
            CacheFile::new(site.root(), output.path()).load(prepared.cache_key(options, config))
        });
    let Some(built) = built else {
        return (0..prepared.pages.len()).collect();
    };
    let fingerprints = prepared.fingerprints();
    (0..prepared.pages.len())
        .into_par_iter()
        .filter(|&i| {
            let page = built.get(&prepared.pages[i].output_file());
            page.is_none_or(|page| page.fingerprint != fingerprints[i])
        })
        .collect()
}

/// Runs the whole pipeline but the writing: renders every page (but those
/// the last build vouches for), keeps none, and gathers every problem.
/// Fails only when `options.root` is no site.
pub fn check(options: &SiteOptions) -> Result<Findings, Error> {
    let site = SiteDir::open(&options.root)?;
    let config = read_config(&site);
    let articles = ArticleCacheUse {
        read: true,
        write: false,
    };
    let prepared = match prepare_with(options, articles) {
        Ok(prepared) => prepared,
        Err(Error::Site(findings)) => return Ok(findings),
        Err(error) => return Err(error),
    };
    let mut problems = prepared.warnings.clone();
    let pages = unchecked_pages(&site, options, &prepared, &config);
    // The index is Pagefind's work on text already checked: it is left out.
    if let Err(StreamError::Site(found)) = prepared.stream_pages(&Discard, &pages, false) {
        problems.extend(found);
    }
    Ok(Findings {
        problems: problems.sorted(),
        files: prepared.files,
        reused: Reused {
            pages: prepared.pages.len() - pages.len(),
            articles: prepared.cached_articles,
        },
    })
}
