//! An article's body: its HTML, and what the site needs to know of it
//! without the HTML.

use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, OnceLock};

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

/// An article's body as HTML. A build that takes an article from the
/// article cache does not read its body: only the pages that show it (its
/// own page, feeds, the search index) ask for it, and then its source
/// makes it anew. Two bodies are equal, and hash alike, by their facts.
#[derive(Clone)]
pub struct Body {
    html: OnceLock<String>,
    source: Option<BodySource>,
    facts: BodyFacts,
}

impl Body {
    pub fn new(mut html: String) -> Body {
        // Bodies live as long as the site, and the room they grew while
        // written was 34 of 88 MB on a 10,000-article site.
        html.shrink_to_fit();
        let mut hasher = foldhash::quality::FixedState::default().build_hasher();
        hasher.write(html.as_bytes());
        let facts = BodyFacts {
            digest: hasher.finish(),
            has_words: has_words(&html),
            blank: html.trim().is_empty(),
        };
        Body {
            html: OnceLock::from(html),
            source: None,
            facts,
        }
    }

    /// A body known by its facts, whose HTML `source` makes when a page asks for it.
    pub fn deferred(facts: BodyFacts, source: BodySource) -> Body {
        Body {
            html: OnceLock::new(),
            source: Some(source),
            facts,
        }
    }

    pub fn html(&self) -> &str {
        self.html
            .get_or_init(|| self.source.as_ref().map_or_else(String::new, |make| make()))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
