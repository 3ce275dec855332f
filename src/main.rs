//! The `concord` command line: parses arguments, runs the library, reports.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use concord::deploy::plan::{Change, Summary};
use concord::deploy::{DeployError, DeployEvent, DeployOptions};
use concord::diagnostics::{count, Diagnostics, Severity};
use concord::import::{ImportOptions, Imported, Note, Release};
use concord::layout::OUTPUT_DIR;
use concord::pipeline::{self, Findings, SiteDir};
use concord::scaffold::{self, NewArticle};
use concord::serve::preview::RebuildReport;
use concord::serve::{Event, ServeError, ServeOptions};
use concord::{BuildEvent, BuildOptions, BuildReport, Error, Reused, SiteOptions};

// With the system allocator, threads rendering thousands of pages into a
// large heap spent half their time in malloc, and the cost per page grew
// with the size of the site; mimalloc keeps it flat.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc asks for transparent huge pages and, when it hands memory back,
/// gives it up in 2 MiB pieces that the kernel zeroes whole again on the
/// next touch. A deploy of 10,000 articles with search spent 2.6 s of
/// system time on that (17,000 faults), 1.3 s without huge pages, and a
/// build 1.75 s against 1.26 s; its peak memory fell from 1.49 to 1.25 GiB.
#[cfg(target_os = "linux")]
fn refuse_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn refuse_huge_pages() {}

