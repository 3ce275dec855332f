//! Markdown bodies to HTML, with internal links resolved, and the summary
//! that listings show. Rendering is a pure function of the text and a
//! `LinkResolver`.

use std::ops::Range;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;

const MORE_MARKER: &str = "<!-- more -->";

/// What a link in an article should point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// An external, relative or anchor link: left as written.
    Keep,
    Replace(String),
    /// A link to a page of this site, by its path (`archive/2020/06/`): replaced
    /// with `url`, and reported in `RenderedBody::site_links` so that the
    /// page's existence can be checked once every page is known.
    SitePage {
        url: String,
        path: String,
    },
    /// A link to something that does not exist.
    Broken {
        message: String,
        help: String,
    },
}

pub trait LinkResolver {
    fn resolve(&self, destination: &str) -> Resolution;
}

/// A link that could not be resolved, with its byte range in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub range: Range<usize>,
    pub message: String,
    pub help: String,
}

/// A link to a page of this site, with its byte range in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePageLink {
    pub range: Range<usize>,
    pub path: String,
}

/// A rendered body and, when it has text, the summary taken from it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedBody {
    pub html: String,
    pub summary: Option<Summary>,
    pub broken_links: Vec<BrokenLink>,
    pub site_links: Vec<SitePageLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub html: String,
    /// The same words without markup, for `<meta name="description">` and feeds.
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Renders `body`. The summary is the text before `<!-- more -->`, else the first paragraph.
pub fn render(body: &str, links: &dyn LinkResolver, raw_html: RawHtml) -> RenderedBody {
    let mut rendered = RenderedBody::default();
    let events: Vec<Event<'_>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(event, range)| {
            let (event, range) = match raw_html {
                RawHtml::Keep => (event, range),
                RawHtml::Escape => escape_html(event, range, &mut rendered),
            };
            resolve_link(event, range, links, &mut rendered)
        })
        .collect();
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, events.iter().cloned());
    let more = events.iter().position(
        |e| matches!(e, Event::Html(h) | Event::InlineHtml(h) if h.contains(MORE_MARKER)),
    );
    rendered.summary = match more {
        Some(end) => summary_of(&balanced(&events[..end])),
        None => summary_of(first_paragraph(&events)),
    };
    rendered.html = html_out;
    rendered
}

/// Renders a summary written by hand in the front matter; it may use inline Markdown.
pub fn render_summary(summary: &str, raw_html: RawHtml) -> Option<Summary> {
    let mut refused = RenderedBody::default();
    let events: Vec<Event<'_>> = Parser::new_ext(summary, options())
        .into_offset_iter()
        .map(|(event, range)| match raw_html {
            RawHtml::Keep => event,
            RawHtml::Escape => escape_html(event, range, &mut refused).0,
        })
        .collect();
    summary_of(&events)
}

/// For a site that escapes raw HTML: HTML becomes text (the `<!-- more -->`
/// marker stays, to be found), and a `javascript:` link is refused.
fn escape_html<'a>(
    event: Event<'a>,
    range: Range<usize>,
    rendered: &mut RenderedBody,
) -> (Event<'a>, Range<usize>) {
    match event {
        Event::Html(html) | Event::InlineHtml(html) if html.trim() == MORE_MARKER => {
            (Event::InlineHtml(html), range)
        }
        Event::Html(html) | Event::InlineHtml(html) => (Event::Text(html), range),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
            if is_script(dest_url) =>
        {
            rendered.broken_links.push(BrokenLink {
                range: range.clone(),
                message: "`javascript:` links are not allowed on this site".into(),
                help: "config.toml sets `[markdown] raw_html = \"escape\"`, which refuses script links; link to a page instead".into(),
            });
            (event, range)
        }
        other => (other, range),
    }
}

/// Whether a link runs script when followed, however its scheme is spelled.
fn is_script(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect();
    scheme.to_ascii_lowercase().starts_with("javascript:")
}

fn resolve_link<'a>(
    event: Event<'a>,
    range: Range<usize>,
    links: &dyn LinkResolver,
    rendered: &mut RenderedBody,
) -> Event<'a> {
    let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
        &event
    else {
        return event;
    };
    let replacement = match links.resolve(dest_url) {
        Resolution::Keep => return event,
        Resolution::Replace(url) => url,
        Resolution::SitePage { url, path } => {
            rendered.site_links.push(SitePageLink { range, path });
            url
        }
        Resolution::Broken { message, help } => {
            rendered.broken_links.push(BrokenLink {
                range,
                message,
                help,
            });
            return event;
        }
    };
    let url = CowStr::from(replacement);
    match event {
        Event::Start(Tag::Link {
            link_type,
            title,
            id,
            ..
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: url,
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            title,
            id,
            ..
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: url,
            title,
            id,
        }),
        other => other,
    }
}

