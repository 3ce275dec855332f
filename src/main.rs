//! The `concord` command line: parses arguments, runs the library, reports.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use concord::{BuildOptions, BuildReport, Error};

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
    Build(BuildArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder, holding config.toml and content/
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public]
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish under this address instead of config.toml's base_url
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include articles marked `draft = true`
    #[arg(long)]
    drafts: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

fn build(args: BuildArgs) -> anyhow::Result<()> {
    let output = args.output.unwrap_or_else(|| args.root.join("public"));
    let options = BuildOptions {
        root: args.root,
        output,
        base_url: args.base_url,
        include_drafts: args.drafts,
    };
    let report = concord::build(&options).context("could not build the site")?;
    println!("{}", summary(&report));
    Ok(())
}

fn summary(report: &BuildReport) -> String {
    let counts = report.counts;
    format!(
        "Built {} in {} ms: {}, {}, {}, {} and {} into {}",
        plural(
            counts.articles + counts.lists + counts.feeds + counts.other,
            "file"
        ),
        report.elapsed.as_millis(),
        plural(counts.articles, "article page"),
        plural(counts.lists, "list page"),
        plural(counts.feeds, "feed"),
        plural(counts.other, "other file"),
        plural(report.static_files, "static file"),
        report.output.display()
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Prints every problem, compiler-style, then what it meant for the build.
fn report(error: &anyhow::Error) {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if let Some(Error::Site(problems)) = error.downcast_ref::<Error>() {
        for problem in problems.iter() {
            eprintln!("{}\n", problem.render(color));
        }
        eprintln!("error: {error:#}; nothing was written and the output folder is as it was");
        return;
    }
    eprintln!("error: {error:#}");
    if let Some(Error::Output(concord::output::OutputError::Unsafe { .. })) =
        error.downcast_ref::<Error>()
    {
        eprintln!("help: pass another folder with --output");
    }
}
