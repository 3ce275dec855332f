//! URL slugs: lowercase ASCII letters, digits and single hyphens.

/// Turns any title into a slug, transliterating non-Latin scripts
/// ("无锡" becomes "wu-xi"). Empty when the title has no letters or digits.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Whether `text` is already a slug, and so safe as one segment of a URL and a folder name.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty() && slugify(text) == text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_titles() {
        assert_eq!(
            slugify("Wuxi and Xuzhou sign 2020 north-south cooperation agreement"),
            "wuxi-and-xuzhou-sign-2020-north-south-cooperation-agreement"
        );
        assert_eq!(slugify("  --Hello,   World!--  "), "hello-world");
        assert_eq!(slugify("Café Crème"), "cafe-creme");
    }

    #[test]
    fn chinese_titles_are_transliterated() {
        let slug = slugify("无锡徐州签署南北合作协议");
        assert!(!slug.is_empty());
        assert!(slug.starts_with("wu-xi-xu-zhou"), "{slug}");
        assert!(is_slug(&slug));
    }

    #[test]
    fn titles_without_letters_give_nothing() {
        assert_eq!(slugify("!!! ???"), "");
    }

    #[test]
    fn is_slug_refuses_unsafe_segments() {
        assert!(is_slug("xuzhou-2020"));
        for bad in ["", "Xuzhou", "../etc", "a--b", "-a", "a b", "a/b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
