//! Markdown bodies to HTML, and the summary that listings show.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

const MORE_MARKER: &str = "<!-- more -->";

/// A rendered body and, when it has text, the summary taken from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub html: String,
    /// The same words without markup, for `<meta name="description">` and feeds.
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Renders `body`. The summary is the text before `<!-- more -->`, else the first paragraph.
pub fn render(body: &str) -> RenderedBody {
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, Parser::new_ext(body, options()));
    let summary = match body.split_once(MORE_MARKER) {
        Some((before, _)) => summary_of(Parser::new_ext(before, options())),
        None => summary_of(first_paragraph(Parser::new_ext(body, options()))),
    };
    RenderedBody {
        html: html_out,
        summary,
    }
}

/// Renders a summary written by hand in the front matter; it may use inline Markdown.
pub fn render_summary(summary: &str) -> Option<Summary> {
    summary_of(Parser::new_ext(summary, options()))
}

fn first_paragraph<'a>(parser: Parser<'a>) -> impl Iterator<Item = Event<'a>> {
    let mut inside = false;
    parser
        .skip_while(|event| !matches!(event, Event::Start(Tag::Paragraph)))
        .take_while(move |event| {
            let keep = !inside || !matches!(event, Event::End(TagEnd::Paragraph));
            inside = true;
            keep
        })
        .chain(std::iter::once(Event::End(TagEnd::Paragraph)))
}

fn summary_of<'a>(events: impl Iterator<Item = Event<'a>>) -> Option<Summary> {
    let events: Vec<Event<'a>> = events.collect();
    let mut text = String::new();
    for event in &events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) if !text.ends_with(' ') => text.push(' '),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, events.into_iter());
    Some(Summary {
        html: html_out,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_footnotes_and_strikethrough() {
        let body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: A note.\n";
        let html = render(body).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        let rendered = render("## Heading\n\nFirst *para*\ngraph.\n\nSecond.\n");
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.html, "<p>First <em>para</em>\ngraph.</p>\n");
        assert_eq!(summary.text, "First para graph.");
    }

    #[test]
    fn more_marker_sets_the_summary() {
        let rendered = render("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n");
        let summary = rendered.summary.unwrap();
        assert_eq!(summary.text, "One. Two.");
        assert!(rendered.html.contains("Three."));
    }

    #[test]
    fn written_summaries_are_escaped_markdown() {
        let summary = render_summary("Parks & *people* <b>").unwrap();
        assert_eq!(summary.text, "Parks & people");
        assert!(
            summary.html.contains("Parks &amp; <em>people</em>"),
            "{}",
            summary.html
        );
    }

    #[test]
    fn an_empty_body_has_no_summary() {
        assert_eq!(render("\n").summary, None);
        assert_eq!(render("").html, "");
    }
}
