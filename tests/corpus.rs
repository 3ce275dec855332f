//! A generated site of a few hundred articles over dozens of cities and
//! fifteen years, checked against indexes computed here independently.

mod common;

use std::collections::BTreeMap;

use common::*;

const BASE: &str = "https://example.org/news-desk/";
const PROVINCES: [&str; 6] = [
    "Jiangsu",
    "Qinghai",
    "Zhejiang",
    "Guangdong",
    "Xinjiang",
    "Tibet",
];

/// A small deterministic generator, so that the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Generated {
    title: String,
    /// Sort key as written: date, then time ("" when none).
    when: (String, String),
    cities: Vec<usize>,
    draft: bool,
}

fn city_config(count: usize) -> String {
    (0..count)
        .map(|i| {
            let province = PROVINCES[i % PROVINCES.len()];
            format!("[cities.city-{i}]\nname = \"City {i}\"\nprovince = \"{province}\"\naliases = [\"Alias {i}\"]\n")
        })
        .collect()
}

fn generate(site: &Site, articles: usize, cities: usize) -> Vec<Generated> {
    let mut rng = Rng(0x5EED_C0C0);
    let mut generated = Vec::new();
    for i in 0..articles {
        let year = 2010 + rng.below(15);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(3);
        let date = format!("{year}-{month:02}-{day:02}");
        let time = if rng.below(4) == 0 {
            "10:00:00".to_string()
        } else {
            String::new()
        };
        let mut picked: Vec<usize> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let city = rng.below(cities as u64) as usize;
            if !picked.contains(&city) {
                picked.push(city);
            }
        }
        let references: Vec<String> = picked
            .iter()
            .map(|c| match rng.below(3) {
                0 => format!("\"city-{c}\""),
                1 => format!("\"CITY {c}\""),
                _ => format!("\"alias {c}\""),
            })
            .collect();
        let draft = rng.below(20) == 0;
        let title = format!("Report {:03} on cooperation", rng.below(1000));
        let written_date = if time.is_empty() {
            date.clone()
        } else {
            format!("{date}T{time}+08:00")
        };
        let front_matter = format!(
            "title = \"{title}\"\ndate = {written_date}\ncities = [{}]\ndraft = {draft}\nslug = \"report-{i}\"",
            references.join(", ")
        );
        site.article(
            &format!("{year}/{month:02}/report-{i}.md"),
            &front_matter,
            &format!("Body of report {i}.\n"),
        );
        generated.push(Generated {
            title,
            when: (date, time),
            cities: picked,
            draft,
        });
    }
    generated
}

/// Titles newest first, ties by title: the order every list must have.
fn expected(mut items: Vec<&Generated>) -> Vec<String> {
    items.sort_by(|a, b| b.when.cmp(&a.when).then_with(|| a.title.cmp(&b.title)));
    items.into_iter().map(|g| g.title.clone()).collect()
}

#[test]
fn a_generated_site_builds_correct_city_and_month_indexes() {
    let city_count = 36;
    let site = Site::new(BASE, 7);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let config = config.split("[cities.").next().unwrap().to_string();
    site.write(
        "config.toml",
        &format!("{config}\n{}", city_config(city_count)),
    );
    let generated = generate(&site, 400, city_count);
    site.build_ok(&[]);

    let published: Vec<&Generated> = generated.iter().filter(|g| !g.draft).collect();
    for city in 0..city_count {
        let items = published
            .iter()
            .copied()
            .filter(|g| g.cities.contains(&city))
            .collect();
        let listed = list_titles(&site, BASE, &format!("cities/city-{city}/"));
        assert_eq!(listed, expected(items), "city-{city}");
    }

    let mut months: BTreeMap<String, Vec<&Generated>> = BTreeMap::new();
    for g in &published {
        months
            .entry(g.when.0[..7].replace('-', "/"))
            .or_default()
            .push(g);
    }
    assert!(months.len() > 100, "the corpus should cover many months");
    for (month, items) in months {
        let listed = list_titles(&site, BASE, &format!("archive/{month}/"));
        assert_eq!(listed, expected(items), "{month}");
    }

    assert_eq!(list_titles(&site, BASE, ""), expected(published.clone()));
    check_pairs(&site, &published);
    let archive = site.page("archive/index.html");
    let years: Vec<String> = select(&archive, ".archive-year h2 a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        years,
        (2010..2025)
            .rev()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
    );
}

/// Every pair page lists exactly the articles naming both cities, and a
/// pair page exists for every pair that shares one and for no other.
fn check_pairs(site: &Site, published: &[&Generated]) {
    let mut pairs: BTreeMap<String, Vec<&Generated>> = BTreeMap::new();
    for g in published {
        for (i, a) in g.cities.iter().enumerate() {
            for b in &g.cities[i + 1..] {
                let mut keys = [format!("city-{a}"), format!("city-{b}")];
                keys.sort();
                pairs.entry(keys.join("--")).or_default().push(g);
            }
        }
    }
    assert!(pairs.len() > 100, "the corpus should have many pairs");
    let folders: Vec<String> = std::fs::read_dir(site.output().join("partnerships"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut folders = folders;
    folders.sort();
    assert_eq!(folders, pairs.keys().cloned().collect::<Vec<_>>());
    for (pair, items) in pairs {
        let listed = list_titles(site, BASE, &format!("partnerships/{pair}/"));
        assert_eq!(listed, expected(items), "{pair}");
        let feed = site.read(&format!("partnerships/{pair}/atom.xml"));
        roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{pair}: {e}"));
    }
    let index = site.page("partnerships/index.html");
    let counts: Vec<usize> = select(&index, ".pairs .pair-meta")
        .iter()
        .map(|meta| {
            let text = text(meta);
            let words: Vec<&str> = text.split_whitespace().collect();
            let at = words.iter().position(|w| w.starts_with("article")).unwrap();
            words[at - 1].parse().unwrap()
        })
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most active first: {counts:?}"
    );
}
