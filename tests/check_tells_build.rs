//! `check` tells the truth about `build`: for generated sites with titles,
//! slugs and topics in any script and of any length, a check without
//! errors means the build succeeds.

mod common;

use common::*;
use proptest::prelude::*;

fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ,.'-]{1,300}",
        "[\u{4e00}-\u{9fa5}，。、]{20,120}",
        "\\PC{0,120}",
    ]
}

fn slug() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        "[a-z0-9-]{1,120}".prop_map(Some),
        "\\PC{1,30}".prop_map(Some),
    ]
}

/// A TOML basic string holding `text`.
fn quoted(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c if c.is_control() => format!("\\u{:04X}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_clean_check_means_a_good_build(
        articles in proptest::collection::vec((title(), slug(), title()), 1..6)
    ) {
        let site = Site::new("https://example.org/", 10);
        for (i, (title, slug, topic)) in articles.iter().enumerate() {
            let slug = slug.as_ref().map_or(String::new(), |s| format!("slug = {}\n", quoted(s)));
            site.write(
                &format!("content/news/a{i}.md"),
                &format!(
                    "+++\ntitle = {}\ndate = 2020-06-0{}\ncities = [\"wuxi\"]\ntopics = [{}]\n{slug}+++\nBody.\n",
                    quoted(title),
                    1 + i,
                    quoted(topic)
                ),
            );
        }
        let options = concord::SiteOptions {
            root: site.root().to_path_buf(),
            base_url: None,
            include_drafts: false,
        };
        let findings = concord::check(&options).unwrap();
        if findings.problems.error_count() == 0 {
            let output = site.build(&[]);
            prop_assert!(
                output.status.success(),
                "check found no error, build failed:\n{}",
                stderr(&output)
            );
        }
    }
}
