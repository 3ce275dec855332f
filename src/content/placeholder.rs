//! Leftovers of unfinished editing that must not reach readers:
//! `[Insert Date]`, `TODO`, `TBD`, `XXX`, `lorem ipsum`.

use std::ops::Range;

const MARKER_WORDS: [&str; 3] = ["TODO", "TBD", "XXX"];

/// A date to show in help, written as front matter wants it.
pub const EXAMPLE_DATE: &str = "2020-06-09";

/// Byte ranges of every placeholder in `text`, in order. Every article's
/// body is searched on every build, so the phrases are matched ignoring
/// ASCII case in place rather than in a lowercased copy of the text.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for start in positions_ignoring_case(text, "[insert") {
        let end = text[start..].find(']').map_or(start + 7, |i| start + i + 1);
        found.push(start..end);
    }
    for start in positions_ignoring_case(text, "lorem ipsum") {
        found.push(start..start + "lorem ipsum".len());
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

/// Where `needle` (lowercase ASCII) starts in `text`, in any ASCII case.
/// The text is lowercased a stack-sized piece at a time, consecutive pieces
/// overlapping by one byte less than the needle, so that a vectorised
/// search finds each match exactly once without a copy of the whole text.
fn positions_ignoring_case(text: &str, needle: &'static str) -> Vec<usize> {
    const PIECE: usize = 4096;
    let (bytes, wanted) = (text.as_bytes(), needle.as_bytes());
    let finder = memchr::memmem::Finder::new(wanted);
    let mut lowered = [0u8; PIECE];
    let mut found = Vec::new();
    let mut from = 0;
    loop {
        let to = (from + PIECE).min(bytes.len());
        let piece = &mut lowered[..to - from];
        piece.copy_from_slice(&bytes[from..to]);
        piece.make_ascii_lowercase();
        found.extend(finder.find_iter(piece).map(|at| from + at));
        if to == bytes.len() {
            return found;
        }
        from = to - (wanted.len() - 1);
    }
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
    fn finds_phrases_across_the_pieces_it_reads_once_each() {
        for at in [4090, 4095, 4096, 8185] {
            let text = format!("{}[INSERT name] and LOREM Ipsum.", "x".repeat(at));
            assert_eq!(words(&text), ["[INSERT name]", "LOREM Ipsum"], "at {at}");
        }
    }

    #[test]
    fn ignores_ordinary_words() {
        assert!(find("Todo list, TODOS, XXXL sizes, tbd in lower case").is_empty());
    }
}
