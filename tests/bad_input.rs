//! Every kind of bad input: the build fails with a message that names the
//! file, the line and the fix, and the previous output is left untouched.

mod common;

use common::*;

const GOOD: &str =
    "title = \"Agreement signed\"\ndate = 2020-06-09\ncities = [\"wuxi\", \"xuzhou\"]";

/// A site that built once, so there is previous output to protect.
fn built_site() -> Site {
    let site = Site::new("https://example.org/", 10);
    site.article("news/good.md", GOOD, "Seven parks.\n");
    site.build_ok(&[]);
    site
}

/// Builds, expects failure, and checks that the output folder did not change
/// and that no staging folder was left behind. Returns what the user saw.
fn fails_keeping_output(site: &Site) -> String {
    let before = site.snapshot();
    let output = site.build(&[]);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected failure, got:\n{message}"
    );
    assert_eq!(before, site.snapshot(), "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("concord-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    assert!(message.contains("nothing was written"), "{message}");
    message
}

fn assert_reports(message: &str, expected: &[&str]) {
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
}

#[test]
fn no_front_matter() {
    let site = built_site();
    site.write("content/news/bad.md", "# A heading\n\nText.\n");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the file has no front matter",
            "--> content/news/bad.md:1:1",
            "help: start the file with a `+++` line",
        ],
    );
}

#[test]
fn unterminated_front_matter() {
    let site = built_site();
    site.write(
        "content/news/bad.md",
        "+++\ntitle = \"Open\"\ndate = 2020-01-01\n\nBody text.\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the front matter is never closed",
            "--> content/news/bad.md:1:1",
            "help: add a line with just `+++`",
        ],
    );
}

#[test]
fn invalid_toml_points_at_the_line_of_the_file() {
    let site = built_site();
    site.write(
        "content/news/bad.md",
        "+++\ntitle = \"T\"\ncities = [\"wuxi\"\ndate = 2020-01-01\n+++\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the front matter is not valid TOML",
            "--> content/news/bad.md:4:",
            "help: the front matter takes",
        ],
    );
}

#[test]
fn invalid_toml_in_a_windows_file_points_at_the_line() {
    let site = built_site();
    site.write(
        "content/news/bad.md",
        "+++\r\ntitle = \"Unclosed\r\ndate = 2020-01-01\r\n+++\r\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the front matter is not valid TOML",
            "--> content/news/bad.md:2:",
        ],
    );
}

#[test]
fn missing_title_date_and_cities_are_all_reported() {
    let site = built_site();
    site.write(
        "content/news/bad.md",
        "+++\nsummary = \"Nothing else\"\n+++\nBody.\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "the front matter has no `title`",
            "the front matter has no `date`",
            "the front matter has no `cities`",
            "--> content/news/bad.md:1:1",
            "help: add a line such as `date = 2020-06-09`",
            "could not build the site: 3 errors;",
        ],
    );
}

#[test]
fn a_date_that_is_not_a_date() {
    let site = built_site();
    site.article(
        "news/bad.md",
        "title = \"T\"\ndate = \"last June\"\ncities = [\"wuxi\"]",
        "",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: `last June` is not a date",
            "--> content/news/bad.md:3:8",
            "help: write the date as YYYY-MM-DD",
        ],
    );
}

#[test]
fn an_impossible_date() {
    let site = built_site();
    site.article(
        "news/bad.md",
        "title = \"T\"\ndate = 2021-02-30\ncities = [\"wuxi\"]",
        "",
    );
    let message = fails_keeping_output(&site);
    assert_reports(&message, &["content/news/bad.md:3:"]);
}

#[test]
fn an_undeclared_city_suggests_the_closest_key() {
    let site = built_site();
    site.article(
        "news/bad.md",
        "title = \"T\"\ndate = 2020-01-01\ncities = [\"Xuzou\"]",
        "",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: `Xuzou` is not a declared city",
            "--> content/news/bad.md:4:11",
            "did you mean `xuzhou`?",
        ],
    );
}

#[test]
fn an_ambiguous_city_names_both_keys() {
    let site = built_site();
    site.article(
        "news/bad.md",
        "title = \"T\"\ndate = 2020-01-01\ncities = [\"Taizhou\"]",
        "",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "`Taizhou` could mean more than one city: `taizhou-js` or `taizhou-zj`",
            "--> content/news/bad.md:4:11",
            "help: write the key of the city you mean",
        ],
    );
}

