//! sitemap.xml: every page a reader can reach, written directly rather than
//! through a template so that it is always well-formed XML.

use std::fmt::Write;
use std::hash::Hash;

use super::{About, Kind, PageKind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::escape::escape;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::Alternate;
use crate::render::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sitemap;

impl Kind for Sitemap {
    fn plan(planner: &mut Planner<'_>) {
        if planner.is_default_edition() {
            planner.single(Sitemap, paths::SITEMAP);
        }
    }

    fn about(self) -> About {
        About {
            name: "sitemap",
            template: None,
            file_kind: FileKind::Other,
        }
    }

    /// The article's date is the `lastmod` of article pages; a page in
    /// several languages lists each, as `<link hreflang>` does.
    fn render(self, _: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let pages = renderer.pages();
        let editions = renderer.editions();
        let mut xml = String::with_capacity(128 + pages.len() * 96);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
        if editions.len() > 1 {
            xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
        }
        xml.push_str(">\n");
        for page in pages.iter().filter(|p| p.kind.about().file_kind.is_page()) {
            let _ = write!(xml, "  <url><loc>{}</loc>", escape(&renderer.page_url(page)));
            if let PageKind::Article(article) = page.kind {
                let date = editions.get(page.edition).article(article.0).date.iso_date();
                let _ = write!(xml, "<lastmod>{date}</lastmod>");
            }
            let languages = renderer.language_links(page);
            for alternate in Alternate::of(&languages, renderer.config()) {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(alternate.hreflang),
                    escape(&alternate.url)
                );
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        Ok(xml)
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter.whole_site().hash(hasher);
    }
}
