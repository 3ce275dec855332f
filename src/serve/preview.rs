//! The site kept in memory while previewing. A change to one article
//! re-reads that file and re-renders only the pages whose fingerprint
//! changed; the result is meant to be what a full build of the same files
//! gives, and tests/preview.rs checks that byte for byte.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::assets::Assets;
use crate::config::Config;
use crate::content::{ContentSet, LoadOptions};
use crate::deflated::Deflated;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ArticleId, CityRegistry, EditionId, Editions};
use crate::pipeline::{self, SiteDir, SiteOptions};
use crate::render::fingerprint;
use crate::render::plan::Page;
use crate::render::{Selection, Sink, SiteFile, SiteFiles, StreamError, Theme};

/// A page of the last good rebuild and what its file was rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rendered {
    /// The page's site path.
    path: String,
    /// `None` once a template it may use changed: it is rendered again.
    fingerprint: Option<u64>,
    template: Option<&'static str>,
}

/// One file that changed on disk, as far as the preview cares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    Config,
    /// A content file, relative to `content/`.
    Content(String),
    /// Something else under `content/`, such as a folder moved: look again
    /// for files added or removed.
    ContentFolder,
    /// A template, by name (`article.html`).
    Template(String),
    /// Something under `static/`.
    Static,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// Pages rendered anew.
    pub rendered: usize,
    /// Files that no longer exist.
    pub removed: usize,
    /// Files whose bytes changed or that are new, by output path, in order.
    pub changed: Vec<String>,
    pub elapsed: Duration,
}

struct Loaded {
    config: Config,
    cities: CityRegistry,
    content: ContentSet,
}

pub struct Preview {
    options: SiteOptions,
    loaded: Option<Loaded>,
    theme: Option<Theme>,
    assets: Option<Assets>,
    /// Whether the assets changed since they were last put in `files`.
    assets_changed: bool,
    /// Problems of config.toml, the templates and static/, each kept until
    /// that part is read again; content problems live in `content`.
    config_problems: Diagnostics,
    theme_problems: Diagnostics,
    asset_problems: Diagnostics,
    /// A number per content file, changed each time its article is made anew.
    versions: HashMap<String, u64>,
    next_version: u64,
    /// The last site that built without errors, by output path.
    files: HashMap<String, Deflated>,
    /// What each page of `files` was rendered from, in the order of the
    /// page plan, which an edit that keeps every page's path leaves as it is.
    rendered: Vec<Rendered>,
    /// What the last rebuild found; errors mean `files` is older than the sources.
    problems: Diagnostics,
    /// What the search index of the last good rebuild is made from, when
    /// the site has search; the index itself is the caller's to build.
    searchable: Option<Searchable>,
}

/// The model of a good rebuild, kept for building its search index apart.
#[derive(Clone)]
pub struct Searchable {
    pub editions: Arc<Editions>,
    pub config: Config,
}

/// The preview's sink: files kept until the rebuild is known to be good,
/// by output path. They are deflated here, on the threads that render them.
#[derive(Default)]
struct Collected(Mutex<Vec<(String, Deflated)>>);

impl Sink for Collected {
    type Error = Infallible;

    fn put(&self, file: SiteFile) -> Result<(), Infallible> {
        let kept = Deflated::new(&file.bytes);
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((file.path, kept));
        Ok(())
    }
}

/// How the preview reads content files: it renders most bodies once, for
/// the first build, so it holds them deflated.
fn content_options<'a>(
    config: &'a Config,
    cities: &'a CityRegistry,
    include_drafts: bool,
) -> LoadOptions<'a> {
    LoadOptions {
        deflate_bodies: true,
        ..pipeline::load_options(config, cities, include_drafts)
    }
}

impl Preview {
    /// Reads and renders the whole site.
    pub fn new(options: SiteOptions) -> Preview {
        let mut preview = Preview {
            options,
            loaded: None,
            theme: None,
            assets: None,
            assets_changed: true,
            config_problems: Diagnostics::default(),
            theme_problems: Diagnostics::default(),
            asset_problems: Diagnostics::default(),
            versions: HashMap::new(),
            next_version: 0,
            files: HashMap::new(),
            rendered: Vec::new(),
            problems: Diagnostics::default(),
            searchable: None,
        };
        preview.apply(&[Change::Config]);
        preview
    }

    /// The files of the last good build, by output path (`news/x/index.html`).
    pub fn files(&self) -> &HashMap<String, Deflated> {
        &self.files
    }