#[derive(Parser)]
#[command(
    name = "concord",
    version,
    about = "Build a cooperation-news website from Markdown files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: <root>/public]
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Fail at once if another build is writing to the output folder, instead of waiting
        #[arg(long)]
        no_wait: bool,
        /// Read every content file and render every page, instead of only those that changed since the last build
        #[arg(long)]
        no_cache: bool,
    },
    /// Report every problem in the site without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site locally, rebuilding and reloading on every change
    Serve {
        /// The site folder, holding config.toml [default: this folder or the nearest above it with one]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The address to listen on; anything but loopback is reachable from your network
        #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
        bind: IpAddr,
        /// The port to listen on; 0 picks a free one
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include articles marked `draft = true`
        #[arg(long)]
        drafts: bool,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Also answer to this host name (the preview refuses unknown names, against DNS rebinding)
        #[arg(long, value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Build the site and publish what changed to a target of config.toml's [deploy]
    Deploy {
        #[command(flatten)]
        site: SiteArgs,
        /// Which [[deploy.targets]] by name [default: the first]
        #[arg(long, value_name = "NAME")]
        target: Option<String>,
        /// Print what would be uploaded and deleted, and change nothing
        #[arg(long)]
        dry_run: bool,
        /// Upload every file, changed or not
        #[arg(long)]
        force: bool,
        /// Delete at most this many files from the target, else delete none [default: [deploy] max_deletes, or 256]
        #[arg(long, value_name = "N")]
        max_deletes: Option<usize>,
    },
    /// Turn press releases (plain text or Markdown) into articles in content/news/
    Import {
        /// The files to import; - reads standard input
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The site folder [default: this folder or the nearest above it with a config.toml]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Write the articles into this folder instead of <root>/content/news
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// The date of the articles, YYYY-MM-DD, instead of the first date in each text
        #[arg(long)]
        date: Option<String>,
        /// Print what would be written, and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Create a new article in content/news/
    New {
        /// The headline, in quotes
        title: String,
        /// The cities it is about, by key, name or alias: --cities wuxi,xuzhou
        #[arg(long, value_delimiter = ',', required = true)]
        cities: Vec<String>,
        /// Topics: --topics "industrial parks,education"
        #[arg(long, value_delimiter = ',')]
        topics: Vec<String>,
        /// The date, YYYY-MM-DD [default: today]
        #[arg(long)]
        date: Option<String>,
        /// The last part of its URL, kept when the title changes [default: from the title]
        #[arg(long)]
        slug: Option<String>,
        /// Mark it `draft = true`: left out of the site until published
        #[arg(long)]
        draft: bool,
        /// Its language, when not the site's default: --lang en
        #[arg(long)]
        lang: Option<String>,
        /// The key it shares with its translations: --translation wuxi-xuzhou-2020
        #[arg(long)]
        translation: Option<String>,
        /// The site folder [default: this folder or the nearest above it with a config.toml]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Work with the built-in theme
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Create a new site that builds at once
    Init {
        /// A new or empty folder
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Write the built-in templates and stylesheet into the site for editing; never overwrites
    Eject {
        /// Which files, like article.html or style.css [default: all]
        names: Vec<String>,
        /// The site folder [default: this folder or the nearest above it with a config.toml]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding config.toml [default: this folder or the nearest above it with one]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Publish under this address instead of config.toml's base_url
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include articles marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn into_options(self, root: PathBuf) -> SiteOptions {
        SiteOptions {
            root,
            base_url: self.base_url,
            include_drafts: self.drafts,
        }
    }
}

/// The site folder a command works on (see `SiteDir::find`); says which
/// when it was found above the current folder. On failure, reports it.
fn site_root(given: Option<&Path>) -> Option<PathBuf> {
    match SiteDir::find(given) {
        Ok(site) => {
            if given.is_none() && site.root() != Path::new(".") {
                eprintln!("note: using the site in {}", site.root().display());
            }
            Some(site.root().to_path_buf())
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{NOT_A_SITE_HELP}");
            None
        }
    }
}

const NOT_A_SITE_HELP: &str = "help: run concord in a site folder, or point at one with --root";

/// The exit code when a command could not run at all.
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    refuse_huge_pages();
    match Cli::parse().command {
        Command::Build {
            site,
            output,
            no_wait,
            no_cache,
        } => match site_root(site.root.as_deref()) {
            Some(root) => build(site.into_options(root), output, !no_wait, !no_cache),
            None => ExitCode::FAILURE,
        },
        Command::Check { site, strict } => match site_root(site.root.as_deref()) {
            Some(root) => check(site.into_options(root), strict),
            None => ExitCode::from(CANNOT_RUN),
        },
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            open,
            allow_host,
        } => match site_root(root.as_deref()) {
            Some(root) => serve(ServeOptions {
                root,
                bind,
                port,
                include_drafts: drafts,
                open,
                allow_hosts: allow_host,
            }),
            None => ExitCode::FAILURE,
        },
        Command::Deploy {
            site,
            target,
            dry_run,
            force,
            max_deletes,
        } => match site_root(site.root.as_deref()) {
            Some(root) => deploy(DeployOptions {
                site: site.into_options(root),
                target,
                dry_run,
                force,
                max_deletes,
            }),
            None => ExitCode::FAILURE,
        },
        Command::Import {
            files,
            root,
            into,
            date,
            dry_run,
        } => {
            let Some(root) = site_root(root.as_deref()) else {
                return ExitCode::FAILURE;
            };
            let date = match date.as_deref().map(scaffold::parse_date).transpose() {
                Ok(date) => date,
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let options = ImportOptions {
                root,
                into,
                date,
                dry_run,
                today: pipeline::today(),
            };
            import(&files, &options)
        }
        Command::New {
            title,
            cities,
            topics,
            date,
            slug,
            draft,
            lang,
            translation,
            root,
        } => {
            let request = NewArticle {
                title,
                cities,
                topics,
                date,
                slug,
                draft,
                lang,
                translation,
            };
            let Some(root) = site_root(root.as_deref()) else {
                return ExitCode::FAILURE;
            };
            finish(
                scaffold::new_article(&root, &request, pipeline::today())
                    .map(|path| println!("{}", path.display())),
            )
        }
        Command::Theme {
            action: ThemeAction::Eject { names, root },
        } => {
            let Some(root) = site_root(root.as_deref()) else {
                return ExitCode::FAILURE;
            };
            finish(scaffold::eject_theme(&root, &names).map(|ejected| {
                for file in ejected {
                    if file.written {
                        println!("wrote {}", file.path.display());
                    } else {
                        println!(
                            "kept {}: it exists (delete it to get the built-in one)",
                            file.path.display()
                        );
                    }
                }
            }))
        }
        Command::Init { dir } => finish(scaffold::init_site(&dir).map(|()| {
            println!(
                "Created a site in {}. Build it with: concord build --root {}",
                dir.display(),
                dir.display()
            );
        })),
    }
}

fn finish(result: Result<(), scaffold::ScaffoldError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(scaffold::ScaffoldError::Config(problems)) => {
            print_reports(&problems);
            eprintln!("error: config.toml has problems; fix them first");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve(options: ServeOptions) -> ExitCode {
    let color = use_color();
    let report = Arc::new(move |event: Event<'_>| print_event(&event, color));
    match concord::serve::serve(&options, report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let ServeError::Site(Error::NotASite { .. }) = error {
                eprintln!("{NOT_A_SITE_HELP}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The preview's terminal: every problem at start; then only errors, so
/// that every save does not repeat the warnings.
fn print_event(event: &Event<'_>, color: bool) {
    match event {
        Event::Exposed { bind } => eprintln!("warning: serving on {bind}, so anyone on your network can read the preview; use --bind 127.0.0.1 to keep it to this computer"),
        Event::Serving { url, files, elapsed, problems } => {
            print_problems(problems, color, true);
            println!(
                "Serving {} at {url} (built in {} ms). Press Ctrl-C to stop.",
                count(*files, "file"),
                elapsed.as_millis()
            );
        }
        Event::Rebuilt { report, problems } => {
            print_problems(problems, color, false);
            match problems.error_count() {
                0 => println!("{}", describe(report)),
                errors => eprintln!(
                    "error: could not rebuild: {}; still serving the last good site",
                    count(errors, "error")
                ),
            }
        }
        Event::FolderChanged(change) if change.present => {
            println!("watching {}/ anew (it appeared or was replaced)", change.folder)
        }
        Event::FolderChanged(change) => {
            println!("{}/ is gone; watching for it to come back", change.folder)
        }
        Event::RebuildPanicked => eprintln!("error: the rebuild stopped on a bug in Concord (please report it); still serving the last good site"),
        Event::SearchIndexed { files, elapsed } => println!("Search index ready ({files} files, {} ms).", elapsed.as_millis()),
        Event::SearchFailed(problem) => eprintln!("{}", problem.render(color)),
        Event::BrowserNotOpened { url } => eprintln!("note: could not open a browser; open {url} yourself"),
        Event::Stopped => println!("Stopped."),
    }
}

fn describe(report: &RebuildReport) -> String {
    let removed = match report.removed {
        0 => String::new(),
        n => format!(", removed {}", count(n, "file")),
    };
    format!(
        "rebuilt {}{removed} in {} ms",
        count(report.rendered, "page"),
        report.elapsed.as_millis()
    )
}

fn build(site: SiteOptions, output: Option<PathBuf>, wait: bool, cache: bool) -> ExitCode {
    let output = output.unwrap_or_else(|| site.root.join(OUTPUT_DIR));
    let options = BuildOptions {
        site,
        output,
        wait,
        cache,
    };
    let waiting = |event: BuildEvent| match event {
        BuildEvent::Waiting { holder } => {
            let who = holder.map_or("another build".into(), |pid| {
                format!("another build (process {pid})")
            });
            eprintln!("waiting for {who} to finish writing to the output folder…");
        }
    };
    match concord::build(&options, &waiting) {
        Ok(report) => {
            print_reports(&report.warnings);
            println!("{}", summary(&report));
            ExitCode::SUCCESS
        }
        Err(Error::Site(Findings { problems, .. })) => {
            print_reports(&problems);
            eprintln!("error: could not build the site: {}; nothing was written and the output folder is as it was", count(problems.error_count(), "error"));
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: could not build the site: {error}");
            match error {
                Error::Output(concord::output::OutputError::Unsafe { .. }) => {
                    eprintln!("help: pass another folder with --output")
                }
                Error::Output(concord::output::OutputError::Busy { .. }) => {
                    eprintln!(
                        "help: wait for it to finish, or run without --no-wait to wait for it"
                    )
                }
                Error::NotASite { .. } => eprintln!("{NOT_A_SITE_HELP}"),
                _ => {}
            }
            ExitCode::FAILURE
        }
    }
}

fn deploy(options: DeployOptions) -> ExitCode {
    let progress = ProgressBar::new(std::io::stderr().is_terminal());
    let events = |event: DeployEvent<'_>| match event {
        DeployEvent::Planned { target, plan } => {
            println!(
                "Deploying to {} ({}): {}",
                target.name,
                target.url,
                describe_plan(&plan.summary())
            );
            if options.dry_run {
                for upload in &plan.uploads {
                    let change = match upload.change {
                        Change::New => "new",
                        Change::Changed => "changed",
                    };
                    println!("  {change:<8} {}", upload.file.path);
                }
                for path in &plan.deletes {
                    println!("  {:<8} {path}", "delete");
                }
                for path in &plan.left_alone {
                    println!("  {:<8} {path}", "leave");
                }
            }
        }
        DeployEvent::Uploaded(done) => progress.show(done),
    };
    let result = concord::deploy::deploy(&options, &events);
    progress.finish();
    match result {
        Ok(report) => {
            print_reports(&report.warnings);
            if report.skipped_deletes > 0 {
                eprintln!(
                    "warning: deleted nothing: the site no longer has {}, more than the {} a deploy may delete; the old files stay on the target",
                    count(report.skipped_deletes, "file"),
                    report.max_deletes
                );
                eprintln!("help: check that this is the right site and target; if so, run again with --max-deletes {}", report.skipped_deletes);
            }
            if !report.left_alone.is_empty() {
                eprintln!(
                    "note: left {} on the target that the site lacks, as Concord did not store them or they were changed since: {}",
                    count(report.left_alone.len(), "file"),
                    first_few(&report.left_alone)
                );
                eprintln!("help: if the site no longer needs them, delete them with the storage service's own tools");
            }
            let verb = if report.dry_run {
                "Would deploy"
            } else {
                "Deployed"
            };
            println!(
                "{verb} to {} in {} ms: {}",
                report.target.name,
                report.elapsed.as_millis(),
                describe_plan(&report.summary)
            );
            ExitCode::SUCCESS
        }
        Err(DeployError::Site(Error::Site(Findings { problems, .. }))) => {
            print_reports(&problems);
            eprintln!(
                "error: could not build the site: {}; nothing was deployed",
                count(problems.error_count(), "error")
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            if let DeployError::Stopped {
                not_uploaded, more, ..
            } = &error
            {
                eprintln!("not uploaded: {}", and_more(not_uploaded, *more));
            }
            if let Some(help) = error.help() {
                eprintln!("help: {help}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The first few of `paths`, and how many more.
fn first_few(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown = &paths[..paths.len().min(SHOWN)];
    and_more(shown, paths.len() - shown.len())
}

/// `shown`, and `more` besides when there are.
fn and_more(shown: &[String], more: usize) -> String {
    match more {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn describe_plan(summary: &Summary) -> String {
    format!(
        "{} new, {} changed, {} deleted, {} unchanged ({})",
        summary.new,
        summary.changed,
        summary.deleted,
        summary.unchanged,
        megabytes(summary.bytes)
    )
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// One line on a terminal, redrawn as uploads finish; nothing elsewhere.
struct ProgressBar {
    on: bool,
    drawn: std::cell::Cell<bool>,
}

impl ProgressBar {
    fn new(on: bool) -> ProgressBar {
        ProgressBar {
            on,
            drawn: std::cell::Cell::new(false),
        }
    }

    fn show(&self, done: concord::deploy::Progress) {
        if !self.on {
            return;
        }
        const WIDTH: usize = 30;
        let filled = (done.bytes * WIDTH as u64)
            .checked_div(done.total_bytes)
            .unwrap_or(WIDTH as u64) as usize;
        eprint!(
            "\r[{}{}] {}/{} files, {} of {}",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled.min(WIDTH)),
            done.files,
            done.total_files,
            megabytes(done.bytes),
            megabytes(done.total_bytes)
        );
        self.drawn.set(true);
    }

    fn finish(&self) {
        if self.drawn.get() {
            eprintln!();
        }
    }
}

fn import(files: &[PathBuf], options: &ImportOptions) -> ExitCode {
    let cities = match concord::import::site_cities(&options.root) {
        Ok(cities) => cities,
        Err(error) => {
            if let concord::import::ImportError::Config(problems) = &error {
                print_reports(problems);
            }
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    // A dry run writes nothing, so two releases with one title would both
    // seem to fit; a real run finds the first one's file and refuses.
    let mut planned = std::collections::HashSet::new();
    for file in files {
        let outcome = read_release(file).and_then(|release| {
            concord::import::import(&release, &cities, options).map_err(|error| error.to_string())
        });
        match outcome {
            Ok(imported) if !planned.insert(imported.path.clone()) => {
                eprintln!(
                    "error: {}: `{}` would be written twice in this run; import it with --into another folder, or change one title",
                    imported.name,
                    imported.path.display()
                );
                failed = true;
            }
            Ok(imported) => print_import(&imported, options.dry_run),
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn read_release(file: &Path) -> Result<Release, String> {
    if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        return Ok(Release {
            name: "standard input".into(),
            bytes,
        });
    }
    std::fs::read(file)
        .map(|bytes| Release {
            name: file.display().to_string(),
            bytes,
        })
        .map_err(|error| format!("cannot read {}: {error}", file.display()))
}

fn print_import(imported: &Imported, dry_run: bool) {
    let verb = if dry_run { "Would import" } else { "Imported" };
    let draft = if imported.draft.draft {
        " (as a draft)"
    } else {
        ""
    };
    println!(
        "{verb} {} → {}{draft}",
        imported.name,
        imported.path.display()
    );
    if let Some(encoding) = imported.encoding {
        println!("  read as {encoding}, not UTF-8; the article is written in UTF-8");
    }
    let line = |note: &Note| {
        note.line
            .map_or("        ".to_string(), |n| format!("line {n:<3}"))
    };
    for note in imported.draft.notes.iter().filter(|n| !n.for_editor) {
        println!("  {} {}", line(note), note.text);
    }
    let for_editor: Vec<&Note> = imported
        .draft
        .notes
        .iter()
        .filter(|n| n.for_editor)
        .collect();
    if !for_editor.is_empty() {
        println!("  needs the editor:");
        for note in for_editor {
            println!("  {} {}", line(note), note.text);
        }
    }
    if dry_run {
        // The front matter, up to and including its closing `+++`.
        let end = imported.file[3..]
            .find("+++\n")
            .map_or(imported.file.len(), |i| i + 7);
        print!("{}", &imported.file[..end]);
    }
}

fn check(options: SiteOptions, strict: bool) -> ExitCode {
    let (problems, files, reused) = match concord::check(&options) {
        Ok(Findings {
            problems,
            files,
            reused,
        }) => (problems, files, reused),
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{NOT_A_SITE_HELP}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    print_reports(&problems);
    let (errors, warnings) = (problems.error_count(), problems.warning_count());
    println!(
        "{}, {} in {}{}",
        count(errors, "error"),
        count(warnings, "warning"),
        count(files, "file"),
        reused_text(reused)
    );
    if errors > 0 || (strict && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(report: &BuildReport) -> String {
    let counts = report.counts;
    let written = &report.written;
    let removed = match written.removed.len() {
        0 => String::new(),
        n => format!(", {} removed", count(n, "old file")),
    };
    let search = match counts.search {
        0 => String::new(),
        n => format!(", {}", count(n, "search file")),
    };
    let reused = reused_text(report.reused);
    format!(
        "Built {} in {} ms ({}, {}, {}, {}, {}{search}): {} changed{removed} in {}{reused}",
        count(counts.total(), "file"),
        report.elapsed.as_millis(),
        count(counts.articles, "article page"),
        count(counts.lists, "list page"),
        count(counts.feeds, "feed"),
        count(counts.other, "other file"),
        count(counts.static_files, "static file"),
        count(written.changed.len(), "file"),
        report.output.display()
    )
}

/// What the caches spared, after a build's or a check's summary.
fn reused_text(reused: Reused) -> String {
    let pages = (reused.pages > 0).then(|| {
        format!(
            "{} unchanged since the last build, not rendered again",
            count(reused.pages, "page")
        )
    });
    let articles = (reused.articles > 0)
        .then(|| format!("{} not read again", count(reused.articles, "article")));
    let said: Vec<String> = pages.into_iter().chain(articles).collect();
    match said.is_empty() {
        true => String::new(),
        false => format!(" ({})", said.join("; ")),
    }
}

/// Prints every problem, compiler-style.
fn print_reports(problems: &Diagnostics) {
    print_problems(problems, use_color(), true);
}

/// Prints the errors, and the warnings if asked.
fn print_problems(problems: &Diagnostics, color: bool, with_warnings: bool) {
    for problem in problems.iter() {
        if with_warnings || problem.severity == Severity::Error {
            eprintln!("{}\n", problem.render(color));
        }
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set.
fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
