//! The editors' workflow: `check`, `new`, `init`, internal links, and a
//! report with file, line, column and help for every problem.

mod common;

use std::process::{Command, Output};

use common::*;

const GOOD: &str =
    "title = \"Agreement signed\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]";

fn concord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run concord")
}

impl Site {
    fn check(&self, extra: &[&str]) -> Output {
        let root = self.root().to_str().unwrap();
        concord(&[&["check", "--root", root], extra].concat())
    }
}

/// A site whose every city is used, so that it checks clean.
fn clean_site() -> Site {
    let site = Site::new("https://example.org/", 10);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    let first_city = config.find("[cities.").unwrap();
    site.write(
        "config.toml",
        &format!(
            "{}[cities.wuxi]\nname = \"Wuxi\"\nprovince = \"Jiangsu\"\naliases = [\"Wuxi City\"]\n[cities.xuzhou]\nname = \"Xuzhou\"\nprovince = \"Jiangsu\"\naliases = [\"徐州\"]\n",
            &config[..first_city]
        ),
    );
    site.article("news/good.md", GOOD, "Seven parks.\n");
    site
}

fn last_line(output: &Output) -> String {
    stdout(output)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

fn assert_reports(message: &str, expected: &[&str]) {
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
}

/// Checks the site and returns what `check` printed on stderr.
fn checked_with(site: &Site, code: i32) -> String {
    let output = site.check(&[]);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}\n{}",
        stderr(&output),
        stdout(&output)
    );
    stderr(&output)
}

