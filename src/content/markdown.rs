//! Markdown bodies to HTML, with internal links resolved, and the summary
//! that listings show. Rendering is a pure function of the text and a
//! `LinkResolver`.

use std::ops::Range;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

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
pub fn render(body: &str, links: &dyn LinkResolver) -> RenderedBody {
    let mut rendered = RenderedBody::default();
    let events: Vec<Event<'_>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(event, range)| resolve_link(event, range, links, &mut rendered))
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
pub fn render_summary(summary: &str) -> Option<Summary> {
    let events: Vec<Event<'_>> = Parser::new_ext(summary, options()).collect();
    summary_of(&events)
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
        let html = render(body, &KeepAll).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        let rendered = render("## Heading\n\nFirst *para*\ngraph.\n\nSecond.\n", &KeepAll);
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.html, "<p>First <em>para</em>\ngraph.</p>\n");
        assert_eq!(summary.text, "First para graph.");
    }

    #[test]
    fn a_more_marker_inside_a_link_gives_a_whole_summary() {
        let body = "Start [a link <!-- more --> text](https://example.org) end.\n\nMore.\n";
        let summary = render(body, &KeepAll).summary.unwrap();
        assert_eq!(
            summary.html,
            "<p>Start <a href=\"https://example.org\">a link </a></p>\n"
        );
        assert_eq!(summary.text, "Start a link");
    }

    #[test]
    fn more_marker_sets_the_summary() {
        let rendered = render("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n", &KeepAll);
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.text, "One. Two.");
        assert!(!summary.html.contains("more"));
        assert!(rendered.html.contains("Three."));
    }

    #[test]
    fn written_summaries_are_escaped_markdown() {
        let summary = render_summary("Parks & *people*").unwrap();
        assert_eq!(summary.text, "Parks & people");
        assert!(
            summary.html.contains("Parks &amp; <em>people</em>"),
            "{}",
            summary.html
        );
    }

    #[test]
    fn an_empty_body_has_no_summary() {
        assert_eq!(render("\n", &KeepAll).summary, None);
        assert_eq!(render("", &KeepAll).html, "");
    }

    #[test]
    fn links_and_images_are_resolved_and_broken_ones_reported() {
        let body = "See [a](@/a.md) and ![i](@/img.png).\n\nThen [b](@/missing) and [c](https://x.org/).\n";
        let rendered = render(body, &Fake);
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
