//! The pipeline: load (config, theme, content) → model → render → write.
//! `build` runs all of it; `load_site` stops before rendering.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{BaseUrl, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::{OutputDir, OutputError, STATIC_DIR};
use crate::render::{self, PageCounts, Theme};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} error{} in the site", .0.error_count(), if .0.error_count() == 1 { "" } else { "s" })]
    Site(Diagnostics),
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl From<Diagnostics> for Error {
    fn from(problems: Diagnostics) -> Self {
        Error::Site(problems)
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Replaces `base_url` from config.toml.
    pub base_url: Option<String>,
    pub include_drafts: bool,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub counts: PageCounts,
    pub static_files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
}

/// Builds the site and replaces the output folder with it, or changes nothing.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let output = OutputDir::new(&options.root, &options.output)?;
    let loaded = load_site(
        &options.root,
        options.base_url.as_deref(),
        options.include_drafts,
    );
    let (config, site, theme) = match (loaded, Theme::load(&options.root)) {
        (Ok((config, site)), Ok(theme)) => (config, site, theme),
        (loaded, theme) => {
            let mut problems = loaded.err().unwrap_or_default();
            problems.extend(theme.err().unwrap_or_default());
            return Err(Error::Site(problems.sorted()));
        }
    };
    let rendered = render::render(&site, &config, &theme)?;
    let static_files = output.write(&options.root.join(STATIC_DIR), &rendered.files)?;
    Ok(BuildReport {
        counts: rendered.counts,
        static_files,
        output: output.path().to_path_buf(),
        elapsed: started.elapsed(),
    })
}

/// Reads and checks the configuration and every content file, and builds the model.
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    include_drafts: bool,
) -> Result<(Config, Site), Diagnostics> {
    let (mut config, cities) = Config::load(root)?;
    if let Some(url) = base_url {
        config.base_url = BaseUrl::parse(url).map_err(|message| {
            Diagnostic::error(message)
                .help("pass a full address to --base-url, like https://example.org/news/")
        })?;
    }
    let articles = crate::content::load(root, &cities, include_drafts)?;
    let site = Site::new(cities, articles)?;
    Ok((config, site))
}