#[test]
fn a_clean_site_checks_clean_and_nothing_is_written() {
    let site = clean_site();
    let output = site.check(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(last_line(&output), "0 errors, 0 warnings in 2 files");
    assert!(!site.output().exists());
}

#[test]
fn warnings_fail_only_with_strict() {
    let site = clean_site();
    site.article(
        "news/todo.md",
        "title = \"Draft text\"\ndate = 2020-06-10\ncities = [\"wuxi\"]",
        "TODO: finish.\n",
    );
    let output = site.check(&[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(last_line(&output), "0 errors, 1 warning in 3 files");
    assert_eq!(site.check(&["--strict"]).status.code(), Some(1));
}

#[test]
fn errors_fail_and_a_folder_that_is_not_a_site_cannot_run() {
    let site = clean_site();
    site.article(
        "news/bad.md",
        "title = \"X\"\ndate = 2020-06-10\ncities = [\"nowhere\"]",
        "Text.\n",
    );
    assert_eq!(site.check(&[]).status.code(), Some(1));
    let empty = tempfile::tempdir().unwrap();
    let output = concord(&["check", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_reports(
        &stderr(&output),
        &["has no config.toml", "help: run concord in a site folder"],
    );
}

#[test]
fn an_unknown_front_matter_key_suggests_the_right_one() {
    let site = clean_site();
    site.article(
        "news/typo.md",
        "title = \"T\"\ndate = 2020-06-10\ncitys = [\"wuxi\"]",
        "Text.\n",
    );
    let report = checked_with(&site, 1);
    assert_reports(
        &report,
        &[
            "error: unknown front-matter field `citys`",
            "--> content/news/typo.md:4:1",
            "help: did you mean `cities`?",
        ],
    );
}

#[test]
fn broken_internal_links_are_errors_with_their_line() {
    let site = clean_site();
    let body = "Intro.\n\nSee [the deal](@/news/god.md), [Lhasa](@city/lhasa)\nand [May](/archive/2020/05/).\n";
    site.article(
        "news/links.md",
        "title = \"Links\"\ndate = 2020-06-10\ncities = [\"wuxi\"]",
        body,
    );
    let report = checked_with(&site, 1);
    assert_reports(
        &report,
        &[
            "error: there is no content file `news/god.md`",
            "--> content/news/links.md:8:5",
            "help: did you mean `@/news/good.md`?",
            "error: there is no city `lhasa`",
            "--> content/news/links.md:8:32",
            "help: use the key of a city declared in config.toml",
            "error: there is no page `/archive/2020/05/` in the site",
            "--> content/news/links.md:9:5",
            "help: link to a page the site has",
        ],
    );
}

#[test]
fn internal_links_resolve_under_a_base_url_with_a_path() {
    let base = "https://example.org/coop/";
    let site = clean_site();
    site.write("static/files/agreement.pdf", "%PDF");
    let body = "See [the deal](@/news/good.md#figures), [Xuzhou](@city/Xuzhou), [June](/archive/2020/06/)\nand [the text](/files/agreement.pdf).\n";
    site.article(
        "news/links.md",
        "title = \"Links\"\ndate = 2020-06-10\ncities = [\"wuxi\"]",
        body,
    );
    site.build_ok(&["--base-url", base]);
    let page = site.page("news/links/index.html");
    let hrefs: Vec<String> = select(&page, ".story-body a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://example.org/coop/news/agreement-signed/#figures",
            "https://example.org/coop/cities/xuzhou/",
            "https://example.org/coop/archive/2020/06/",
            "https://example.org/coop/files/agreement.pdf",
        ]
    );
}

#[test]
fn each_warning_names_its_file_line_and_fix() {
    let site = clean_site();
    let long_title = "Long ".repeat(31).trim().to_string();
    let long_summary = "Words ".repeat(51);
    site.article(
        "news/placeholder.md",
        "title = \"Visit on [Insert Date]\"\ndate = 2023-07-03\ncities = [\"xuzhou\"]",
        "Intro.\n\nIt was TBD. Lorem ipsum.\n",
    );
    site.article(
        "news/future.md",
        "title = \"Next century\"\ndate = 2999-01-01\ncities = [\"wuxi\"]",
        "Text.\n",
    );
    site.article(
        "news/empty.md",
        "title = \"Nothing yet\"\ndate = 2020-06-11\ncities = [\"wuxi\"]",
        "",
    );
    site.article("news/long.md", &format!("title = \"{long_title}\"\ndate = 2020-06-12\ncities = [\"wuxi\"]\nsummary = \"{long_summary}\""), "Text.\n");
    site.article(
        "news/again.md",
        &format!("{GOOD}\nslug = \"again\""),
        "Same title.\n",
    );
    site.write(
        "config.toml",
        &(std::fs::read_to_string(site.root().join("config.toml")).unwrap()
            + "[cities.lhasa]\nname = \"Lhasa\"\nprovince = \"Tibet\"\n"),
    );
    let output = site.check(&[]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_reports(
        &report,
        &[
            "warning: placeholder `[Insert Date]` left in the article",
            "--> content/news/placeholder.md:2:19",
            "warning: placeholder `TBD` left in the article",
            "--> content/news/placeholder.md:8:8",
            "--> content/news/placeholder.md:8:13",
            "help: replace it with the real text before publishing",
            "warning: the date 2999-01-01 is in the future",
            "--> content/news/future.md:3:8",
            "help: check the year and month",
            "warning: the article has no text",
            "--> content/news/empty.md:1:1",
            "help: write the article below the closing `+++`",
            "warning: the title is 154 characters long",
            "--> content/news/long.md:2:9",
            "help: keep titles under 150 characters",
            "warning: the summary is 305 characters long",
            "--> content/news/long.md:5:11",
            "help: keep summaries under 300 characters",
            "warning: the title \"Agreement signed\" is also used by `content/news/good.md`",
            "--> content/news/again.md",
            "help: readers cannot tell the articles apart in lists",
            "warning: no article names the city `lhasa`",
            "--> config.toml:",
            "help: its page will be empty",
        ],
    );
    assert!(
        last_line(&output).starts_with("0 errors, 9 warnings in "),
        "{}",
        last_line(&output)
    );
}

#[test]
fn twenty_problems_are_all_reported_in_one_run() {
    let site = clean_site();
    let fm = |title: &str, rest: &str| format!("title = \"{title}\"\ndate = 2020-06-10\n{rest}");
    let problems: [(&str, String, &str); 20] = [
        ("e01.md", "no front matter".into(), ""),
        ("e02.md", "+++\ntitle = \"open\"\n".into(), ""),
        ("e03.md", "+++\ntitle = = 1\n+++\n".into(), ""),
        (
            "e04.md",
            "+++\ndate = 2020-01-01\ncities = [\"wuxi\"]\n+++\nx\n".into(),
            "",
        ),
        ("e05.md", format!("+++\n{}\n+++\nx\n", fm("E5", "")), ""),
        (
            "e06.md",
            format!("+++\n{}\n+++\nx\n", "title = \"E6\"\ncities = [\"wuxi\"]"),
            "",
        ),
        (
            "e07.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("E7", "cities = [\"Taizhou\"]").replace("2020-06-10", "\"soon\"")
            ),
            "",
        ),
        (
            "e08.md",
            format!("+++\n{}\n+++\nx\n", fm("E8", "cities = [\"wuxy\"]")),
            "",
        ),
        (
            "e09.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("E9", "cities = [\"wuxi\"]\ncitys = []")
            ),
            "",
        ),
        (
            "e10.md",
            format!(
                "+++\n{}\n+++\n[x](@/none.md)\n",
                fm("E10", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "e11.md",
            format!(
                "+++\n{}\n+++\n[x](@city/none)\n",
                fm("E11", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "e12.md",
            format!(
                "+++\n{}\n+++\n[x](/none/)\n",
                fm("E12", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "e13.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("E13", "cities = [\"wuxi\"]\nslug = \"Bad Slug\"")
            ),
            "",
        ),
        (
            "e14.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("Agreement signed", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "w15.md",
            format!("+++\n{}\n+++\nTODO\n", fm("W15", "cities = [\"wuxi\"]")),
            "",
        ),
        (
            "w16.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("W16 [insert name]", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "w17.md",
            format!("+++\n{}\n+++\n", fm("W17", "cities = [\"wuxi\"]")),
            "",
        ),
        (
            "w18.md",
            format!(
                "+++\n{}\n+++\nx\n",
                fm("W18", "cities = [\"wuxi\"]").replace("2020-06-10", "2999-06-10")
            ),
            "",
        ),
        (
            "w19.md",
            format!(
                "+++\n{}\n+++\nlorem ipsum\n",
                fm("W19", "cities = [\"wuxi\"]")
            ),
            "",
        ),
        (
            "w20.md",
            format!("+++\n{}\n+++\nXXX\n", fm("W20", "cities = [\"wuxi\"]")),
            "",
        ),
    ];
    for (file, text, _) in &problems {
        site.write(&format!("content/{file}"), text);
    }
    let output = site.check(&[]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    for (file, _, _) in &problems {
        assert!(
            report.contains(&format!("content/{file}")) || report.contains(&format!("`{file}`")),
            "nothing reported for {file}:\n{report}"
        );
    }
    let reported = report
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .count();
    assert!(reported >= 20, "{reported} problems reported:\n{report}");
    assert!(
        last_line(&output).ends_with("in 22 files"),
        "{}",
        last_line(&output)
    );
}

#[test]
fn new_creates_an_article_that_builds() {
    let site = clean_site();
    let root = site.root().to_str().unwrap();
    let output = concord(&[
        "new",
        "Wuxi teachers arrive in Xuzhou",
        "--cities",
        "Wuxi City,徐州",
        "--topics",
        "education",
        "--date",
        "2021-09-01",
        "--root",
        root,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = stdout(&output).trim().to_string();
    assert!(
        path.ends_with("content/news/wuxi-teachers-arrive-in-xuzhou.md"),
        "{path}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_reports(
        &text,
        &[
            "title = \"Wuxi teachers arrive in Xuzhou\"",
            "date = 2021-09-01",
            "cities = [\"wuxi\", \"xuzhou\"]",
            "topics = [\"education\"]",
        ],
    );
    site.build_ok(&[]);
    assert_eq!(
        list_titles(&site, "https://example.org/", "archive/2021/09/"),
        ["Wuxi teachers arrive in Xuzhou"]
    );

    let again = concord(&[
        "new",
        "Wuxi teachers arrive in Xuzhou",
        "--cities",
        "wuxi",
        "--root",
        root,
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert_reports(&stderr(&again), &["already exists"]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the existing article was changed"
    );
}

#[test]
fn new_checks_cities_and_dates() {
    let site = clean_site();
    let root = site.root().to_str().unwrap();
    let output = concord(&["new", "T", "--cities", "wuxy", "--root", root]);
    assert_eq!(output.status.code(), Some(1));
    assert_reports(
        &stderr(&output),
        &["`wuxy` is not a declared city; did you mean `wuxi`?"],
    );
    let output = concord(&[
        "new",
        "T",
        "--cities",
        "wuxi",
        "--date",
        "2021-02-30",
        "--root",
        root,
    ]);
    assert_reports(&stderr(&output), &["`2021-02-30` is not a date"]);
    assert!(!site.root().join("content/news/t.md").exists());
}

#[test]
fn init_creates_a_site_that_builds_and_refuses_a_full_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("new-site");
    let output = concord(&["init", site_dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    for part in ["config.toml", "content", "templates/README.md", "static"] {
        assert!(site_dir.join(part).exists(), "{part} missing");
    }
    let checked = concord(&["check", "--root", site_dir.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let built = concord(&["build", "--root", site_dir.to_str().unwrap()]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(site_dir.join("public/index.html").is_file());
    let cache = std::fs::read_dir(site_dir.join(".concord/cache")).unwrap();
    let mut names: Vec<String> = cache
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() == 2 && names[0] == "articles" && names[1].starts_with("pages-"),
        "the build keeps its article and page caches: {names:?}"
    );
    let ignored = std::fs::read_to_string(site_dir.join(".gitignore")).unwrap();
    assert!(
        ignored.contains("/public/")
            && ignored.contains("/.public.concord-*")
            && ignored.contains("/.concord/"),
        "{ignored}"
    );

    let config_before = std::fs::read(site_dir.join("config.toml")).unwrap();
    let again = concord(&["init", site_dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert_reports(&stderr(&again), &["is not empty"]);
    assert_eq!(
        std::fs::read(site_dir.join("config.toml")).unwrap(),
        config_before
    );
}

#[test]
fn a_file_that_fails_does_not_make_its_cities_look_unused() {
    let site = clean_site();
    site.article(
        "news/good.md",
        &GOOD.replace(", \"xuzhou\"", ""),
        "Seven parks.\n",
    );
    site.article(
        "news/typo.md",
        "title = \"Doctors sent\"\ndate = 2020-06-12\ncities = [\"xuzhou\", \"Kunmng\"]",
        "Text.\n",
    );
    let message = checked_with(&site, 1);
    assert_reports(&message, &["error: `Kunmng` is not a declared city"]);
    assert!(
        !message.contains("no article names the city"),
        "no warning on evidence from a file that failed:\n{message}"
    );
}

/// Runs the real binary in `dir`.
fn concord_in(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run concord")
}

#[test]
fn commands_find_the_site_from_a_folder_inside_it() {
    let site = clean_site();
    let inside = site.root().join("content/news");
    let built = concord_in(&inside, &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let site_path = site.root().canonicalize().unwrap();
    assert!(
        stderr(&built).contains(&format!("note: using the site in {}", site_path.display())),
        "{}",
        stderr(&built)
    );
    assert!(site.root().join("public/index.html").is_file());
    assert!(!inside.join("public").exists());
    let checked = concord_in(&inside, &["check"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let new = concord_in(&inside, &["new", "Teachers arrive", "--cities", "xuzhou"]);
    assert!(new.status.success(), "{}", stderr(&new));
    assert!(site
        .root()
        .join("content/news/teachers-arrive.md")
        .is_file());
}

#[test]
fn every_command_outside_a_site_says_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["build"][..],
        &["check"],
        &["serve", "--port", "0"],
        &["new", "A title", "--cities", "xuzhou"],
    ] {
        let output = concord_in(dir.path(), args);
        assert!(!output.status.success(), "{args:?}");
        assert_reports(
            &stderr(&output),
            &[
                "error: `.` is not a site folder: it has no config.toml, and neither has any folder above it",
                "help: run concord in a site folder, or point at one with --root",
            ],
        );
    }
}

#[test]
fn a_placeholder_for_a_date_is_named_at_once() {
    let site = clean_site();
    site.write(
        "content/news/draft.md",
        "+++\ntitle = \"Delegation visits\"\ndate = [Insert Date]\ncities = [\"wuxi\"]\n+++\nText.\n",
    );
    let message = checked_with(&site, 1);
    assert_reports(
        &message,
        &[
            "error: `[Insert Date]` is a placeholder, not a value",
            "--> content/news/draft.md:3:8",
            "help: write the date without quotes, like `date = 2020-06-09`",
        ],
    );
    assert!(
        !message.contains("string values must be quoted"),
        "{message}"
    );
    site.write(
        "content/news/draft.md",
        "+++\ntitle = \"Delegation visits\"\ndate = \"[Insert Date]\"\ncities = [\"wuxi\"]\n+++\nText.\n",
    );
    let message = checked_with(&site, 1);
    assert_reports(
        &message,
        &[
            "error: `[Insert Date]` is a placeholder, not a date",
            "--> content/news/draft.md:3:8",
        ],
    );
}

#[test]
fn new_writes_drafts_with_a_chosen_slug() {
    let site = clean_site();
    let root = site.root().to_str().unwrap();
    let made = concord(&[
        "new",
        "Teachers arrive in Xuzhou",
        "--cities",
        "xuzhou",
        "--draft",
        "--slug",
        "teachers-2024",
        "--root",
        root,
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let text = std::fs::read_to_string(site.root().join("content/news/teachers-2024.md")).unwrap();
    assert!(
        text.contains("slug = \"teachers-2024\"\ndraft = true\n"),
        "{text}"
    );
    let refused = concord(&[
        "new",
        "X",
        "--cities",
        "xuzhou",
        "--slug",
        "Not A Slug",
        "--root",
        root,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert_reports(
        &stderr(&refused),
        &["`Not A Slug` cannot be a slug", "--slug not-a-slug"],
    );
}

#[test]
fn a_draft_is_warned_about_only_when_drafts_are_built() {
    let site = clean_site();
    site.article(
        "news/later.md",
        "title = \"Later\"\ndate = 2020-06-12\ncities = [\"wuxi\"]\ndraft = true",
        "Signed on [Insert Date].\n",
    );
    let quiet = checked_with(&site, 0);
    assert!(!quiet.contains("placeholder"), "{quiet}");
    let with_drafts = site.check(&["--drafts"]);
    assert_reports(
        &stderr(&with_drafts),
        &["warning: placeholder `[Insert Date]` left in the article"],
    );
}

#[test]
fn theme_eject_writes_the_built_in_files_and_never_overwrites() {
    let site = clean_site();
    let root = site.root().to_str().unwrap();
    let one = concord(&["theme", "eject", "article.html", "--root", root]);
    assert!(one.status.success(), "{}", stderr(&one));
    let article = std::fs::read_to_string(site.root().join("templates/article.html")).unwrap();
    assert_eq!(
        article,
        concord::render::theme::embedded_template("article.html").unwrap()
    );
    site.write("templates/article.html", "{% extends \"base.html\" %}");
    let all = concord(&["theme", "eject", "--root", root]);
    assert!(all.status.success(), "{}", stderr(&all));
    assert!(stdout(&all).contains("kept"), "{}", stdout(&all));
    assert_eq!(
        std::fs::read_to_string(site.root().join("templates/article.html")).unwrap(),
        "{% extends \"base.html\" %}",
        "an edited template is never overwritten"
    );
    for name in ["base.html", "macros.html", "404.html", "month.html"] {
        assert!(site.root().join("templates").join(name).is_file(), "{name}");
    }
    assert!(site.root().join("static/style.css").is_file());
    let unknown = concord(&["theme", "eject", "sidebar.html", "--root", root]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_reports(
        &stderr(&unknown),
        &[
            "`sidebar.html` is not a file of the built-in theme",
            "base.html",
        ],
    );
    let checked = site.check(&[]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
}
