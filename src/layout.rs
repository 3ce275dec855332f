//! The folders and files a site consists of, by name. Every other module
//! takes these names from here.

use std::path::Path;

/// The site's settings and city registry, at the root of the site folder.
pub const CONFIG_FILE: &str = "config.toml";
/// The editors' Markdown files.
pub const CONTENT_DIR: &str = "content";
/// Where `concord new` writes articles, inside `content/`.
pub const NEWS_DIR: &str = "news";
/// The site's own templates, each replacing the built-in one of its name.
pub const TEMPLATES_DIR: &str = "templates";
/// Files published as they are; one here replaces a theme asset of its name.
pub const STATIC_DIR: &str = "static";
/// Where `concord build` writes the site unless told otherwise.
pub const OUTPUT_DIR: &str = "public";
/// The version control folder, never written into.
pub const GIT_DIR: &str = ".git";

/// How the site names a file under `folder`: relative to it, with `/`
/// between folders whatever the system uses.
pub fn relative_name(path: &Path, folder: &Path) -> String {
    let relative = path.strip_prefix(folder).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}
/// Concord's own files in a site, never the editors': the caches.
pub const CONCORD_DIR: &str = ".concord";
/// What a build keeps for the next one (see [`crate::cache`]).
pub const CACHE_DIR: &str = ".concord/cache";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_among_concords_own_files() {
        assert!(CACHE_DIR.starts_with(&format!("{CONCORD_DIR}/")));
    }
}
