//! Any text as a content file: splitting the front matter, parsing its TOML,
//! checking every field and locating every problem must never panic.
#![no_main]

use concord::content::parse_article;
use concord::model::{City, CityRegistry};
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cities = CityRegistry::new(vec![
        City { key: "wuxi".into(), name: "Wuxi".into(), province: "Jiangsu".into(), aliases: vec!["无锡".into()] },
        City { key: "taizhou-js".into(), name: "Taizhou".into(), province: "Jiangsu".into(), aliases: vec![] },
        City { key: "taizhou-zj".into(), name: "Taizhou".into(), province: "Zhejiang".into(), aliases: vec![] },
    ]);
    let today = Date::from_calendar_date(2026, Month::November, 21).expect("a real date");
    let (parsed, problems) = parse_article("news/fuzz.md", text, &cities, today);
    assert_eq!(parsed.is_some(), problems.error_count() == 0);
    for problem in problems.iter() {
        let _ = problem.render(false);
    }
});
