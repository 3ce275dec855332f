//! Leftovers of unfinished editing that must not reach readers:
//! `[Insert Date]`, `TODO`, `TBD`, `XXX`, `lorem ipsum`.

use std::ops::Range;

const MARKER_WORDS: [&str; 3] = ["TODO", "TBD", "XXX"];

/// A date to show in help, written as front matter wants it.
pub const EXAMPLE_DATE: &str = "2020-06-09";

/// Byte ranges of every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<Range<usize>> = Vec::new();
    for (start, _) in lower.match_indices("[insert") {
        let end = lower[start..]
            .find(']')
            .map_or(start + 7, |i| start + i + 1);
        found.push(start..end);
    }
    for (start, phrase) in lower.match_indices("lorem ipsum") {
        found.push(start..start + phrase.len());
    }
    for word in MARKER_WORDS {
        for (start, _) in text.match_indices(word) {
            let end = start + word.len();
            if is_boundary(text, start, end) {
                found.push(start..end);
            }
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_each_kind() {
        assert_eq!(
            words("On [Insert Date], TODO: check. Lorem ipsum dolor. TBD and XXX."),
            ["[Insert Date]", "TODO", "Lorem ipsum", "TBD", "XXX"]
        );
        assert_eq!(
            words("[insert the mayor's name here]"),
            ["[insert the mayor's name here]"]
        );
    }

    #[test]
    fn ignores_ordinary_words() {
        assert!(find("Todo list, TODOS, XXXL sizes, tbd in lower case").is_empty());
    }
}
