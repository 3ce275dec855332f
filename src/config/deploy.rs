//! `[deploy]` in config.toml: where `concord deploy` publishes the site, and
//! the headers each file is stored with. Credentials never come from here.

use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

/// How many remote files a deploy deletes at most, unless told otherwise:
/// more means the site folder or the target is probably wrong.
pub const DEFAULT_MAX_DELETES: usize = 256;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDeploy {
    max_deletes: Option<Spanned<i64>>,
    #[serde(default)]
    targets: Vec<RawTarget>,
    #[serde(default)]
    matchers: Vec<RawMatcher>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Spanned<String>,
    url: Spanned<String>,
    endpoint: Option<Spanned<String>>,
    region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatcher {
    pattern: Spanned<String>,
    cache_control: Option<String>,
    content_type: Option<String>,
    gzip: Option<bool>,
    #[serde(default)]
    force: bool,
}

/// `[deploy]`, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploySettings {
    pub targets: Vec<Target>,
    /// In order: the first whose pattern matches a file decides its headers.
    pub matchers: Vec<Matcher>,
    pub max_deletes: usize,
}

/// `[[deploy.targets]]`: one place the site is published to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    /// The URL as written, for messages.
    pub url: String,
    pub location: Location,
    /// An S3-compatible service other than Amazon's: `https://minio.example.org`.
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// `s3://bucket/prefix`: keys are the site's paths under `prefix`.
    Bucket { bucket: String, prefix: String },
    /// `file:///srv/www`: a folder, written as a build writes its output.
    Folder(PathBuf),
}

/// `[[deploy.matchers]]`: headers for the files whose path matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    pub pattern: Pattern,
    pub cache_control: Option<String>,
    pub content_type: Option<String>,
    pub gzip: Option<bool>,
    /// Upload these files on every deploy, changed or not.
    pub force: bool,
}

/// A path pattern: `*` stands for any run of characters but `/`, `**` for
/// any run at all; anything else stands for itself. `*.css`,
/// `pagefind/**`, `**.html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(String);

impl Pattern {
    pub fn new(text: &str) -> Pattern {
        Pattern(text.to_string())
    }

    pub fn matches(&self, path: &str) -> bool {
        glob_matches(self.0.as_bytes(), path.as_bytes())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn glob_matches(pattern: &[u8], path: &[u8]) -> bool {
    match pattern {
        [] => path.is_empty(),
        // `**/` may also stand for no folder at all: `**/x.html` matches `x.html`.
        [b'*', b'*', b'/', rest @ ..] if glob_matches(rest, path) => true,
        [b'*', b'*', rest @ ..] => (0..=path.len()).any(|skip| glob_matches(rest, &path[skip..])),
        [b'*', rest @ ..] => {
            let segment = path.iter().position(|&b| b == b'/').unwrap_or(path.len());
            (0..=segment).any(|skip| glob_matches(rest, &path[skip..]))
        }
        [first, rest @ ..] => path.first() == Some(first) && glob_matches(rest, &path[1..]),
    }
}

type Problem<'p> = dyn FnMut(Range<usize>, String, &str) + 'p;

pub(super) fn settings(raw: RawDeploy, problem: &mut Problem<'_>) -> DeploySettings {
    let max_deletes = match raw.max_deletes {
        None => DEFAULT_MAX_DELETES,
        Some(value) => usize::try_from(*value.get_ref()).unwrap_or_else(|_| {
            problem(
                value.span(),
                format!("`max_deletes` cannot be {}", value.get_ref()),
                "write how many remote files a deploy may delete at most, like `max_deletes = 256` (0 deletes none)",
            );
            DEFAULT_MAX_DELETES
        }),
    };
    let mut targets: Vec<Target> = Vec::with_capacity(raw.targets.len());
    for raw_target in raw.targets {
        if targets.iter().any(|t| t.name == *raw_target.name.get_ref()) {
            problem(
                raw_target.name.span(),
                format!("two deploy targets are named `{}`", raw_target.name.get_ref()),
                "give each [[deploy.targets]] a name of its own: `concord deploy --target NAME` picks one by it",
            );
            continue;
        }
        if let Some(target) = target(raw_target, problem) {
            targets.push(target);
        }
    }
    let matchers = raw
        .matchers
        .into_iter()
        .filter_map(|matcher| {
            if matcher.pattern.get_ref().trim().is_empty() {
                problem(
                    matcher.pattern.span(),
                    "a deploy matcher has an empty `pattern`".to_string(),
                    "match paths of the built site, like `pattern = \"**.html\"` or `pattern = \"pagefind/**\"`",
                );
                return None;
            }
            Some(Matcher {
                pattern: Pattern::new(matcher.pattern.get_ref()),
                cache_control: matcher.cache_control,
                content_type: matcher.content_type,
                gzip: matcher.gzip,
                force: matcher.force,
            })
        })
        .collect();
    DeploySettings {
        targets,
        matchers,
        max_deletes,
    }
}

fn target(raw: RawTarget, problem: &mut Problem<'_>) -> Option<Target> {
    let url = raw.url.get_ref();
    let location = if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            None
        } else {
            Some(Location::Bucket {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            })
        }
    } else {
        url.strip_prefix("file://")
            .filter(|path| path.starts_with('/'))
            .map(|path| Location::Folder(PathBuf::from(path)))
    };
    let Some(location) = location else {
        problem(
            raw.url.span(),
            format!("deploy target `{}` has the URL `{url}`, which Concord cannot publish to", raw.name.get_ref()),
            "write `s3://bucket` or `s3://bucket/folder` for object storage (S3 or any S3-compatible service, with `endpoint`), or `file:///absolute/folder` for a folder",
        );
        return None;
    };
    if let Some(endpoint) = &raw.endpoint {
        let scheme_ok =
            endpoint.get_ref().starts_with("https://") || endpoint.get_ref().starts_with("http://");
        if !scheme_ok || matches!(location, Location::Folder(_)) {
            problem(
                endpoint.span(),
                format!("`endpoint = \"{}\"` is not the address of an S3-compatible service", endpoint.get_ref()),
                "write the service's address with its scheme, like `endpoint = \"https://minio.example.org\"`, and only for an `s3://` target",
            );
            return None;
        }
    }
    Some(Target {
        name: raw.name.into_inner(),
        url: raw.url.into_inner(),
        location,
        endpoint: raw.endpoint.map(Spanned::into_inner),
        region: raw.region,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_star_stays_in_a_folder_and_two_cross_folders() {
        assert!(Pattern::new("*.css").matches("style.css"));
        assert!(!Pattern::new("*.css").matches("theme/style.css"));
        assert!(Pattern::new("**.html").matches("en/cities/wuxi/index.html"));
        assert!(Pattern::new("pagefind/**").matches("pagefind/fragment/zh_1a2b.pf_fragment"));
        assert!(!Pattern::new("pagefind/**").matches("en/pagefind.html"));
        assert!(Pattern::new("pagefind/*/*.pf_*").matches("pagefind/index/zh_9f.pf_index"));
        assert!(!Pattern::new("index.html").matches("en/index.html"));
        assert!(Pattern::new("**/index.html").matches("index.html"));
        assert!(Pattern::new("**/index.html").matches("en/cities/index.html"));
        assert!(!Pattern::new("**/index.html").matches("en/cities/index.htm"));
    }
}
