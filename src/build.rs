//! The pipeline: load (config, theme, content) → model → render → write.
//! `prepare` stops before rendering, `check` renders and keeps nothing,
//! `build` writes every page as soon as it is rendered.

use std::collections::HashSet;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{BaseUrl, Config, CONFIG_FILE};
use crate::content::{self, Content, LoadOptions, SiteLink};
use crate::diagnostics::{count, Diagnostic, Diagnostics};
use crate::lint;
use crate::model::{CityRegistry, Site};
use crate::output::{self, OutputDir, OutputError, STATIC_DIR};
use crate::render::plan::Page;
use crate::render::{self, PageCounts, RenderedFile, StreamError, Theme};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` is not a site folder: it has no {CONFIG_FILE}", .root.display())]
    NotASite { root: PathBuf },
    #[error("{} in the site", count(.0.error_count(), "error"))]
    Site(Diagnostics),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What to read, shared by `check` and `build`.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from config.toml.
    pub base_url: Option<String>,
    pub include_drafts: bool,
}

/// A site read and checked, with its page plan: everything but rendering.
pub struct Prepared {
    pub config: Config,
    pub site: Site,
    pub theme: Theme,
    pub pages: Vec<Page>,
    /// Warnings only: a site with errors is never `Prepared`.
    pub warnings: Diagnostics,
    /// Content files, config.toml and the site's own templates.
    pub files: usize,
}

impl Prepared {
    /// Renders every page into memory.
    pub fn render_all(&self) -> Result<Vec<RenderedFile>, Diagnostics> {
        let all: Vec<usize> = (0..self.pages.len()).collect();
        render::render_selected(&self.site, &self.config, &self.theme, &self.pages, &all)
    }

    /// Renders every page, handing each to `sink` as soon as it is ready.
    pub fn render_each<E: Send>(
        &self,
        sink: &(dyn Fn(RenderedFile) -> Result<(), E> + Sync),
    ) -> Result<PageCounts, StreamError<E>> {
        render::render_each(&self.site, &self.config, &self.theme, &self.pages, sink)
    }
}

/// What a check found, and how many files it read.
pub struct CheckFailure {
    pub problems: Diagnostics,
    pub files: usize,
}

/// Reads and checks everything, and gathers every problem; renders nothing.
pub fn prepare(options: &SiteOptions) -> Result<Result<Prepared, CheckFailure>, Error> {
    let root = &options.root;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Error::NotASite { root: root.clone() });
    }
    let mut problems = Diagnostics::default();
    let theme = Theme::load(root)
        .map_err(|found| problems.extend(found))
        .ok();
    let Some((config, cities)) = load_config(root, options.base_url.as_deref(), &mut problems)
    else {
        return Ok(Err(CheckFailure {
            problems: problems.sorted(),
            files: 1,
        }));
    };
    let load = LoadOptions {
        cities: &cities,
        base_url: &config.base_url,
        include_drafts: options.include_drafts,
        today: time::OffsetDateTime::now_utc().date(),
    };
    let content = content::load(root, &load, &mut problems);
    let files = content.files + 1 + theme.as_ref().map_or(0, Theme::site_templates);
    let (site, pages) = model(
        &config,
        cities,
        content,
        &root.join(STATIC_DIR),
        &mut problems,
    );
    match (theme, problems.error_count()) {
        (Some(theme), 0) => Ok(Ok(Prepared {
            config,
            site,
            theme,
            pages,
            warnings: problems.sorted(),
            files,
        })),
        _ => Ok(Err(CheckFailure {
            problems: problems.sorted(),
            files,
        })),
    }
}

/// Runs the whole pipeline but the writing, rendering every page and
/// keeping none, and gathers every problem.
pub fn check(options: &SiteOptions) -> Result<CheckFailure, Error> {
    let prepared = match prepare(options)? {
        Ok(prepared) => prepared,
        Err(failure) => return Ok(failure),
    };
    let mut problems = prepared.warnings.clone();
    if let Err(StreamError::Pages(found)) = prepared.render_each::<Infallible>(&|_| Ok(())) {
        problems.extend(found);
    }
    Ok(CheckFailure {
        problems: problems.sorted(),
        files: prepared.files,
    })
}

/// The site and its page plan from what `content/` holds, with the
/// site-wide problems: two articles with one URL, warnings, broken links.
/// The model is built from the articles that loaded, even when others
/// failed, so that these are reported in the same run.
pub(crate) fn model(
    config: &Config,
    cities: CityRegistry,
    content: Content,
    static_dir: &Path,
    problems: &mut Diagnostics,
) -> (Site, Vec<Page>) {
    let (site, duplicates) = Site::new(cities, content.articles);
    problems.extend(duplicates);
    problems.extend(lint::site_warnings(&site, config));
    let pages = render::plan::plan(&site, config.paginate_by);
    problems.extend(missing_pages(&content.site_links, &pages, static_dir));
    (site, pages)
}

pub(crate) fn load_config(
    root: &Path,
    base_url: Option<&str>,
    problems: &mut Diagnostics,
) -> Option<(Config, CityRegistry)> {
    let (mut config, cities) = Config::load(root)
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

/// Links to site paths (`/archive/2020/06/`) whose page or file does not exist.
fn missing_pages(links: &[SiteLink], pages: &[Page], static_dir: &Path) -> Diagnostics {
    if links.is_empty() {
        return Diagnostics::default();
    }
    let mut known: HashSet<String> = pages.iter().map(Page::output_file).collect();
    known.extend(output::static_files(static_dir).unwrap_or_default());
    known.extend(
        render::theme::EMBEDDED_ASSETS
            .iter()
            .map(|(name, _)| name.to_string()),
    );
    let exists = |path: &str| {
        let folder = path.trim_end_matches('/');
        known.contains(path)
            || known.contains(&format!("{folder}/index.html"))
            || (folder.is_empty() && known.contains("index.html"))
    };
    links
        .iter()
        .filter(|link| !exists(&link.path))
        .map(|link| link.origin.clone())
        .collect()
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: SiteOptions,
    pub output: PathBuf,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub counts: PageCounts,
    pub written: output::WriteReport,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
}

/// Builds the site and updates the output folder with it, or changes nothing.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = &options.site.root;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Error::NotASite { root: root.clone() });
    }
    let output = OutputDir::new(root, &options.output)?;
    let prepared = prepare(&options.site)?.map_err(|failure| Error::Site(failure.problems))?;
    let staging = output.begin(&root.join(STATIC_DIR))?;
    let counts = prepared
        .render_each(&|file| staging.put(&file.path, file.contents.as_bytes()))
        .map_err(|error| match error {
            StreamError::Pages(problems) => Error::Site(problems),
            StreamError::Sink(error) => Error::Output(error),
        })?;
    let written = staging.commit()?;
    Ok(BuildReport {
        counts,
        written,
        output: output.path().to_path_buf(),
        elapsed: started.elapsed(),
        warnings: prepared.warnings,
    })
}