    /// The model of the last good rebuild, for its search index.
    pub fn searchable(&self) -> Option<&Searchable> {
        self.searchable.as_ref()
    }

    /// Errors and warnings of the last rebuild.
    pub fn problems(&self) -> &Diagnostics {
        &self.problems
    }

    /// Takes in changed files and re-renders what they touch.
    pub fn apply(&mut self, changes: &[Change]) -> RebuildReport {
        let started = Instant::now();
        match SiteDir::open(&self.options.root) {
            Ok(site) if changes.contains(&Change::Config) || self.loaded.is_none() => {
                self.reload_everything(&site)
            }
            Ok(site) => {
                self.reload_templates(&site, changes);
                if changes.contains(&Change::Static) {
                    self.reload_assets(&site);
                }
                self.reload_content(changes);
            }
            Err(error) => {
                self.loaded = None;
                self.config_problems = Diagnostic::error(error.to_string()).into();
            }
        }
        let (rendered, removed, changed) = self.render_changed();
        RebuildReport {
            rendered,
            removed,
            changed,
            elapsed: started.elapsed(),
        }
    }

    fn reload_everything(&mut self, site: &SiteDir) {
        self.rendered.clear();
        self.reload_theme(site);
        self.reload_assets(site);
        self.config_problems = Diagnostics::default();
        let base_url = self.options.base_url.as_deref();
        self.loaded = pipeline::load_config(site, base_url, &mut self.config_problems).and_then(
            |(config, cities)| {
                let options = content_options(&config, &cities, self.options.include_drafts);
                match ContentSet::load(site.root(), &options, None) {
                    Ok(content) => Some(Loaded {
                        config,
                        cities,
                        content,
                    }),
                    Err(found) => {
                        self.config_problems.extend(found);
                        None
                    }
                }
            },
        );
        let files: Vec<String> = self
            .loaded
            .iter()
            .flat_map(|l| l.content.files().map(str::to_string))
            .collect();
        self.bump(files);
    }

    fn reload_theme(&mut self, site: &SiteDir) {
        self.theme_problems = Diagnostics::default();
        self.theme = pipeline::load_theme(site, &mut self.theme_problems);
    }

    fn reload_assets(&mut self, site: &SiteDir) {
        self.asset_problems = Diagnostics::default();
        self.assets = pipeline::load_assets(site, &mut self.asset_problems);
        self.assets_changed = true;
    }

