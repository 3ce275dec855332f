//! Escaping for HTML text and attributes, and for XML.

/// Escapes the five characters that are special in HTML and XML. Unlike
/// Tera's default it leaves `/` alone, so URLs in attributes stay readable.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_slashes() {
        assert_eq!(
            escape("a/b <\"x\"> & 'y'"),
            "a/b &lt;&quot;x&quot;&gt; &amp; &#39;y&#39;"
        );
    }
}
