//! `concord build`: the pipeline's files into the output folder, or nothing
//! changed there at all.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::output::{OutputDir, WriteReport};
use crate::pipeline::{self, Error, Findings, SiteDir, SiteOptions};
use crate::render::{FileCounts, StreamError};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: SiteOptions,
    pub output: PathBuf,
    /// Wait while another build writes to the same output folder, rather than fail.
    pub wait: bool,
}

/// What a build tells its caller while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildEvent {
    /// Another build, by its process id where known, is writing to the
    /// output folder; this one waits for it.
    Waiting { holder: Option<u32> },
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub counts: FileCounts,
    pub written: WriteReport,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
}

/// Builds the site and updates the output folder with it, or changes nothing.
pub fn build(options: &BuildOptions, events: &dyn Fn(BuildEvent)) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let site = SiteDir::open(&options.site.root)?;
    let output = OutputDir::new(site.root(), &options.output)?;
    let prepared = pipeline::prepare(&options.site)?;
    let staging = output.begin(options.wait, &|holder| {
        events(BuildEvent::Waiting { holder })
    })?;
    let counts = prepared
        .stream(&staging, true)
        .map_err(|error| match error {
            StreamError::Site(problems) => Error::Site(Findings {
                problems,
                files: prepared.files,
            }),
            StreamError::Sink(error) => Error::Output(error),
        })?;
    let written = staging.commit()?;
    Ok(BuildReport {
        counts,
        written,
        output: output.path().to_path_buf(),
        elapsed: started.elapsed(),
        warnings: prepared.warnings,
    })
}
