//! The site model into files: a page plan, typed views, Tera, feeds. Pages
//! are rendered in parallel; nothing here touches the disk.

mod escape;
mod feed;
pub mod fingerprint;
mod pages;
pub mod plan;
pub mod theme;
pub mod views;

use std::convert::Infallible;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::model::Site;
use pages::Renderer;
use plan::{Page, PageKind};
pub use theme::Theme;

/// One rendered file, with its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: String,
    pub contents: String,
}

/// How many files of each kind a build made, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub articles: usize,
    pub lists: usize,
    pub feeds: usize,
    pub other: usize,
}

impl PageCounts {
    fn of(pages: &[Page]) -> PageCounts {
        let mut counts = PageCounts::default();
        for page in pages {
            counts.count(page.kind);
        }
        counts
    }

    fn count(&mut self, kind: PageKind) {
        match kind {
            PageKind::Article(_) => self.articles += 1,
            PageKind::SiteFeed | PageKind::CityFeed(_) => self.feeds += 1,
            PageKind::NotFound | PageKind::Sitemap | PageKind::Robots => self.other += 1,
            _ => self.lists += 1,
        }
    }
}

/// Why streaming pages stopped.
#[derive(Debug)]
pub enum StreamError<E> {
    /// Pages that could not be rendered.
    Pages(Diagnostics),
    /// What the sink refused.
    Sink(E),
}

/// Renders the planned `pages` in parallel and hands each to `sink` as soon
/// as it is ready, so that a large site is never held in memory whole.
pub fn render_each<E: Send>(
    site: &Site,
    config: &Config,
    theme: &Theme,
    pages: &[Page],
    sink: &(dyn Fn(RenderedFile) -> Result<(), E> + Sync),
) -> Result<PageCounts, StreamError<E>> {
    let all: Vec<usize> = (0..pages.len()).collect();
    stream(
        &Renderer::new(site, config, theme, pages),
        pages,
        &all,
        sink,
    )?;
    Ok(PageCounts::of(pages))
}

/// Renders the pages at `selected` positions of the plan `pages` into memory.
pub fn render_selected(
    site: &Site,
    config: &Config,
    theme: &Theme,
    pages: &[Page],
    selected: &[usize],
) -> Result<Vec<RenderedFile>, Diagnostics> {
    let files = Mutex::new(Vec::with_capacity(selected.len()));
    let keep = |file| {
        files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
        Ok::<(), Infallible>(())
    };
    match stream(
        &Renderer::new(site, config, theme, pages),
        pages,
        selected,
        &keep,
    ) {
        Ok(()) => Ok(files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())),
        Err(StreamError::Pages(problems)) => Err(problems),
        Err(StreamError::Sink(never)) => match never {},
    }
}

/// Renders the `selected` pages in parallel into `sink`; reports every page
/// that fails, each broken template once.
fn stream<E: Send>(
    renderer: &Renderer<'_>,
    pages: &[Page],
    selected: &[usize],
    sink: &(dyn Fn(RenderedFile) -> Result<(), E> + Sync),
) -> Result<(), StreamError<E>> {
    let results: Vec<Result<(), StreamError<E>>> = selected
        .par_iter()
        .map(|&index| {
            let page = &pages[index];
            let contents = renderer
                .render(page)
                .map_err(|p| StreamError::Pages(p.into()))?;
            sink(RenderedFile {
                path: page.output_file(),
                contents,
            })
            .map_err(StreamError::Sink)
        })
        .collect();
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Err(StreamError::Sink(error)) => return Err(StreamError::Sink(error)),
            Err(StreamError::Pages(found)) => add_once(&mut problems, found),
            Ok(()) => {}
        }
    }
    problems.into_result(()).map_err(StreamError::Pages)
}

/// One broken template fails every page made with it: report it once.
fn add_once(problems: &mut Diagnostics, found: Diagnostics) {
    for problem in found {
        if !problems.iter().any(|p| p == &problem) {
            problems.push(problem);
        }
    }
}
