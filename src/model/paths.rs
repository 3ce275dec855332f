//! The URL scheme: every path of the site, relative to its root, in one
//! place. A folder path ends in `/` and is published as its `index.html`.

/// The home page.
pub const HOME: &str = "";
/// Every city, by province.
pub const CITIES: &str = "cities/";
/// Every year and month.
pub const ARCHIVE: &str = "archive/";
/// Every topic.
pub const TOPICS: &str = "topics/";
/// Every pair of partner cities, with the map of them all.
pub const PARTNERSHIPS: &str = "partnerships/";
/// The search page.
pub const SEARCH: &str = "search/";
/// The search index and Pagefind's scripts, at the site root for every edition.
pub const SEARCH_BUNDLE: &str = "pagefind/";
/// The page a web server shows for a missing path.
pub const NOT_FOUND: &str = "404.html";
/// The feed of the whole site.
pub const SITE_FEED: &str = "atom.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

/// The folder of article pages.
const NEWS: &str = "news/";
/// Page 2 and after of a paginated list live under the list's path.
const PAGER: &str = "page/";

pub fn article(slug: &str) -> String {
    format!("{NEWS}{slug}/")
}

pub fn city(key: &str) -> String {
    format!("{CITIES}{key}/")
}

pub fn city_feed(key: &str) -> String {
    format!("{CITIES}{key}/{SITE_FEED}")
}

pub fn year(year: i32) -> String {
    format!("{ARCHIVE}{year:04}/")
}

pub fn month(year: i32, month: u8) -> String {
    format!("{ARCHIVE}{year:04}/{month:02}/")
}

pub fn topic(slug: &str) -> String {
    format!("{TOPICS}{slug}/")
}

pub fn topic_feed(slug: &str) -> String {
    format!("{TOPICS}{slug}/{SITE_FEED}")
}

/// The page of the articles two cities share: `partnerships/wuxi--xuzhou/`,
/// the keys in the order given (their sorted order, by the model).
pub fn partnership(a: &str, b: &str) -> String {
    format!("{PARTNERSHIPS}{a}{PAIR_JOIN}{b}/")
}

pub fn partnership_feed(a: &str, b: &str) -> String {
    format!("{}{SITE_FEED}", partnership(a, b))
}

/// Between the two keys of a pair: a city key never holds two hyphens in a row.
pub const PAIR_JOIN: &str = "--";

/// Page `number` of a list whose first page is at `base`.
pub fn pager(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}{PAGER}{number}/")
    }
}

/// The file a path is published as, relative to the output folder.
pub fn output_file(path: &str) -> String {
    if is_folder(path) {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// Whether `path` names a folder, published as its `index.html`.
fn is_folder(path: &str) -> bool {
    path.is_empty() || path.ends_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_paths() {
        assert_eq!(pager(HOME, 1), "");
        assert_eq!(pager(HOME, 2), "page/2/");
        assert_eq!(pager(&city("wuxi"), 3), "cities/wuxi/page/3/");
    }

    #[test]
    fn output_files() {
        assert_eq!(output_file(HOME), "index.html");
        assert_eq!(output_file(&article("a")), "news/a/index.html");
        assert_eq!(output_file(SITE_FEED), "atom.xml");
    }

    #[test]
    fn archive_paths_are_zero_padded() {
        assert_eq!(year(987), "archive/0987/");
        assert_eq!(month(2020, 6), "archive/2020/06/");
        assert_eq!(city_feed("xuzhou"), "cities/xuzhou/atom.xml");
        assert_eq!(partnership("wuxi", "xuzhou"), "partnerships/wuxi--xuzhou/");
        assert_eq!(
            partnership_feed("wuxi", "xuzhou"),
            "partnerships/wuxi--xuzhou/atom.xml"
        );
    }
}
