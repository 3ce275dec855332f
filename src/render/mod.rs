//! The site model into files: a page plan, a kind per page with its typed
//! view, Tera, feeds. Every file of a site, pages and assets alike, comes
//! out of one stream into a [`Sink`]: the output folder, the preview's
//! memory, or nothing (for `check`). Pages are rendered in parallel;
//! nothing here touches the disk but to read `static/` files.

mod cycles;
mod escape;
mod feed;
pub mod fingerprint;
pub mod kinds;
pub mod map;
pub mod plan;
mod renderer;
pub(crate) mod search;
pub mod theme;
pub mod views;

use std::borrow::Cow;

use rayon::prelude::*;

use crate::assets::Assets;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Editions;
use plan::Page;
use renderer::Renderer;
pub use theme::Theme;

/// What a file of the site is, for counts and for the order of publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Article,
    /// A list of articles or of cities, dates or topics.
    List,
    Feed,
    /// The 404 page, the sitemap and robots.txt.
    Other,
    /// A theme asset or a file from `static/`, published as it is.
    Static,
    /// A file of the search index or Pagefind's scripts.
    Search,
}

impl FileKind {
    /// Whether the file is an HTML page a reader can reach (and so belongs in the sitemap).
    pub fn is_page(self) -> bool {
        matches!(self, FileKind::Article | FileKind::List)
    }
}

/// One file of the site, with its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub bytes: Cow<'static, [u8]>,
    pub kind: FileKind,
}

/// Where the files of a site go. `put` is called from many threads at once.
pub trait Sink: Sync {
    type Error: Send;

    fn put(&self, file: SiteFile) -> Result<(), Self::Error>;
}

/// A sink that keeps nothing, for checking that every page renders.
pub struct Discard;

impl Sink for Discard {
    type Error = std::convert::Infallible;

    fn put(&self, _: SiteFile) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// How many files of each kind were streamed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub articles: usize,
    pub lists: usize,
    pub feeds: usize,
    pub other: usize,
    pub static_files: usize,
    pub search: usize,
}

impl FileCounts {
    pub(crate) fn add(&mut self, kind: FileKind) {
        match kind {
            FileKind::Article => self.articles += 1,
            FileKind::List => self.lists += 1,
            FileKind::Feed => self.feeds += 1,
            FileKind::Other => self.other += 1,
            FileKind::Static => self.static_files += 1,
            FileKind::Search => self.search += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.articles + self.lists + self.feeds + self.other + self.static_files + self.search
    }
}

/// Why streaming stopped.
#[derive(Debug)]
pub enum StreamError<E> {
    /// Pages that could not be rendered, or assets that could not be read.
    Site(Diagnostics),
    /// What the sink refused.
    Sink(E),
}

/// Which files to stream: the pages at these positions of the plan, and
/// the assets and the search index if asked for.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'s> {
    pub pages: &'s [usize],
    pub assets: bool,
    pub search: bool,
}

/// The files of one site, in all its editions, ready to be streamed.
pub struct SiteFiles<'a> {
    editions: &'a Editions,
    config: &'a Config,
    /// One per edition.
    renderers: Vec<Renderer<'a>>,
    pages: &'a [Page],
    assets: &'a Assets,
}

impl<'a> SiteFiles<'a> {
    pub fn new(
        editions: &'a Editions,
        config: &'a Config,
        theme: &'a Theme,
        pages: &'a [Page],
        assets: &'a Assets,
    ) -> Self {
        SiteFiles {
            editions,
            config,
            renderers: editions
                .iter()
                .map(|(edition, _)| Renderer::new(editions, edition, config, theme, pages))
                .collect(),
            pages,
            assets,
        }
    }

    /// Hands every selected file to `sink` as soon as it is ready (assets
    /// first, then pages rendered in parallel), so that a large site is
    /// never held in memory whole. Reports every page that fails, each
    /// broken template once.
    pub fn stream<S: Sink>(
        &self,
        selection: Selection<'_>,
        sink: &S,
    ) -> Result<FileCounts, StreamError<S::Error>> {
        let Selection {
            pages,
            assets,
            search,
        } = selection;
        let mut counts = FileCounts::default();
        if assets {
            self.stream_assets(sink, &mut counts)?;
        }
        // Pagefind indexes on one thread: let it work while the pages render.
        let index = std::thread::scope(|scope| {
            let index = (search && self.config.search)
                .then(|| scope.spawn(|| search::files(self.editions, self.config)));
            let pages = self.stream_pages(pages, sink);
            let index = index.map(|thread| {
                thread.join().unwrap_or_else(|_| {
                    Err(Diagnostic::error(
                        "the search index could not be built: Pagefind stopped on a bug",
                    ))
                })
            });
            pages.map(|()| index)
        })?;
        if let Some(index) = index {
            let files = index.map_err(|problem| StreamError::Site(problem.into()))?;
            counts.search += files.len();
            // 10,000 articles make 10,000 files of the index, and writing
            // them on one thread took a fifth of a second.
            (files.into_par_iter())
                .try_for_each(|file| sink.put(file))
                .map_err(StreamError::Sink)?;
        }
        for &index in pages {
            counts.add(self.pages[index].kind.about().file_kind);
        }
        Ok(counts)
    }

    fn stream_assets<S: Sink>(
        &self,
        sink: &S,
        counts: &mut FileCounts,
    ) -> Result<(), StreamError<S::Error>> {
        for asset in self.assets.iter() {
            let bytes = asset
                .read()
                .map_err(|problem| StreamError::Site(problem.into()))?;
            let file = SiteFile {
                path: asset.path.clone(),
                bytes,
                kind: FileKind::Static,
            };
            sink.put(file).map_err(StreamError::Sink)?;
            counts.add(FileKind::Static);
        }
        Ok(())
    }

    fn stream_pages<S: Sink>(
        &self,
        selected: &[usize],
        sink: &S,
    ) -> Result<(), StreamError<S::Error>> {
        let results: Vec<Result<(), StreamError<S::Error>>> = selected
            .par_iter()
            .map(|&index| {
                let page = &self.pages[index];
                let contents = self.renderers[page.edition.index()]
                    .render(page)
                    .map_err(|problem| StreamError::Site(problem.into()))?;
                let file = SiteFile {
                    path: page.output_file(),
                    bytes: Cow::Owned(contents.into_bytes()),
                    kind: page.kind.about().file_kind,
                };
                sink.put(file).map_err(StreamError::Sink)
            })
            .collect();
        let mut problems = Diagnostics::default();
        for result in results {
            match result {
                Err(StreamError::Sink(error)) => return Err(StreamError::Sink(error)),
                Err(StreamError::Site(found)) => add_once(&mut problems, found),
                Ok(()) => {}
            }
        }
        problems.into_result(()).map_err(StreamError::Site)
    }
}

/// One broken template fails every page made with it: report it once.
fn add_once(problems: &mut Diagnostics, found: Diagnostics) {
    for problem in found {
        if !problems.iter().any(|p| p == &problem) {
            problems.push(problem);
        }
    }
}
