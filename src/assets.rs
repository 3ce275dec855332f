//! The files a site publishes as they are: the built-in theme's assets and
//! everything in `static/`. This is the one place that decides which wins
//! when both have a file of the same name: the site's own.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::layout::STATIC_DIR;

/// The built-in theme's assets, by path in the output folder.
const THEME_ASSETS: &[(&str, &[u8])] = &[("style.css", include_bytes!("../static/style.css"))];

/// One file to publish as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    source: Source,
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
}

impl Assets {
    /// The theme's assets and the files under `static_dir`, which need not exist.
    pub fn load(static_dir: &Path) -> Result<Assets, Diagnostic> {
        let own = site_files(static_dir)?;
        let mut assets: Vec<Asset> = THEME_ASSETS
            .iter()
            .filter(|(name, _)| !own.iter().any(|asset| asset.path == *name))
            .map(|(name, bytes)| Asset {
                path: name.to_string(),
                source: Source::Theme(bytes),
            })
            .collect();
        assets.extend(own);
        Ok(Assets { assets })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.assets.iter()
    }

    pub fn len(&self) -> usize {
        self.assets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.assets.is_empty()
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

fn site_files(static_dir: &Path) -> Result<Vec<Asset>, Diagnostic> {
    if !static_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(static_dir).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(static_dir).display().to_string();
            Diagnostic::error(format!("cannot read `{path}`: {error}"))
                .in_file(STATIC_DIR)
                .help("check that the static folder and its files may be read")
        })?;
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(static_dir)
                .unwrap_or(entry.path());
            files.push(Asset {
                path: relative.to_string_lossy().replace('\\', "/"),
                source: Source::Site(entry.path().to_path_buf()),
            });
        }
    }
    Ok(files)
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
