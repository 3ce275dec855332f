//! The search index, built with the site by Pagefind: a record per article
//! of every edition (its title, summary and text; its cities and topics as
//! filters; its date to sort by), written under `pagefind/` with Pagefind's
//! own scripts. Pagefind keeps an index per language and searches the one
//! of the page's `<html lang>`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use pagefind::api::{CustomRecord, PagefindIndex};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use super::{FileKind, SiteFile};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{paths, Article, Editions, Site};

/// Records made at once before they are handed to Pagefind.
const RECORD_BATCH: usize = 1024;

/// Every file of the search bundle.
pub fn files(editions: &Editions, config: &Config) -> Result<Vec<SiteFile>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| failed(&error))?;
    runtime.block_on(index(editions, config))
}

async fn index(editions: &Editions, config: &Config) -> Result<Vec<SiteFile>, Diagnostic> {
    let options = PagefindServiceConfig::builder().build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| failed(&*e))?;
    for (edition, site) in editions.iter() {
        let language = &config.languages[edition.index()];
        let home = format!("{}{}", root_path(config), language.prefix);
        let tag = language.tag.to_lowercase();
        // Records are made (a body from the article cache is rendered when
        // asked for) and split into words in parallel, a batch at a time so
        // that their text is not all held at once.
        for batch in site.all().chunks(RECORD_BATCH) {
            let records: Vec<CustomRecord> = (batch.par_iter())
                .map(|&id| record(site, site.article(id), &home, &tag))
                .collect();
            index
                .add_custom_records(records)
                .await
                .map_err(|e| failed(&*e))?;
        }
    }
    let files = index.into_files().await.map_err(|e| failed(&*e))?;
    Ok(files
        .into_iter()
        .map(|file| SiteFile {
            path: format!(
                "{}{}",
                paths::SEARCH_BUNDLE,
                file.filename.to_string_lossy().replace('\\', "/")
            ),
            bytes: Cow::Owned(file.contents),
            kind: FileKind::Search,
        })
        .collect())
}

/// An article as Pagefind indexes it; `home` is its edition's home as a
/// path from the host, so that results link on any host the site is served
/// from, and `language` the edition's language tag.
fn record(site: &Site, article: &Article, home: &str, language: &str) -> CustomRecord {
    let cities: Vec<String> = article
        .cities
        .iter()
        .map(|&city| site.cities().display(city).to_string())
        .collect();
    let topics: Vec<String> = article
        .topics
        .iter()
        .map(|topic| {
            site.topic_by_slug(&topic.slug)
                .map_or(&topic.name, |id| &site.topic(id).name)
                .clone()
        })
        .collect();
    let text = plain_text(&article.body.html());
    // A summary taken from the first paragraph is in the text already.
    let summary = if text.starts_with(article.summary_text.trim()) {
        ""
    } else {
        &article.summary_text
    };
    let content = format!("{}\n{summary}\n{text}", article.title);
    CustomRecord {
        url: format!("{home}{}", article.path()),
        content,
        language: language.to_string(),
        meta: BTreeMap::from([
            ("title".to_string(), article.title.clone()),
            ("date".to_string(), article.date.iso_date()),
        ]),
        filters: BTreeMap::from([("city".to_string(), cities), ("topic".to_string(), topics)]),
        sort: BTreeMap::from([("date".to_string(), article.date.iso_date())]),
    }
}

/// The path of the site root from its host: `/`, or `/coop/`.
fn root_path(config: &Config) -> &str {
    let url = config.base_url.as_str();
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or("/", |i| &url[after_scheme + i..])
}

/// The text of an HTML fragment: tags dropped, the five entities Concord
/// writes decoded, runs of white space made one space.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn failed(error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("the search index could not be built: {error}"))
        .help("this is a fault in Concord or Pagefind, not in the site; set `[search] enabled = false` in config.toml to build without search, and report it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>Wuxi &amp; Xuzhou</p>\n<ul><li>7 parks</li></ul><p>徐州</p>"),
            "Wuxi & Xuzhou 7 parks 徐州"
        );
    }
}
