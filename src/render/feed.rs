//! Atom 1.0 feeds: written directly rather than through templates, so that
//! they are always well-formed XML.

use std::fmt::Write;

use super::escape::escape;
use crate::config::BaseUrl;
use crate::model::{ArticleId, Site};

/// How many of the newest articles a feed carries.
pub const FEED_SIZE: usize = 20;

/// A feed of the newest articles among `ids`.
pub struct Feed<'a> {
    pub title: String,
    pub self_url: String,
    /// The URL of the HTML page the feed follows.
    pub page_url: String,
    /// The language of the feed's edition.
    pub lang: &'a str,
    pub ids: &'a [ArticleId],
    /// Whether entries carry the whole article or only its summary.
    pub content: Content,
}

/// How much of each article a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Whole,
    /// Title, link, dates, cities and summary: for the feeds of pairs, which
    /// would otherwise repeat every article in full once per pair it names.
    Summary,
}

/// The feed, with its articles' URLs under `home`, their edition's home.
pub fn atom(site: &Site, home: &BaseUrl, author: &str, feed: &Feed<'_>) -> String {
    let entries = &feed.ids[..feed.ids.len().min(FEED_SIZE)];
    let updated = entries.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_string(),
        |id| site.article(*id).date.rfc3339(),
    );
    let mut xml = String::with_capacity(2048 + entries.len() * 4096);
    let _ = writeln!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(feed.lang)
    );
    let self_url = &feed.self_url;
    let _ = writeln!(xml, "  <title>{}</title>", escape(&feed.title));
    let _ = writeln!(xml, "  <id>{}</id>", escape(self_url));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(self_url)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&feed.page_url)
    );
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape(author));
    for id in entries {
        write_entry(&mut xml, site, home, *id, feed.content);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(xml: &mut String, site: &Site, home: &BaseUrl, id: ArticleId, content: Content) {
    let article = site.article(id);
    let url = escape(&home.join(&article.path()));
    let date = article.date.rfc3339();
    match &article.lang {
        Some(lang) => {
            let _ = writeln!(xml, "  <entry xml:lang=\"{}\">", escape(lang));
        }
        None => xml.push_str("  <entry>\n"),
    }
    let _ = writeln!(xml, "    <title>{}</title>", escape(&article.title));
    let _ = writeln!(
        xml,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
    );
    let _ = writeln!(xml, "    <id>{url}</id>");
    let _ = writeln!(xml, "    <published>{date}</published>");
    let _ = writeln!(xml, "    <updated>{date}</updated>");
    for &id in &article.cities {
        let _ = writeln!(
            xml,
            "    <category term=\"{}\" label=\"{}\"/>",
            escape(&site.cities().get(id).key),
            escape(site.cities().display(id))
        );
    }
    if !article.summary_html.is_empty() {
        let _ = writeln!(
            xml,
            "    <summary type=\"html\">{}</summary>",
            escape(&article.summary_html)
        );
    }
    // An article without a summary has nothing else to show.
    if content == Content::Whole || article.summary_html.is_empty() {
        let _ = writeln!(
            xml,
            "    <content type=\"html\">{}</content>",
            escape(&article.body.html())
        );
    }
    xml.push_str("  </entry>\n");
}