/// `events` with every element still open at their end closed, so that a
/// summary cut by `<!-- more -->` inside a paragraph or a link is whole HTML.
fn balanced<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let mut open = Vec::new();
    for event in events {
        match event {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    let mut whole = events.to_vec();
    whole.extend(open.into_iter().rev().map(Event::End));
    whole
}

fn first_paragraph<'e, 'a>(events: &'e [Event<'a>]) -> &'e [Event<'a>] {
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    &events[start..end]
}

fn summary_of(events: &[Event<'_>]) -> Option<Summary> {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, events.iter().cloned());
    Some(Summary {
        html: html_out,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct KeepAll;

    impl LinkResolver for KeepAll {
        fn resolve(&self, _: &str) -> Resolution {
            Resolution::Keep
        }
    }

    /// Rewrites `@/x` to `/resolved/x` and refuses `@/missing`.
    struct Fake;

    impl LinkResolver for Fake {
        fn resolve(&self, destination: &str) -> Resolution {
            match destination.strip_prefix("@/") {
                Some("missing") => Resolution::Broken {
                    message: "no such page".into(),
                    help: "fix it".into(),
                },
                Some(rest) => Resolution::Replace(format!("/resolved/{rest}")),
                None => Resolution::Keep,
            }
        }
    }

    #[test]
    fn renders_tables_footnotes_and_strikethrough() {
        let body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: A note.\n";
        let html = render(body, &KeepAll, RawHtml::Keep).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        let rendered = render(
            "## Heading\n\nFirst *para*\ngraph.\n\nSecond.\n",
            &KeepAll,
            RawHtml::Keep,
        );
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.html, "<p>First <em>para</em>\ngraph.</p>\n");
        assert_eq!(summary.text, "First para graph.");
    }

    #[test]
    fn a_more_marker_inside_a_link_gives_a_whole_summary() {
        let body = "Start [a link <!-- more --> text](https://example.org) end.\n\nMore.\n";
        let summary = render(body, &KeepAll, RawHtml::Keep).summary.unwrap();
        assert_eq!(
            summary.html,
            "<p>Start <a href=\"https://example.org\">a link </a></p>\n"
        );
        assert_eq!(summary.text, "Start a link");
    }

    #[test]
    fn an_escaping_site_shows_html_as_text_and_refuses_script_links() {
        let body = "<script>alert(1)</script>\n\nHi <b>there</b> [x](JavaScript:alert(2)) [ok](https://example.org).\n\n<!-- more -->\n\nRest.\n";
        let rendered = render(body, &KeepAll, RawHtml::Escape);
        assert!(
            !rendered.html.contains("<script>") && !rendered.html.contains("<b>"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("&lt;script&gt;"),
            "{}",
            rendered.html
        );
        assert_eq!(rendered.broken_links.len(), 1);
        assert!(rendered.broken_links[0]
            .message
            .contains("`javascript:` links are not allowed"));
        assert_eq!(
            &body[rendered.broken_links[0].range.clone()],
            "[x](JavaScript:alert(2))"
        );
        let summary = rendered.summary.unwrap();
        assert!(
            !summary.html.contains("Rest"),
            "the marker still ends the summary"
        );
        let kept = render(body, &KeepAll, RawHtml::Keep);
        assert!(kept.html.contains("<b>there</b>") && kept.broken_links.is_empty());
    }

    #[test]
    fn more_marker_sets_the_summary() {
        let rendered = render(
            "One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n",
            &KeepAll,
            RawHtml::Keep,
        );
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.text, "One. Two.");
        assert!(!summary.html.contains("more"));
        assert!(rendered.html.contains("Three."));
    }

    #[test]
    fn written_summaries_are_escaped_markdown() {
        let summary = render_summary("Parks & *people*", RawHtml::Keep).unwrap();
        assert_eq!(summary.text, "Parks & people");
        assert!(
            summary.html.contains("Parks &amp; <em>people</em>"),
            "{}",
            summary.html
        );
    }

    #[test]
    fn an_empty_body_has_no_summary() {
        assert_eq!(render("\n", &KeepAll, RawHtml::Keep).summary, None);
        assert_eq!(render("", &KeepAll, RawHtml::Keep).html, "");
    }

    #[test]
    fn links_and_images_are_resolved_and_broken_ones_reported() {
        let body = "See [a](@/a.md) and ![i](@/img.png).\n\nThen [b](@/missing) and [c](https://x.org/).\n";
        let rendered = render(body, &Fake, RawHtml::Keep);
        assert!(
            rendered.html.contains("href=\"/resolved/a.md\""),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("src=\"/resolved/img.png\""),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("href=\"https://x.org/\""));
        assert_eq!(rendered.broken_links.len(), 1);
        let broken = &rendered.broken_links[0];
        assert_eq!(&body[broken.range.clone()], "[b](@/missing)");
        assert!(rendered.summary.unwrap().html.contains("/resolved/a.md"));
    }
}