#[test]
fn two_articles_with_one_url_name_both_files() {
    let site = built_site();
    site.article("other/copy.md", GOOD, "Again.\n");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "`news/good.md` and `other/copy.md` would both be published at /news/agreement-signed/",
            "help: give one of them a different title, or set `slug",
        ],
    );
}

#[test]
fn a_file_that_is_not_utf8() {
    let site = built_site();
    let mut bytes =
        b"+++\ntitle = \"T\"\ndate = 2020-01-01\ncities = [\"wuxi\"]\n+++\nCaf".to_vec();
    bytes.extend([0xE9, b'\n']);
    site.write_bytes("content/news/latin1.md", &bytes);
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the file is not UTF-8 text",
            "--> content/news/latin1.md:6:4",
            "help: save the file with UTF-8 encoding",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let site = built_site();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(
        site.root().join("content/news").join(name),
        "+++\ntitle = \"Caf\"\ndate = 2020-01-01\ncities = [\"wuxi\"]\n+++\nBody.\n",
    )
    .unwrap();
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the file's name is not UTF-8 text",
            "content/news/caf\u{FFFD}.md",
            "help: rename the file using UTF-8 characters only",
        ],
    );
    assert!(!message.contains("No such file"), "{message}");
}

#[test]
fn a_template_syntax_error_names_the_template_and_line() {
    let site = built_site();
    site.write("templates/article.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ article.title </h1>\n{% endblock content %}\n");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: template `article.html` cannot be parsed",
            "--> templates/article.html:",
        ],
    );
}

#[test]
fn a_template_that_fails_to_render_names_the_template() {
    let site = built_site();
    site.write("templates/index.html", "{% extends \"base.html\" %}{% block content %}{{ no_such_thing.title }}{% endblock content %}");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: template `index.html` cannot be rendered",
            "templates/index.html",
            "no_such_thing",
        ],
    );
}

#[test]
fn a_missing_variable_in_the_base_template_is_blamed_on_it() {
    let site = built_site();
    let base = concord::render::theme::embedded_template("base.html")
        .unwrap()
        .replace("<main", "{{ site.no_such_setting }}\n<main");
    site.write("templates/base.html", &base);
    let message = fails_keeping_output(&site);
    let line = base
        .lines()
        .position(|l| l.contains("no_such_setting"))
        .unwrap()
        + 1;
    assert_reports(
        &message,
        &[
            "error: template `base.html` cannot be rendered",
            &format!("--> templates/base.html:{line}:"),
            "site.no_such_setting",
        ],
    );
}

#[test]
fn a_slug_too_long_for_a_folder_name() {
    let site = built_site();
    let slug = "wuxi-xuzhou-".repeat(8);
    site.article(
        "news/long.md",
        &format!("{GOOD}\nslug = \"{slug}x\""),
        "Body.\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: the slug is 97 bytes long; the longest a slug may be is 80",
            "--> content/news/long.md:5:",
            "help: shorten it",
        ],
    );
}

#[test]
fn templates_that_include_each_other_are_a_loop_not_a_crash() {
    let site = built_site();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}\n{% include \"part.html\" %}\n{% endblock content %}",
    );
    site.write("templates/part.html", "<p>\n{% include \"404.html\" %}</p>");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: templates include each other in a loop: 404.html → part.html → 404.html",
            "--> templates/404.html:2:",
            "help: remove one of these includes",
        ],
    );
}

#[test]
fn a_macro_that_calls_itself_is_a_loop_not_a_crash() {
    let site = built_site();
    site.write(
        "templates/macros.html",
        &format!(
            "{}\n{{% macro forever(n) %}}{{{{ self::forever(n=n) }}}}{{% endmacro forever %}}",
            concord::render::theme::embedded_template("macros.html").unwrap()
        ),
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: a macro calls itself: macros.html::forever → macros.html::forever",
            "templates/macros.html:",
            "help: Concord refuses recursive macros",
        ],
    );
}

