//! Templates: the default theme compiled into the binary, with any file of
//! the same name in the site's `templates/` taking its place.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use super::cycles::{self, Cycle};
use super::escape::escape;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceSpan};
use crate::layout::{relative_name, TEMPLATES_DIR};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// The default theme's templates, from this repository's `templates/`.
const EMBEDDED_TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "macros.html",
    "index.html",
    "article.html",
    "cities.html",
    "city.html",
    "archive.html",
    "year.html",
    "month.html",
    "topics.html",
    "topic.html",
    "partnerships.html",
    "partnership.html",
    "search.html",
    "404.html",
);

/// Every template of the built-in theme: its name and text.
pub fn embedded_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED_TEMPLATES.iter().copied()
}

/// The text of a template of the built-in theme.
pub fn embedded_template(name: &str) -> Option<&'static str> {
    EMBEDDED_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// A template's text and where it came from, for error messages.
struct Source {
    text: String,
    /// `templates/x.html` for a site's own file; `None` for the embedded theme.
    file: Option<String>,
}

pub struct Theme {
    tera: Tera,
    sources: BTreeMap<String, Source>,
}

impl Theme {
    /// The embedded theme with the site's overrides from `root/templates/`.
    pub fn load(root: &Path) -> Result<Theme, Diagnostics> {
        let mut sources: BTreeMap<String, Source> = EMBEDDED_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    Source {
                        text: text.to_string(),
                        file: None,
                    },
                )
            })
            .collect();
        sources.extend(site_templates(&root.join(TEMPLATES_DIR))?);
        let mut tera = Tera::default();
        tera.set_escape_fn(escape);
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, s)| (name.as_str(), s.text.as_str())),
        )
        .map_err(|error| template_error(&sources, &error, "cannot be parsed", None))?;
        if let Some(cycle) = cycles::find(&tera) {
            return Err(cycle_error(&sources, &cycle).into());
        }
        Ok(Theme { tera, sources })
    }

    /// Whether another template names `template` (to extend, include or
    /// import it), so that a change to it may change their pages too.
    pub fn is_used_by_others(&self, template: &str) -> bool {
        let quoted = [format!("\"{template}\""), format!("'{template}'")];
        self.sources
            .iter()
            .any(|(name, s)| name != template && quoted.iter().any(|q| s.text.contains(q.as_str())))
    }

    /// Every template, by name and text: part of the build cache's key.
    pub fn hash_sources(&self, hasher: &mut impl std::hash::Hasher) {
        for (name, source) in &self.sources {
            std::hash::Hash::hash(&(name, &source.text), hasher);
        }
    }

    /// How many templates came from the site's own `templates/`.
    pub fn site_templates(&self) -> usize {
        self.sources.values().filter(|s| s.file.is_some()).count()
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String, Diagnostic> {
        let context = Context::from_serialize(context).map_err(|error| {
            template_error(&self.sources, &error, "cannot be given its data", None)
        })?;
        self.tera.render(template, &context).map_err(|error| {
            let blame = self.missing_variable(&chain(&error));
            template_error(&self.sources, &error, "cannot be rendered", blame)
        })
    }

    /// For a variable missing while rendering a page, the template that
    /// names it and the line: Tera blames the page's own template even when
    /// the variable is in the base template it extends or in a macro file
    /// it imports.
    fn missing_variable(&self, chain: &[String]) -> Option<(String, usize)> {
        let (variable, page) = chain.iter().find_map(|message| {
            let rest = message.strip_prefix("Variable `")?;
            let (variable, rest) = rest.split_once('`')?;
            let rest = rest.strip_prefix(" not found in context while rendering '")?;
            Some((variable, rest.split('\'').next()?))
        })?;
        let template = self.tera.get_template(page).ok()?;
        let family = std::iter::once(page)
            .chain(template.parents.iter().map(String::as_str))
            .chain(
                template
                    .imported_macro_files
                    .iter()
                    .map(|(file, _)| file.as_str()),
            );
        family.into_iter().find_map(|name| {
            let text = &self.sources.get(name)?.text;
            let line = text.lines().position(|line| line.contains(variable))?;
            Some((name.to_string(), line + 1))
        })
    }
}

