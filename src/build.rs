//! The pipeline: load (config, theme, content) → model → render → write.
//! `check` runs everything but the writing; `build` writes too.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{BaseUrl, Config, CONFIG_FILE};
use crate::content::{self, LoadOptions, SiteLink};
use crate::diagnostics::{count, Diagnostic, Diagnostics};
use crate::lint;
use crate::model::Site;
use crate::output::{self, OutputDir, OutputError, STATIC_DIR};
use crate::render::plan::Page;
use crate::render::{self, RenderedSite, Theme};

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

/// A site read, checked and rendered in memory.
pub struct Checked {
    pub config: Config,
    pub site: Site,
    pub rendered: RenderedSite,
    /// Warnings only: a site with errors is never `Checked`.
    pub warnings: Diagnostics,
    /// Content files, config.toml and the site's own templates.
    pub files: usize,
}

/// The result of a check: what was found, and how many files were read.
pub struct CheckFailure {
    pub problems: Diagnostics,
    pub files: usize,
}

/// Runs the whole pipeline but the writing, and gathers every problem.
pub fn check(options: &SiteOptions) -> Result<Result<Checked, CheckFailure>, Error> {
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
    let failed = |problems: Diagnostics| {
        Ok(Err(CheckFailure {
            problems: problems.sorted(),
            files,
        }))
    };
    // The model is built from the articles that loaded, even when others
    // failed, so that site-wide problems are reported in the same run.
    let (site, duplicates) = Site::new(cities, content.articles);
    problems.extend(duplicates);
    problems.extend(lint::site_warnings(&site, &config));
    let pages = render::plan::plan(&site, config.paginate_by);
    problems.extend(missing_pages(
        &content.site_links,
        &pages,
        &root.join(STATIC_DIR),
    ));
    let (Some(theme), 0) = (theme, problems.error_count()) else {
        return failed(problems);
    };
    let rendered = match render::render(&site, &config, &theme, &pages) {
        Ok(rendered) => rendered,
        Err(found) => {
            problems.extend(found);
            return failed(problems);
        }
    };
    Ok(Ok(Checked {
        config,
        site,
        rendered,
        warnings: problems.sorted(),
        files,
    }))
}

pub(crate) fn load_config(
    root: &Path,
    base_url: Option<&str>,
    problems: &mut Diagnostics,
) -> Option<(Config, crate::model::CityRegistry)> {
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
pub(crate) fn missing_pages(links: &[SiteLink], pages: &[Page], static_dir: &Path) -> Diagnostics {
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
    pub counts: render::PageCounts,
    pub written: output::WriteReport,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
}

/// Builds the site and replaces the output folder with it, or changes nothing.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = &options.site.root;
    let output = OutputDir::new(root, &options.output)?;
    let checked = check(&options.site)?.map_err(|failure| Error::Site(failure.problems))?;
    let written = output.write(&root.join(STATIC_DIR), &checked.rendered.files)?;
    Ok(BuildReport {
        counts: checked.rendered.counts,
        written,
        output: output.path().to_path_buf(),
        elapsed: started.elapsed(),
        warnings: checked.warnings,
    })
}
