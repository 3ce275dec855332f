//! URL slugs: lowercase ASCII letters, digits and single hyphens.

/// What a title without a letter or digit in any script becomes.
const FALLBACK: &str = "untitled";

/// The longest slug, in bytes: a slug is a folder name, and file systems
/// refuse names over 255 bytes; a transliterated Chinese headline of 66
/// characters is longer than that.
pub const MAX_LEN: usize = 80;

/// Turns any title into a slug, transliterating non-Latin scripts
/// ("无锡" becomes "wu-xi"). Never empty: a title with no letters or digits
/// gives "untitled". Never longer than [`MAX_LEN`]: a longer one is cut at
/// the last hyphen that fits, or within its first word if none does.
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
    if slug.len() > MAX_LEN {
        let cut = slug[..=MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str(FALLBACK);
    }
    slug
}

/// Whether `text` is already a slug, and so safe as one segment of a URL and a folder name.
pub fn is_slug(text: &str) -> bool {
    slugify(text) == text
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
    fn long_titles_are_cut_at_a_word() {
        let title = "Wuxi and Xuzhou sign a north-south cooperation agreement covering industrial parks, education, health care and tourism";
        let slug = slugify(title);
        assert_eq!(
            slug,
            "wuxi-and-xuzhou-sign-a-north-south-cooperation-agreement-covering-industrial"
        );
        assert!(slug.len() <= MAX_LEN);
        assert_eq!(slugify(&"x".repeat(200)), "x".repeat(MAX_LEN));
        let chinese = slugify(&"无锡徐州南北挂钩合作共建工业园区签约仪式在徐州举行".repeat(3));
        assert!(chinese.len() <= MAX_LEN && is_slug(&chinese), "{chinese}");
    }

    #[test]
    fn titles_without_letters_get_a_fallback() {
        assert_eq!(slugify("!!! ???"), "untitled");
        assert_eq!(slugify(""), "untitled");
    }

    #[test]
    fn is_slug_refuses_unsafe_segments() {
        assert!(is_slug("xuzhou-2020"));
        for bad in ["", "Xuzhou", "../etc", "a--b", "-a", "a b", "a/b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_title_gives_a_clean_idempotent_slug(title in "\\PC{0,120}") {
            check_slug(&title);
        }

        #[test]
        fn chinese_titles_give_clean_slugs(title in "[\u{4e00}-\u{9fa5}，。、 ]{1,20}") {
            check_slug(&title);
        }
    }

    fn check_slug(title: &str) {
        let slug = slugify(title);
        assert!(!slug.is_empty() && slug.len() <= MAX_LEN, "{slug}");
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug}"
        );
        assert!(
            !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
            "{slug}"
        );
        assert_eq!(slugify(&slug), slug);
        assert!(is_slug(&slug));
    }
}
