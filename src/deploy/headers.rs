//! What each file is stored with: its Content-Type, Cache-Control and
//! whether it is stored gzip-compressed. The first `[[deploy.matchers]]`
//! whose pattern matches a path decides; what it leaves out, and every file
//! no matcher names, takes the defaults below.

use crate::config::{Matcher, Pattern};

/// Files named by a hash of their bytes (Pagefind's index): a new version
/// is a new name, so browsers and CDNs may keep them for ever.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else: a corrected article reaches readers within minutes.
const SHORT: &str = "public, max-age=300";

/// How one file is stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Headers {
    pub content_type: String,
    pub cache_control: String,
    pub gzip: bool,
    pub force: bool,
}

impl Headers {
    pub fn for_path(path: &str, matchers: &[Matcher]) -> Headers {
        let matcher = matchers.iter().find(|m| m.pattern.matches(path));
        let content_type = matcher
            .and_then(|m| m.content_type.clone())
            .unwrap_or_else(|| content_type(path));
        let cache_control = matcher
            .and_then(|m| m.cache_control.clone())
            .unwrap_or_else(|| cache_control(path).to_string());
        let gzip = matcher
            .and_then(|m| m.gzip)
            .unwrap_or_else(|| is_text(&content_type));
        Headers {
            content_type,
            cache_control,
            gzip,
            force: matcher.is_some_and(|m| m.force),
        }
    }

    /// The headers as one line, so that the manifest can tell when they change.
    pub fn digest(&self) -> String {
        format!(
            "{}|{}|{}",
            self.content_type,
            self.cache_control,
            if self.gzip { "gzip" } else { "identity" }
        )
    }
}

fn content_type(path: &str) -> String {
    let mime = if path.ends_with("atom.xml") {
        "application/atom+xml".to_string()
    } else {
        mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_string()
    };
    if is_text(&mime) {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    }
}

fn is_text(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/javascript"
                | "application/json"
                | "application/xml"
                | "application/atom+xml"
                | "image/svg+xml"
        )
}

fn cache_control(path: &str) -> &'static str {
    let hashed = [
        "pagefind/fragment/**",
        "pagefind/index/**",
        "pagefind/filter/**",
        "pagefind/*.pf_meta",
    ];
    if hashed
        .iter()
        .any(|pattern| Pattern::new(pattern).matches(path))
    {
        IMMUTABLE
    } else {
        SHORT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_short_lived_compressed_utf8() {
        let page = Headers::for_path("cities/wuxi/index.html", &[]);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(page.cache_control, SHORT);
        assert!(page.gzip);
        let feed = Headers::for_path("en/atom.xml", &[]);
        assert_eq!(feed.content_type, "application/atom+xml; charset=utf-8");
    }

    #[test]
    fn hashed_search_files_are_immutable_and_left_as_pagefind_compressed_them() {
        let fragment = Headers::for_path("pagefind/fragment/zh-cn_1a2b3c.pf_fragment", &[]);
        assert_eq!(fragment.cache_control, IMMUTABLE);
        assert!(!fragment.gzip);
        assert_eq!(
            Headers::for_path("pagefind/pagefind.js", &[]).cache_control,
            SHORT
        );
    }

    #[test]
    fn the_first_matching_matcher_decides_and_defaults_fill_the_rest() {
        let matchers = [
            Matcher {
                pattern: Pattern::new("**.css"),
                cache_control: Some("public, max-age=86400".into()),
                content_type: None,
                gzip: Some(false),
                force: true,
            },
            Matcher {
                pattern: Pattern::new("**"),
                cache_control: Some("no-cache".into()),
                content_type: None,
                gzip: None,
                force: false,
            },
        ];
        let css = Headers::for_path("style.css", &matchers);
        assert_eq!(css.cache_control, "public, max-age=86400");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        assert!(!css.gzip && css.force);
        assert_eq!(
            Headers::for_path("index.html", &matchers).cache_control,
            "no-cache"
        );
    }
}