fn site_templates(dir: &Path) -> Result<Vec<(String, Source)>, Diagnostics> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            Diagnostic::error(format!("cannot read the templates folder: {error}"))
                .in_file(TEMPLATES_DIR)
        })?;
        let name = relative_name(entry.path(), dir);
        if !entry.file_type().is_file() || !name.ends_with(".html") {
            continue;
        }
        let file = format!("{TEMPLATES_DIR}/{name}");
        let text = std::fs::read_to_string(entry.path()).map_err(|error| {
            Diagnostic::error(format!("cannot read the template: {error}"))
                .in_file(&file)
                .help("templates must be UTF-8 text")
        })?;
        found.push((
            name,
            Source {
                text,
                file: Some(file),
            },
        ));
    }
    Ok(found)
}

/// A loop among templates or macros, reported at the place in the first
/// template that names the next one.
fn cycle_error(sources: &BTreeMap<String, Source>, cycle: &Cycle) -> Diagnostic {
    let (what, help) = match cycle {
        Cycle::Templates(_) => (
            "templates include each other in a loop",
            "remove one of these includes or imports; the loop would never end",
        ),
        Cycle::Macros(_) => (
            "a macro calls itself",
            "Concord refuses recursive macros, even with a condition that ends them: write the repetition with a for loop",
        ),
        Cycle::Mixed(_) => (
            "templates and macros call each other in a loop",
            "remove one of these includes or macro calls; the loop would never end",
        ),
    };
    let steps = cycle.steps();
    // Where the first template names the next step.
    let needle = match steps.get(1).and_then(|next| next.split_once("::")) {
        Some((_, name)) => format!("::{name}("),
        None => format!("\"{}\"", steps.get(1).map_or("", String::as_str)),
    };
    let first = steps[0].split("::").next().unwrap_or_default();
    let mut diagnostic =
        Diagnostic::error(format!("{what}: {}", steps.join(" → "))).help(help.to_string());
    if let Some(source) = sources.get(first) {
        diagnostic = diagnostic.in_file(
            source
                .file
                .clone()
                .unwrap_or_else(|| format!("{first} (built-in theme)")),
        );
        let line = source.text.lines().position(|l| l.contains(&needle));
        if let Some(span) = line.and_then(|l| SourceSpan::line(&source.text, l + 1)) {
            diagnostic = diagnostic.at(span);
        }
    }
    diagnostic
}

/// Every message of a Tera error, outermost first.
fn chain(error: &tera::Error) -> Vec<String> {
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain
}

/// Turns a Tera error into a report naming the template, and the line where
/// Tera gives one; `blame` names them instead when the caller knows better.
fn template_error(
    sources: &BTreeMap<String, Source>,
    error: &tera::Error,
    what: &str,
    blame: Option<(String, usize)>,
) -> Diagnostic {
    let chain = chain(error);
    // The deepest message names the template where the error is: a page
    // template may fail inside the base template it extends.
    let named = match &blame {
        Some((name, _)) => sources.get_key_value(name),
        None => chain.iter().rev().find_map(|message| {
            sources
                .iter()
                .find(|(name, _)| message.contains(&format!("'{name}'")))
        }),
    };
    let detail = chain
        .iter()
        .flat_map(|m| m.lines())
        .map(str::trim)
        .find(|l| l.starts_with("= "))
        .map(|l| l.trim_start_matches("= ").to_string())
        .unwrap_or_else(|| chain.last().cloned().unwrap_or_default());
    let Some((name, source)) = named else {
        return Diagnostic::error(format!("a template {what}: {}", chain.join(": ")))
            .help("check the templates in the site's templates/ folder");
    };
    let file = source
        .file
        .clone()
        .unwrap_or_else(|| format!("{name} (built-in theme)"));
    let mut diagnostic = Diagnostic::error(format!("template `{name}` {what}: {detail}"))
        .in_file(file)
        .help("fix the template; the README lists the variables each template receives");
    let line = blame.map(|(_, line)| line).or_else(|| line_of(&chain));
    if let Some(span) = line.and_then(|line| SourceSpan::line(&source.text, line)) {
        diagnostic = diagnostic.at(span);
    }
    diagnostic
}

/// The line number of a parse error, from the ` --> 12:7` that Tera's parser prints.
fn line_of(chain: &[String]) -> Option<usize> {
    chain.iter().flat_map(|m| m.lines()).find_map(|line| {
        let position = line.trim().strip_prefix("--> ")?;
        position.split(':').next()?.trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_theme_parses() {
        let theme = Theme::load(Path::new("/nonexistent")).unwrap();
        for (name, _) in EMBEDDED_TEMPLATES {
            assert!(theme.tera.get_template(name).is_ok(), "{name}");
        }
    }
}
