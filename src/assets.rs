//! The files a site publishes as they are: the built-in theme's assets and
//! everything in `static/`. This is the one place that decides which wins
//! when both have a file of the same name: the site's own.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{relative_name, OUTPUT_DIR, STATIC_DIR};

/// The built-in theme's assets, by path in the output folder.
const THEME_ASSETS: &[(&str, &[u8])] = &[("style.css", include_bytes!("../static/style.css"))];

/// The built-in theme's assets: their paths and bytes.
pub fn theme_assets() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    THEME_ASSETS.iter().copied()
}

/// One file to publish as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    source: Source,
}

impl Asset {
    /// Whether the file is the site's own, from `static/`, not the theme's.
    pub fn is_site_file(&self) -> bool {
        matches!(self.source, Source::Site(_))
    }
}

#[derive(Debug, Clone)]
enum Source {
    Theme(&'static [u8]),
    /// A file in the site's `static/` folder.
    Site(PathBuf),
}

/// Every asset of a site, in a stable order: theme assets first, then `static/` by name.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    assets: Vec<Asset>,
    /// Links in `static/` that are not published, and why.
    pub warnings: Diagnostics,
}

impl Assets {
    /// The theme's assets and the files under `static_dir`, which need not exist.
    pub fn load(static_dir: &Path) -> Result<Assets, Diagnostic> {
        let (own, warnings) = site_files(static_dir)?;
        let mut assets: Vec<Asset> = THEME_ASSETS
            .iter()
            .filter(|(name, _)| !own.iter().any(|asset| asset.path == *name))
            .map(|(name, bytes)| Asset {
                path: name.to_string(),
                source: Source::Theme(bytes),
            })
            .collect();
        assets.extend(own);
        Ok(Assets { assets, warnings })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.assets.iter()
    }
}

impl Asset {
    /// The file's bytes; a theme asset's are compiled in.
    pub fn read(&self) -> Result<Cow<'static, [u8]>, Diagnostic> {
        match &self.source {
            Source::Theme(bytes) => Ok(Cow::Borrowed(bytes)),
            Source::Site(file) => std::fs::read(file).map(Cow::Owned).map_err(|error| {
                Diagnostic::error(format!("cannot read the file: {error}"))
                    .in_file(format!("{STATIC_DIR}/{}", self.path))
                    .help("check that the file exists and that you may read it")
            }),
        }
    }
}

/// The files under `static/`, by name. A link is followed when it leads to
/// a file or folder inside the site (its files are published under the
/// link's name) and left out with a warning when it leads outside the site,
/// nowhere, or to a folder holding the link itself.
fn site_files(static_dir: &Path) -> Result<(Vec<Asset>, Diagnostics), Diagnostic> {
    let mut files = Vec::new();
    let mut warnings = Diagnostics::default();
    if !static_dir.is_dir() {
        return Ok((files, warnings));
    }
    // Without the site's own place, no link can be shown to stay inside it.
    let site = static_dir
        .parent()
        .and_then(|root| root.canonicalize().ok());
    for entry in WalkDir::new(static_dir).sort_by_file_name() {
        let entry = entry.map_err(|error| unreadable(static_dir, error))?;
        let relative = relative_name(entry.path(), static_dir);
        if entry.file_type().is_file() {
            files.push(Asset {
                path: relative,
                source: Source::Site(entry.path().to_path_buf()),
            });
        } else if entry.path_is_symlink() {
            match followed(entry.path(), site.as_deref()) {
                Ok(target) if target.is_file() => files.push(Asset {
                    path: relative,
                    source: Source::Site(target),
                }),
                Ok(target) => files.extend(linked_folder(&target, &relative)?),
                Err(why) => warnings.push(
                    Diagnostic::warning(format!(
                        "`{STATIC_DIR}/{relative}` is a link {why}; it is not published"
                    ))
                    .in_file(format!("{STATIC_DIR}/{relative}"))
                    .help("copy the files into static/, or make the link point inside the site"),
                ),
            }
        }
    }
    Ok((files, warnings))
}

/// Where a link in `static/` leads, if it may be published: inside `site`
/// but not into a hidden folder (`.git`) or the default output folder, and
/// not to a folder that holds the link (which would never end).
fn followed(link: &Path, site: Option<&Path>) -> Result<PathBuf, String> {
    let target = link
        .canonicalize()
        .map_err(|_| "that leads nowhere".to_string())?;
    let inside = site.and_then(|site| target.strip_prefix(site).ok());
    let Some(inside) = inside else {
        return Err(format!("to `{}`, outside the site", target.display()));
    };
    let hidden = inside
        .components()
        .any(|part| part.as_os_str().to_string_lossy().starts_with('.'));
    if hidden || inside.starts_with(OUTPUT_DIR) {
        return Err(format!(
            "to `{}`, a hidden folder or the built site",
            target.display()
        ));
    }
    let parent = link
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .unwrap_or_default();
    if target.is_dir() && parent.starts_with(&target) {
        return Err("to a folder that holds it".to_string());
    }
    Ok(target)
}

/// The files of a folder a link in `static/` leads to, under the link's
/// name; links inside it are not followed.
fn linked_folder(target: &Path, name: &str) -> Result<Vec<Asset>, Diagnostic> {
    let mut files = Vec::new();
    for entry in WalkDir::new(target).sort_by_file_name() {
        let entry = entry.map_err(|error| unreadable(target, error))?;
        if entry.file_type().is_file() {
            files.push(Asset {
                path: format!("{name}/{}", relative_name(entry.path(), target)),
                source: Source::Site(entry.path().to_path_buf()),
            });
        }
    }
    Ok(files)
}

fn unreadable(dir: &Path, error: walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(dir).display().to_string();
    Diagnostic::error(format!("cannot read `{path}`: {error}"))
        .in_file(STATIC_DIR)
        .help("check that the static folder and its files may be read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_file_replaces_the_theme_asset_of_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let static_dir = dir.path().join(STATIC_DIR);
        std::fs::create_dir_all(static_dir.join("img")).unwrap();
        std::fs::write(static_dir.join("style.css"), "body {}").unwrap();
        std::fs::write(static_dir.join("img/logo.svg"), "<svg/>").unwrap();
        let assets = Assets::load(&static_dir).unwrap();
        let paths: Vec<&str> = assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["img/logo.svg", "style.css"]);
        let css = assets.iter().find(|a| a.path == "style.css").unwrap();
        assert_eq!(&*css.read().unwrap(), b"body {}");
    }

    #[test]
    fn without_static_files_the_theme_assets_remain() {
        let assets = Assets::load(Path::new("/nonexistent/static")).unwrap();
        let paths: Vec<&str> = assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["style.css"]);
    }
}