/// Cost grows with the input, not its square: how fast is measured by hand
/// (README), this checks that every problem of a large file is found and placed.
#[test]
fn thousands_of_links_and_unknown_cities_in_one_line() {
    let site = built_site();
    let mut links: Vec<String> = (0..20_000)
        .map(|i| format!("[{i}](/archive/2020/06/)"))
        .collect();
    links.push("[last](/archive/2020/07/)".into());
    site.article(
        "news/links.md",
        "title = \"Links\"\ndate = 2020-06-10\ncities = [\"wuxi\"]",
        &links.join(" "),
    );
    let cities: Vec<String> = (0..2_000).map(|i| format!("\"nowhere{i}\"")).collect();
    site.article(
        "news/cities.md",
        &format!(
            "title = \"Cities\"\ndate = 2020-06-11\ncities = [{}]",
            cities.join(", ")
        ),
        "Body.\n",
    );
    let message = fails_keeping_output(&site);
    assert!(
        message.contains("2,001 errors"),
        "{}",
        &message[message.len() - 300..]
    );
    let last = cities.join(", ");
    let column = "cities = [".len() + last.rfind("\"nowhere1999\"").unwrap() + 1;
    assert_reports(
        &message,
        &[
            "error: `nowhere1999` is not a declared city",
            &format!("--> content/news/cities.md:4:{column}"),
            "there is no page `/archive/2020/07/`",
            "--> content/news/links.md:6:",
        ],
    );
}

#[test]
fn a_script_link_on_a_site_that_escapes_html() {
    let site = built_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[markdown]\nraw_html = \"escape\"\n"),
    );
    site.article(
        "news/script.md",
        "title = \"Script\"\ndate = 2020-06-12\ncities = [\"wuxi\"]",
        "Text.\n\n[click](javascript:alert(1))\n",
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: `javascript:` links are not allowed on this site",
            "--> content/news/script.md:8:1",
            "raw_html = \"escape\"",
        ],
    );
}

#[test]
fn an_unknown_raw_html_setting() {
    let site = built_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[markdown]\nraw_html = \"strip\"\n"),
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "error: `raw_html` is `strip`",
            "config.toml:",
            "raw_html = \"escape\"",
        ],
    );
}

#[test]
fn invalid_config_points_at_its_line() {
    let site = built_site();
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        &config.replace("paginate_by = 10", "paginate_by = \"ten\""),
    );
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &["config.toml is not valid", "--> config.toml:4:"],
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let site = built_site();
    site.write("content/a.md", "no front matter\n");
    site.article(
        "b.md",
        "title = \"B\"\ndate = 2020-01-01\ncities = [\"nowhere\"]",
        "",
    );
    site.article(
        "c.md",
        "title = \"C\"\ndate = \"soon\"\ncities = [\"wuxi\"]",
        "",
    );
    site.write("templates/city.html", "{% if %}");
    let message = fails_keeping_output(&site);
    assert_reports(
        &message,
        &[
            "content/a.md:1:1",
            "content/b.md:4:11",
            "content/c.md:3:8",
            "templates/city.html:1",
            "could not build the site: 4 errors;",
        ],
    );
}

#[test]
fn refuses_an_output_folder_that_would_destroy_the_site() {
    let site = built_site();
    let parent = site.root().parent().unwrap().to_path_buf();
    let cases = [
        (site.root().to_path_buf(), "it is the site folder itself"),
        (parent, "it contains the site folder"),
        (site.root().join("content"), "it is inside `content/`"),
        (site.root().join("content/news"), "it is inside `content/`"),
    ];
    for (output_dir, reason) in cases {
        let before = snapshot(site.root());
        let output = site.build(&["--output", output_dir.to_str().unwrap()]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert_reports(
            &message,
            &[
                "refusing to write the site into",
                reason,
                "help: pass another folder with --output",
            ],
        );
        assert_eq!(
            before,
            snapshot(site.root()),
            "files changed for {}",
            output_dir.display()
        );
    }
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_a_built_site() {
    let site = built_site();
    site.write("notes/todo.txt", "my notes\n");
    let output = site.build(&["--output", site.root().join("notes").to_str().unwrap()]);
    assert_reports(&stderr(&output), &["holds files that are not a built site"]);
    assert_eq!(
        std::fs::read_to_string(site.root().join("notes/todo.txt")).unwrap(),
        "my notes\n"
    );
}

#[test]
fn a_missing_config_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_reports(
        &stderr(&output),
        &[
            "is not a site folder: it has no config.toml",
            "help: run concord in a site folder, or point at one with --root",
        ],
    );
}
