//! `concord build`: the pipeline's files into the output folder, or nothing
//! changed there at all. Only the pages whose fingerprint changed since the
//! last build are rendered; the others are that build's files, taken as they
//! are while the page cache vouches for them (see [`crate::output::PageCache`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cache::Stamp;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::CACHE_DIR;
use crate::output::{CacheFile, CachedPage, OutputDir, PageCache, Staging, WriteReport};
use crate::pipeline::{
    self, ArticleCacheUse, Error, Findings, Prepared, Reused, SiteDir, SiteOptions,
};
use crate::render::{FileCounts, StreamError};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: SiteOptions,
    pub output: PathBuf,
    /// Wait while another build writes to the same output folder, rather than fail.
    pub wait: bool,
    /// Take unchanged pages from the last build; `false` renders every
    /// page (`--no-cache`). The cache is written either way.
    pub cache: bool,
}

/// What a build tells its caller while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildEvent {
    /// Another build, by its process id where known, is writing to the
    /// output folder; this one waits for it.
    Waiting { holder: Option<u32> },
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub counts: FileCounts,
    pub written: WriteReport,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
    /// What was taken from the last build rather than done again.
    pub reused: Reused,
}

/// Builds the site and updates the output folder with it, or changes nothing.
pub fn build(options: &BuildOptions, events: &dyn Fn(BuildEvent)) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let site = SiteDir::open(&options.site.root)?;
    let output = OutputDir::new(site.root(), &options.output)?;
    let config = pipeline::read_config(&site);
    let articles = ArticleCacheUse {
        read: options.cache,
        write: true,
    };
    let prepared = pipeline::prepare_with(&options.site, articles)?;
    let key = prepared.cache_key(&options.site, &config);
    let fingerprints = prepared.fingerprints();
    let mut staging = output.begin(options.wait, &|holder| {
        events(BuildEvent::Waiting { holder })
    })?;
    let file = CacheFile::new(site.root(), output.path());
    let last = options.cache.then(|| file.load(key)).flatten();
    let kept = reuse(&prepared, &staging, last.as_ref(), &fingerprints);
    let render: Vec<usize> = (0..kept.len()).filter(|&i| kept[i].is_none()).collect();
    let mut counts =
        prepared
            .stream_pages(&staging, &render, true)
            .map_err(|error| match error {
                StreamError::Site(problems) => Error::Site(Findings {
                    problems,
                    files: prepared.files,
                    reused: Reused::default(),
                }),
                StreamError::Sink(error) => Error::Output(error),
            })?;
    for (page, _) in prepared
        .pages
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_some())
    {
        counts.add(page.kind.about().file_kind);
    }
    let written = staging.commit()?;
    let mut warnings = prepared.warnings.clone();
    let cache = Cache {
        key,
        config: &config,
        fingerprints: &fingerprints,
        kept: &kept,
    };
    if let Err(problem) = cache.save(&file, &site, &prepared, output.path()) {
        warnings.push(problem);
    }
    // Only now may another build change the files the cache describes.
    drop(staging);
    Ok(BuildReport {
        counts,
        written,
        output: output.path().to_path_buf(),
        elapsed: started.elapsed(),
        warnings,
        reused: Reused {
            pages: kept.len() - render.len(),
            articles: prepared.cached_articles,
        },
    })
}

/// Hands `staging` every page whose fingerprint is the last build's and
/// whose file is still the one that build wrote; returns, per page of the
/// plan, the stamp of the file kept for it.
fn reuse(
    prepared: &Prepared,
    staging: &Staging<'_>,
    last: Option<&PageCache>,
    fingerprints: &[u64],
) -> Vec<Option<Stamp>> {
    let Some(last) = last else {
        return vec![None; prepared.pages.len()];
    };
    // A file of static/ at a page's path is written first and the page
    // over it, as in every build: such a page is rendered.
    let assets: HashSet<&str> = prepared.assets.iter().map(|a| a.path.as_str()).collect();
    prepared
        .pages
        .par_iter()
        .zip(fingerprints)
        .map(|(page, &fingerprint)| {
            let path = page.output_file();
            if assets.contains(path.as_str()) {
                return None;
            }
            let cached = last.get(&path).filter(|c| c.fingerprint == fingerprint)?;
            staging.keep(&path, cached.stamp).then_some(cached.stamp)
        })
        .collect()
}

/// What the next build needs of this one.
struct Cache<'b> {
    key: u64,
    /// config.toml as the build began.
    config: &'b Option<Vec<u8>>,
    fingerprints: &'b [u64],
    kept: &'b [Option<Stamp>],
}

impl Cache<'_> {
    /// Writes the page cache for the output folder as this build left it.
    /// A config.toml edited while the site was built may not be what the
    /// pages were made with: then the cache goes.
    fn save(
        &self,
        file: &CacheFile,
        site: &SiteDir,
        prepared: &Prepared,
        output: &Path,
    ) -> Result<(), Diagnostic> {
        let saved = if pipeline::read_config(site) == *self.config {
            let pages: Vec<(String, CachedPage)> = prepared
                .pages
                .par_iter()
                .zip(self.fingerprints)
                .zip(self.kept)
                .filter_map(|((page, &fingerprint), kept)| {
                    let path = page.output_file();
                    let stamp = kept.or_else(|| Stamp::of(&output.join(&path)))?;
                    Some((path, CachedPage { fingerprint, stamp }))
                })
                .collect();
            let pages = pages.iter().map(|(path, page)| (path.as_str(), *page));
            file.save(self.key, pages)
        } else {
            file.remove()
        };
        saved.map_err(|error| {
            Diagnostic::warning(format!("the page cache could not be written: {error}"))
                .in_file(file.path().strip_prefix(site.root()).unwrap_or(file.path()))
                .help(format!("the next build renders every page; check that `{CACHE_DIR}/` in the site folder can be written, or delete it"))
        })
    }
}
