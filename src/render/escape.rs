//! Escaping for HTML text and attributes, and for XML.

/// Escapes the five characters that are special in HTML and XML. Unlike
/// Tera's default it leaves `/` alone, so URLs in attributes stay readable.
/// Text between special characters is copied a run at a time: feeds
/// escape whole article bodies, and this is on a build's hot path.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut copied = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // Special characters are ASCII, so `at` is a character boundary.
        out.push_str(&input[copied..at]);
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(&input[copied..]);
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
        assert_eq!(escape("徐州 <b>无锡</b>"), "徐州 &lt;b&gt;无锡&lt;/b&gt;");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&"), "&amp;");
    }
}