    /// A changed template re-renders the pages made with it; any other
    /// template (a base, macros, a partial) may be used by all of them.
    fn reload_templates(&mut self, site: &SiteDir, changes: &[Change]) {
        let names: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Template(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        if names.is_empty() {
            return;
        }
        self.reload_theme(site);
        let theme = self.theme.as_ref();
        let shared = names.iter().any(|name| {
            theme.is_none_or(|t| t.is_used_by_others(name))
                || !self
                    .rendered
                    .iter()
                    .any(|page| page.template == Some(*name))
        });
        for page in &mut self.rendered {
            if shared || page.template.is_some_and(|t| names.contains(&t)) {
                page.fingerprint = None;
            }
        }
    }

    fn reload_content(&mut self, changes: &[Change]) {
        let Some(mut loaded) = self.loaded.take() else {
            return;
        };
        let options = content_options(&loaded.config, &loaded.cities, self.options.include_drafts);
        let mut renewed = Vec::new();
        for change in changes {
            match change {
                Change::Content(file) => renewed.extend(loaded.content.update(file, &options)),
                Change::ContentFolder => renewed.extend(loaded.content.rescan(&options)),
                Change::Config | Change::Template(_) | Change::Static => {}
            }
        }
        self.loaded = Some(loaded);
        self.bump(renewed);
    }

    fn bump(&mut self, files: impl IntoIterator<Item = String>) {
        for file in files {
            self.next_version += 1;
            self.versions.insert(file, self.next_version);
        }
    }

    /// Renders every page whose fingerprint changed, and the assets if they
    /// changed; keeps the last good files when anything is wrong. Returns
    /// how many pages were rendered, how many files removed, and which changed.
    fn render_changed(&mut self) -> (usize, usize, Vec<String>) {
        let mut problems = self.config_problems.clone();
        problems.extend(self.theme_problems.clone());
        problems.extend(self.asset_problems.clone());
        let (Some(loaded), Some(theme), Some(assets)) = (&self.loaded, &self.theme, &self.assets)
        else {
            self.problems = problems.sorted();
            return (0, 0, Vec::new());
        };
        let content = loaded
            .content
            .content(self.options.include_drafts, true, &mut problems);
        let (editions, pages) = pipeline::model(
            &loaded.config,
            &loaded.cities,
            content,
            assets,
            &mut problems,
        );
        if problems.error_count() > 0 {
            self.problems = problems.sorted();
            return (0, 0, Vec::new());
        }
        let versions: Vec<Vec<u64>> = editions
            .iter()
            .map(|(_, site)| {
                site.articles()
                    .iter()
                    .map(|article| self.versions.get(&article.file).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        let version = |edition: EditionId, id: ArticleId| versions[edition.index()][id.index()];
        let fingerprints = fingerprint::fingerprints(&editions, &pages, &version);
        let same_plan = self.rendered.len() == pages.len()
            && self
                .rendered
                .iter()
                .zip(&pages)
                .all(|(r, p)| r.path == p.path);
        let stale = self.stale(&pages, &fingerprints, same_plan);
        let selection = Selection {
            pages: &stale,
            assets: self.assets_changed,
            search: false,
        };
        let collected = Collected::default();
        let editions = Arc::new(editions);
        let files = SiteFiles::new(&editions, &loaded.config, theme, &pages, assets);
        match files.stream(selection, &collected) {
            Ok(_) => {
                let asset_paths: Vec<String> = assets.iter().map(|a| a.path.clone()).collect();
                let rendered = collected
                    .0
                    .into_inner()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let searchable = loaded.config.search.then(|| Searchable {
                    editions: editions.clone(),
                    config: loaded.config.clone(),
                });
                let (removed, changed) =
                    self.commit(rendered, &pages, &fingerprints, same_plan, asset_paths);
                self.problems = problems.sorted();
                self.searchable = searchable;
                (stale.len(), removed, changed)
            }
            Err(StreamError::Site(found)) => {
                problems.extend(found);
                self.problems = problems.sorted();
                (0, 0, Vec::new())
            }
            Err(StreamError::Sink(never)) => match never {},
        }
    }

    /// The pages to render: those whose fingerprint differs from the last
    /// good rebuild's. Pages are matched by position when the plan kept
    /// every path, which spares hashing thousands of paths on each save.
    fn stale(&self, pages: &[Page], fingerprints: &[u64], same_plan: bool) -> Vec<usize> {
        if same_plan {
            return (0..pages.len())
                .filter(|&i| self.rendered[i].fingerprint != Some(fingerprints[i]))
                .collect();
        }
        let before: HashMap<&str, Option<u64>> = self
            .rendered
            .iter()
            .map(|page| (page.path.as_str(), page.fingerprint))
            .collect();
        (0..pages.len())
            .filter(|&i| {
                before.get(pages[i].path.as_str()).copied().flatten() != Some(fingerprints[i])
            })
            .collect()
    }

    /// Takes in a good rebuild's files and forgets the files the site no
    /// longer has. Returns how many were removed and which changed.
    fn commit(
        &mut self,
        files: Vec<(String, Deflated)>,
        pages: &[Page],
        fingerprints: &[u64],
        same_plan: bool,
        asset_paths: Vec<String>,
    ) -> (usize, Vec<String>) {
        let mut changed = Vec::new();
        for (path, file) in files {
            if self.files.get(&path) != Some(&file) {
                changed.push(path.clone());
            }
            self.files.insert(path, file);
        }
        changed.sort();
        let before = self.files.len();
        if same_plan {
            for (page, &fingerprint) in self.rendered.iter_mut().zip(fingerprints) {
                page.fingerprint = Some(fingerprint);
            }
        } else {
            self.rendered = rendered(pages, fingerprints);
        }
        if !same_plan || self.assets_changed {
            let planned: HashSet<String> = pages
                .iter()
                .map(Page::output_file)
                .chain(asset_paths)
                .collect();
            self.files.retain(|path, _| planned.contains(path));
        }
        self.assets_changed = false;
        (before - self.files.len(), changed)
    }
}

/// What each page was rendered from, in the order of the plan.
fn rendered(pages: &[Page], fingerprints: &[u64]) -> Vec<Rendered> {
    pages
        .iter()
        .zip(fingerprints)
        .map(|(page, &fingerprint)| Rendered {
            path: page.path.clone(),
            fingerprint: Some(fingerprint),
            template: page.kind.about().template,
        })
        .collect()
}
