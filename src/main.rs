//! The `concord` command line: parses arguments, runs the library, reports.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use concord::diagnostics::{count, Diagnostics};
use concord::scaffold::{self, NewArticle};
use concord::serve::{ServeError, ServeOptions};
use concord::{BuildOptions, BuildReport, CheckFailure, Error, SiteOptions};

// With the system allocator, threads rendering thousands of pages into a
// large heap spent half their time in malloc, and the cost per page grew
// with the size of the site; mimalloc keeps it flat.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// The site folder, holding config.toml and content/
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
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
        /// The site folder
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
    },
    /// Create a new site that builds at once
    Init {
        /// A new or empty folder
        dir: PathBuf,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding config.toml and content/
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Publish under this address instead of config.toml's base_url
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include articles marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn into_options(self) -> SiteOptions {
        SiteOptions {
            root: self.root,
            base_url: self.base_url,
            include_drafts: self.drafts,
        }
    }
}

const NOT_A_SITE_HELP: &str = "help: run concord in a site folder, or point at one with --root";

/// The exit code when a command could not run at all.
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build { site, output } => build(site, output),
        Command::Check { site, strict } => check(site.into_options(), strict),
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            open,
        } => serve(ServeOptions {
            root,
            bind,
            port,
            include_drafts: drafts,
            open,
            color: use_color(),
        }),
        Command::New {
            title,
            cities,
            topics,
            date,
            root,
        } => {
            let request = NewArticle {
                title,
                cities,
                topics,
                date,
            };
            let today = time::OffsetDateTime::now_utc().date();
            finish(
                scaffold::new_article(&root, &request, today)
                    .map(|path| println!("{}", path.display())),
            )
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
    match concord::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let ServeError::NotASite(_) = error {
                eprintln!("{NOT_A_SITE_HELP}");
            }
            ExitCode::FAILURE
        }
    }
}

fn build(site: SiteArgs, output: Option<PathBuf>) -> ExitCode {
    let output = output.unwrap_or_else(|| site.root.join("public"));
    let options = BuildOptions {
        site: site.into_options(),
        output,
    };
    match concord::build(&options) {
        Ok(report) => {
            print_reports(&report.warnings);
            println!("{}", summary(&report));
            ExitCode::SUCCESS
        }
        Err(Error::Site(problems)) => {
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
                Error::NotASite { .. } => eprintln!("{NOT_A_SITE_HELP}"),
                _ => {}
            }
            ExitCode::FAILURE
        }
    }
}

fn check(options: SiteOptions, strict: bool) -> ExitCode {
    let (problems, files) = match concord::check(&options) {
        Ok(CheckFailure { problems, files }) => (problems, files),
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{NOT_A_SITE_HELP}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    print_reports(&problems);
    let (errors, warnings) = (problems.error_count(), problems.warning_count());
    println!(
        "{}, {} in {}",
        count(errors, "error"),
        count(warnings, "warning"),
        count(files, "file")
    );
    if errors > 0 || (strict && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(report: &BuildReport) -> String {
    let counts = report.counts;
    let written = report.written;
    let files = counts.articles + counts.lists + counts.feeds + counts.other + written.static_files;
    let removed = match written.removed {
        0 => String::new(),
        n => format!(", {} removed", count(n, "old file")),
    };
    format!(
        "Built {} in {} ms ({}, {}, {}, {}, {}): {} changed{removed} in {}",
        count(files, "file"),
        report.elapsed.as_millis(),
        count(counts.articles, "article page"),
        count(counts.lists, "list page"),
        count(counts.feeds, "feed"),
        count(counts.other, "other file"),
        count(written.static_files, "static file"),
        count(written.written, "file"),
        report.output.display()
    )
}

/// Prints every problem, compiler-style.
fn print_reports(problems: &Diagnostics) {
    let color = use_color();
    for problem in problems.iter() {
        eprintln!("{}\n", problem.render(color));
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set.
fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
