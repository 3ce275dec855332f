//! The site kept in memory while previewing. A change to one article
//! re-reads that file and re-renders only the pages whose fingerprint
//! changed; the result is meant to be what a full build of the same files
//! gives, and tests/preview.rs checks that byte for byte.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{load_config, model, SiteOptions};
use crate::config::Config;
use crate::content::{ContentSet, LoadOptions};
use crate::diagnostics::Diagnostics;
use crate::model::{ArticleId, CityRegistry};
use crate::output::STATIC_DIR;
use crate::render::fingerprint::Fingerprints;
use crate::render::plan::Page;
use crate::render::{self, Theme};
use rayon::prelude::*;

/// What a rendered file depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source {
    fingerprint: u64,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    /// Pages rendered anew.
    pub rendered: usize,
    /// Pages that no longer exist.
    pub removed: usize,
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
    /// Problems of config.toml and the templates; content problems live in `content`.
    setup_problems: Diagnostics,
    /// A number per content file, changed each time its article is made anew.
    versions: HashMap<String, u64>,
    next_version: u64,
    /// The last site that built without errors: output path to bytes.
    files: HashMap<String, Arc<[u8]>>,
    /// What each file of `files` was rendered from, by output path.
    sources: HashMap<String, Source>,
    /// What the last rebuild found; errors mean `files` is older than the sources.
    problems: Diagnostics,
}

impl Preview {
    /// Reads and renders the whole site.
    pub fn new(options: SiteOptions) -> Preview {
        let mut preview = Preview {
            options,
            loaded: None,
            theme: None,
            setup_problems: Diagnostics::default(),
            versions: HashMap::new(),
            next_version: 0,
            files: HashMap::new(),
            sources: HashMap::new(),
            problems: Diagnostics::default(),
        };
        preview.apply(&[Change::Config]);
        preview
    }

    /// The rendered files of the last good build, by output path (`news/x/index.html`).
    pub fn files(&self) -> &HashMap<String, Arc<[u8]>> {
        &self.files
    }

    /// Errors and warnings of the last rebuild.
    pub fn problems(&self) -> &Diagnostics {
        &self.problems
    }

    pub fn static_dir(&self) -> PathBuf {
        self.options.root.join(STATIC_DIR)
    }

    /// Takes in changed files and re-renders what they touch.
    pub fn apply(&mut self, changes: &[Change]) -> RebuildReport {
        let started = Instant::now();
        if changes.contains(&Change::Config) || self.loaded.is_none() {
            self.reload_everything();
        } else {
            self.reload_templates(changes);
            self.reload_content(changes);
        }
        let (rendered, removed) = self.render_changed();
        RebuildReport {
            rendered,
            removed,
            elapsed: started.elapsed(),
        }
    }

    fn load_options<'a>(&self, config: &'a Config, cities: &'a CityRegistry) -> LoadOptions<'a> {
        LoadOptions {
            cities,
            base_url: &config.base_url,
            include_drafts: self.options.include_drafts,
            today: time::OffsetDateTime::now_utc().date(),
        }
    }

    fn reload_everything(&mut self) {
        self.setup_problems = Diagnostics::default();
        self.sources.clear();
        self.theme = self.load_theme();
        let root = self.options.root.clone();
        let base_url = self.options.base_url.clone();
        self.loaded = load_config(&root, base_url.as_deref(), &mut self.setup_problems).and_then(
            |(config, cities)| {
                let options = self.load_options(&config, &cities);
                match ContentSet::load(&root, &options) {
                    Ok(content) => Some(Loaded {
                        config,
                        cities,
                        content,
                    }),
                    Err(found) => {
                        self.setup_problems.extend(found);
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

    fn load_theme(&mut self) -> Option<Theme> {
        Theme::load(&self.options.root)
            .map_err(|found| self.setup_problems.extend(found))
            .ok()
    }

    /// A changed template re-renders the pages made with it; any other
    /// template (a base, macros, a partial) may be used by all of them.
    fn reload_templates(&mut self, changes: &[Change]) {
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
        self.setup_problems = Diagnostics::default();
        self.theme = self.load_theme();
        let theme = self.theme.as_ref();
        let shared = names.iter().any(|name| {
            theme.is_none_or(|t| t.is_used_by_others(name))
                || !self
                    .sources
                    .values()
                    .any(|source| source.template == Some(*name))
        });
        if shared {
            self.sources.clear();
        } else {
            self.sources
                .retain(|_, source| source.template.is_none_or(|t| !names.contains(&t)));
        }
    }

    fn reload_content(&mut self, changes: &[Change]) {
        let Some(loaded) = self.loaded.take() else {
            return;
        };
        let mut loaded = loaded;
        let options = self.load_options(&loaded.config, &loaded.cities);
        let mut renewed = Vec::new();
        for change in changes {
            match change {
                Change::Content(file) => renewed.extend(loaded.content.update(file, &options)),
                Change::ContentFolder => renewed.extend(loaded.content.rescan(&options)),
                Change::Config | Change::Template(_) => {}
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

    /// Renders every page whose fingerprint changed; keeps the last good
    /// files when anything is wrong.
    fn render_changed(&mut self) -> (usize, usize) {
        let mut problems = self.setup_problems.clone();
        let (Some(loaded), Some(theme)) = (&self.loaded, &self.theme) else {
            self.problems = problems.sorted();
            return (0, 0);
        };
        let content = loaded
            .content
            .content(self.options.include_drafts, &mut problems);
        let static_dir = self.static_dir();
        let (site, pages) = model(
            &loaded.config,
            loaded.cities.clone(),
            content,
            &static_dir,
            &mut problems,
        );
        if problems.error_count() > 0 {
            self.problems = problems.sorted();
            return (0, 0);
        }
        let versions: Vec<u64> = site
            .articles()
            .iter()
            .map(|article| self.versions.get(&article.file).copied().unwrap_or(0))
            .collect();
        let version = |id: ArticleId| versions[id.index()];
        let per_page = loaded.config.paginate_by.get();
        let fingerprints = Fingerprints::new(&site, per_page, &version);
        let fingerprints: Vec<u64> = pages.par_iter().map(|page| fingerprints.of(page)).collect();
        let outputs: Vec<String> = pages.par_iter().map(Page::output_file).collect();
        let stale: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                let source = self.sources.get(&outputs[i]);
                source.is_none_or(|s| s.fingerprint != fingerprints[i])
            })
            .collect();
        match render::render_selected(&site, &loaded.config, theme, &pages, &stale) {
            Ok(rendered) => {
                let removed = self.commit(&pages, outputs, &fingerprints, rendered);
                self.problems = problems.sorted();
                (stale.len(), removed)
            }
            Err(found) => {
                problems.extend(found);
                self.problems = problems.sorted();
                (0, 0)
            }
        }
    }

    fn commit(
        &mut self,
        pages: &[Page],
        outputs: Vec<String>,
        fingerprints: &[u64],
        rendered: Vec<render::RenderedFile>,
    ) -> usize {
        for file in rendered {
            self.files
                .insert(file.path, Arc::from(file.contents.into_bytes()));
        }
        let before = self.files.len();
        let planned: HashSet<&str> = outputs.iter().map(String::as_str).collect();
        self.files.retain(|path, _| planned.contains(path.as_str()));
        let removed = before - self.files.len();
        self.sources = outputs
            .into_iter()
            .zip(pages.iter().zip(fingerprints))
            .map(|(output, (page, &fingerprint))| {
                let template = page.kind.template();
                (
                    output,
                    Source {
                        fingerprint,
                        template,
                    },
                )
            })
            .collect();
        removed
    }
}
