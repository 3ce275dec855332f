//! An article's body: its HTML, and what the site needs to know of it
//! without the HTML.

use std::borrow::Cow;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, OnceLock};

use crate::deflated::Deflated;

/// Gives the HTML of a body that was not kept (see [`Body::deferred`]).
pub type BodySource = Arc<dyn Fn() -> String + Send + Sync>;

/// What is known of a body without its HTML: enough for page fingerprints
/// and for `check`'s warning about articles without words to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BodyFacts {
    /// A hash of the HTML: a body that changes changes it.
    digest: u64,
    has_words: bool,
    blank: bool,
}

impl BodyFacts {
    fn of(html: &str) -> BodyFacts {
        let mut hasher = foldhash::quality::FixedState::default().build_hasher();
        hasher.write(html.as_bytes());
        BodyFacts {
            digest: hasher.finish(),
            has_words: has_words(html),
            blank: html.trim().is_empty(),
        }
    }
}

/// An article's body as HTML. A build that takes an article from the
/// article cache does not read its body: only the pages that show it (its
/// own page, feeds, the search index) ask for it, and then its source
/// makes it anew. Two bodies are equal, and hash alike, by their facts.
#[derive(Clone)]
pub struct Body {
    html: Held,
    facts: BodyFacts,
}

/// How a body's HTML is held.
#[derive(Clone)]
enum Held {
    Whole(String),
    /// For a site held in memory for long, whose pages are rendered once and
    /// then again only when what they show changes (the preview).
    Deflated(Deflated),
    /// Made by its source when a page first asks for it, and kept then.
    Deferred(OnceLock<String>, BodySource),
}

impl Body {
    pub fn new(html: String) -> Body {
        let facts = BodyFacts::of(&html);
        // Bodies live as long as the site, and the room they grew while
        // written was 34 of 88 MB on a 10,000-article site.
        Body {
            html: Held::Whole(fitted(html)),
            facts,
        }
    }

    /// A body whose HTML is held deflated, inflated whenever it is asked for.
    pub fn deflated(html: &str) -> Body {
        Body {
            html: Held::Deflated(Deflated::new(html.as_bytes())),
            facts: BodyFacts::of(html),
        }
    }

    /// A body known by its facts, whose HTML `source` makes when a page asks for it.
    pub fn deferred(facts: BodyFacts, source: BodySource) -> Body {
        Body {
            html: Held::Deferred(OnceLock::new(), source),
            facts,
        }
    }

    pub fn html(&self) -> Cow<'_, str> {
        match &self.html {
            Held::Whole(html) => Cow::Borrowed(html),
            Held::Deflated(html) => match html.bytes() {
                Cow::Borrowed(bytes) => String::from_utf8_lossy(bytes),
                Cow::Owned(bytes) => Cow::Owned(
                    String::from_utf8(bytes)
                        .unwrap_or_else(|bad| String::from_utf8_lossy(bad.as_bytes()).into_owned()),
                ),
            },
            Held::Deferred(made, source) => Cow::Borrowed(made.get_or_init(|| fitted(source()))),
        }
    }

    pub fn facts(&self) -> BodyFacts {
        self.facts
    }

    /// Whether it has a word outside its tags and entities.
    pub fn has_words(&self) -> bool {
        self.facts.has_words
    }

    /// Whether it is empty but for white space.
    pub fn is_blank(&self) -> bool {
        self.facts.blank
    }
}

impl Default for Body {
    fn default() -> Body {
        Body::new(String::new())
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.facts == other.facts
    }
}

impl Eq for Body {}

impl Hash for Body {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.facts.hash(state);
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body").field("facts", &self.facts).finish()
    }
}

/// Whether an HTML fragment has a word outside its tags and entities; it
/// stops at the first.
fn has_words(html: &str) -> bool {
    let mut skipping_to = None;
    for c in html.chars() {
        match (skipping_to, c) {
            (Some(end), c) if c == end => skipping_to = None,
            (Some(_), _) => {}
            (None, '<') => skipping_to = Some('>'),
            (None, '&') => skipping_to = Some(';'),
            (None, c) if c.is_alphabetic() => return true,
            (None, _) => {}
        }
    }
    false
}

/// `text` without the room it grew while written, for text kept as long as
/// the site. A copy rather than `shrink_to_fit`: mimalloc shrinks a block in
/// place, keeping all of it, unless the text needs less than half.
pub fn fitted(text: String) -> String {
    if text.capacity() == text.len() {
        return text;
    }
    text.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_text_keeps_its_characters_in_no_more_room_than_they_need() {
        let mut grown = String::with_capacity(4096);
        grown.push_str("<p>徐州 and 无锡 sign an agreement.</p>");
        let fitted = fitted(grown.clone());
        assert_eq!(fitted, grown);
        assert_eq!(fitted.capacity(), fitted.len());
    }

    #[test]
    fn words_are_found_outside_tags_and_entities_only() {
        assert!(Body::new("<table><td>7</td></table><p>徐州</p>".into()).has_words());
        let figures = Body::new("<img alt=\"park\"><p>7 &amp; 615</p>".into());
        assert!(!figures.has_words());
        assert!(!figures.is_blank());
        assert!(Body::new(" \n".into()).is_blank());
    }

    #[test]
    fn a_deferred_body_is_made_once_and_equals_the_one_it_stands_for() {
        let body = Body::new("<p>Seven parks</p>".into());
        let made = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&made);
        let deferred = Body::deferred(
            body.facts(),
            Arc::new(move || {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                "<p>Seven parks</p>".to_string()
            }),
        );
        assert_eq!(deferred, body);
        assert_eq!(deferred.html(), body.html());
        assert_eq!(deferred.html(), "<p>Seven parks</p>");
        assert_eq!(made.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_ne!(Body::new("<p>Six parks</p>".into()), body);
    }

    #[test]
    fn a_deflated_body_gives_back_its_html_and_equals_the_whole_one() {
        let html = "<p>无锡 and 徐州 opened a co-built park.</p>\n".repeat(40);
        let body = Body::new(html.clone());
        let deflated = Body::deflated(&html);
        assert!(matches!(deflated.html, Held::Deflated(_)));
        assert_eq!(deflated.html(), html);
        assert_eq!(deflated, body);
        assert!(deflated.has_words());
    }
}
