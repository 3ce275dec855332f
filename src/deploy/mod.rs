//! `concord deploy`: builds the site through the same pipeline as `build`
//! (refusing on any error), compares it with what a target holds, and
//! publishes the difference: to a bucket of S3 or any S3-compatible service,
//! or to a folder. On a bucket, uploads go in stages (assets, articles,
//! lists, then home pages, feeds and the sitemap) so that no page a reader
//! can open links to a file not yet uploaded, and deletes come last, only
//! when every upload succeeded.

mod bucket;
mod credentials;
mod folder;
mod headers;
pub mod plan;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::config::{DeploySettings, Location, Matcher, Target};
use crate::diagnostics::Diagnostics;
use crate::output::OutputError;
use crate::pipeline::{self, Findings, Prepared, Reused, SiteOptions};
use crate::render::{Sink, SiteFile, StreamError};
use bucket::Bucket;
use plan::{
    read_manifest, write_manifest, Deletable, Manifest, Outgoing, Plan, Remembered, Summary,
    Upload, MANIFEST,
};

/// Uploads in flight at once: enough to hide each request's round trip.
const CONCURRENT_UPLOADS: usize = 16;

#[derive(Debug, Clone)]
pub struct DeployOptions {
    pub site: SiteOptions,
    /// `[[deploy.targets]]` by name; the first when `None`.
    pub target: Option<String>,
    /// Plan only: change nothing on the target.
    pub dry_run: bool,
    /// Upload every file, changed or not.
    pub force: bool,
    /// Replaces `[deploy] max_deletes`.
    pub max_deletes: Option<usize>,
}

/// What a deploy tells its caller while it runs.
#[derive(Debug)]
pub enum DeployEvent<'a> {
    /// What it will do, before it does any of it.
    Planned { target: &'a Target, plan: &'a Plan },
    /// One more upload finished.
    Uploaded(Progress),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub files: usize,
    pub bytes: u64,
    pub total_files: usize,
    pub total_bytes: u64,
}

#[derive(Debug, Clone)]
pub struct DeployReport {
    pub target: Target,
    pub summary: Summary,
    /// Deletes left undone, as more than `max_deletes`; then `summary`
    /// counts none deleted.
    pub skipped_deletes: usize,
    /// Files the site lacks that the target keeps, as Concord did not store them.
    pub left_alone: Vec<String>,
    pub max_deletes: usize,
    pub dry_run: bool,
    pub warnings: Diagnostics,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error(transparent)]
    Site(#[from] pipeline::Error),
    #[error("config.toml names no deploy target")]
    NoTargets,
    #[error("config.toml has no deploy target named `{name}`")]
    UnknownTarget { name: String, known: Vec<String> },
    #[error("no credentials for deploy target `{target}`: {detail}")]
    NoCredentials { target: String, detail: String },
    #[error("deploy target `{target}` refused the credentials: {detail}")]
    Denied { target: String, detail: String },
    #[error("deploy target `{target}` has no bucket `{bucket}`")]
    NoBucket { target: String, bucket: String },
    #[error("cannot reach deploy target `{target}` at {endpoint}: {detail}")]
    Unreachable {
        target: String,
        endpoint: String,
        detail: String,
    },
    #[error("deploy target `{target}` failed: {detail}")]
    Store { target: String, detail: String },
    #[error("the deploy to `{target}` stopped after {uploaded} of {planned} uploads: {detail}")]
    Stopped {
        target: String,
        uploaded: usize,
        planned: usize,
        /// The first few paths not uploaded.
        not_uploaded: Vec<String>,
        /// How many more were not uploaded.
        more: usize,
        detail: String,
    },
    #[error(transparent)]
    Output(OutputError),
}

impl DeployError {
    /// What to do about it, in a sentence.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            DeployError::NoTargets => "add one to config.toml, for example:\n\n[[deploy.targets]]\nname = \"production\"\nurl = \"s3://my-bucket\"\n\nor `url = \"file:///srv/www\"` for a folder".to_string(),
            DeployError::UnknownTarget { known, .. } => format!("the targets are: {}", known.join(", ")),
            DeployError::NoCredentials { .. } => "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile of ~/.aws/credentials with AWS_PROFILE; never write keys in config.toml".to_string(),
            DeployError::Denied { .. } => "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile in ~/.aws/credentials), and that they may list, write and delete in the bucket".to_string(),
            DeployError::NoBucket { .. } => "create the bucket, or correct `url` of the target in config.toml".to_string(),
            DeployError::Unreachable { .. } => "check `endpoint` of the target in config.toml and the network; nothing was changed".to_string(),
            DeployError::Stopped { detail, .. } if is_refusal(detail) => "nothing was deleted and readers still see a whole site; the credentials may list the bucket but not write to it: check that they may put and delete objects (s3:PutObject, s3:DeleteObject), then run the same `concord deploy` again".to_string(),
            DeployError::Stopped { .. } => "nothing was deleted and readers still see a whole site; run the same `concord deploy` again to finish: it uploads only what is still missing or different".to_string(),
            _ => return None,
        })
    }
}

/// Whether a store's error, in [`bucket`]'s few words, is a refusal of the credentials.
fn is_refusal(detail: &str) -> bool {
    detail.contains("401 Unauthorized") || detail.contains("403 Forbidden")
}

/// Builds the site and publishes it to a target.
pub fn deploy(
    options: &DeployOptions,
    events: &dyn Fn(DeployEvent<'_>),
) -> Result<DeployReport, DeployError> {
    let started = Instant::now();
    let prepared = pipeline::prepare(&options.site)?;
    let settings = &prepared.config.deploy;
    let target = choose(settings, options.target.as_deref())?;
    let job = Job {
        options,
        target,
        max_deletes: options.max_deletes.unwrap_or(settings.max_deletes),
        events,
    };
    let Outcome {
        mut summary,
        skip_deletes,
        left_alone,
    } = match &target.location {
        Location::Folder(path) => to_folder(&job, path, outgoing(&prepared)?)?,
        Location::Bucket { bucket, prefix } => {
            to_bucket(&job, &prepared, Bucket::connect(target, bucket, prefix)?)?
        }
    };
    let skipped_deletes = if skip_deletes {
        std::mem::take(&mut summary.deleted)
    } else {
        0
    };
    Ok(DeployReport {
        target: target.clone(),
        summary,
        skipped_deletes,
        left_alone,
        max_deletes: job.max_deletes,
        dry_run: options.dry_run,
        warnings: prepared.warnings.clone(),
        elapsed: started.elapsed(),
    })
}

/// What a deploy did to its target.
struct Outcome {
    summary: Summary,
    /// More deletes were due than allowed: none was made.
    skip_deletes: bool,
    left_alone: Vec<String>,
}

impl Outcome {
    /// What `plan` will do, deleting nothing if it has more than `max_deletes` to delete.
    fn of(plan: &Plan, max_deletes: usize) -> Outcome {
        Outcome {
            summary: plan.summary(),
            skip_deletes: plan.deletes.len() > max_deletes,
            left_alone: plan.left_alone.clone(),
        }
    }
}

/// What every stage of one deploy needs to know.
struct Job<'a> {
    options: &'a DeployOptions,
    target: &'a Target,
    max_deletes: usize,
    events: &'a dyn Fn(DeployEvent<'_>),
}

fn choose<'s>(settings: &'s DeploySettings, name: Option<&str>) -> Result<&'s Target, DeployError> {
    let Some(name) = name else {
        return settings.targets.first().ok_or(DeployError::NoTargets);
    };
    settings
        .targets
        .iter()
        .find(|target| target.name == name)
        .ok_or_else(|| match settings.targets.is_empty() {
            true => DeployError::NoTargets,
            false => DeployError::UnknownTarget {
                name: name.to_string(),
                known: settings.targets.iter().map(|t| t.name.clone()).collect(),
            },
        })
}

/// Every file of the site, search index included, in memory, as it will be stored.
/// Each file is hashed as it arrives, on the thread that rendered it, while
/// the other threads render on.
fn outgoing(prepared: &Prepared) -> Result<Vec<Outgoing>, DeployError> {
    let entrances: Vec<String> = prepared
        .config
        .languages
        .iter()
        .map(|language| format!("{}index.html", language.prefix))
        .collect();
    let files = Collected {
        files: Mutex::default(),
        matchers: &prepared.config.deploy.matchers,
        entrances: &entrances,
    };
    prepared.stream(&files, true).map_err(|error| match error {
        StreamError::Site(problems) => pipeline::Error::Site(Findings {
            problems,
            files: prepared.files,
            reused: Reused::default(),
        }),
        StreamError::Sink(never) => match never {},
    })?;
    Ok(files
        .files
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner()))
}

struct Collected<'a> {
    files: Mutex<Vec<Outgoing>>,
    matchers: &'a [Matcher],
    entrances: &'a [String],
}

impl Sink for Collected<'_> {
    type Error = std::convert::Infallible;

    fn put(&self, file: SiteFile) -> Result<(), Self::Error> {
        let file = Outgoing::new(file, self.matchers, self.entrances);
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
        Ok(())
    }
}

fn to_folder(job: &Job<'_>, path: &Path, files: Vec<Outgoing>) -> Result<Outcome, DeployError> {
    let output = folder::checked(&job.options.site.root, path)?;
    let remote = folder::list(&output)?;
    let plan = plan::plan(
        folder::as_stored(files),
        &remote,
        &Manifest::new(),
        job.options.force,
        Deletable::Any,
    );
    (job.events)(DeployEvent::Planned {
        target: job.target,
        plan: &plan,
    });
    let outcome = Outcome::of(&plan, job.max_deletes);
    if job.options.dry_run {
        return Ok(outcome);
    }
    let kept = if outcome.skip_deletes {
        plan.deletes
    } else {
        Vec::new()
    };
    let files: Vec<Outgoing> = plan
        .uploads
        .into_iter()
        .map(|upload| upload.file)
        .chain(plan.unchanged)
        .collect();
    folder::publish(&output, files, &kept)?;
    Ok(outcome)
}

fn to_bucket(job: &Job<'_>, prepared: &Prepared, bucket: Bucket) -> Result<Outcome, DeployError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| DeployError::Store {
            target: job.target.name.clone(),
            detail: error.to_string(),
        })?;
    // Listing a bucket of thousands of objects takes seconds of round trips
    // and needs nothing of the site: it runs while the site renders.
    let (listing, files) = std::thread::scope(|scope| {
        let listing = scope.spawn(|| runtime.block_on(survey(&bucket)));
        let files = outgoing(prepared);
        (listing.join(), files)
    });
    let files = files?;
    let (remote, manifest) = listing.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let plan = plan::plan(
        files,
        &remote,
        &manifest,
        job.options.force,
        Deletable::Stored,
    );
    (job.events)(DeployEvent::Planned {
        target: job.target,
        plan: &plan,
    });
    let outcome = Outcome::of(&plan, job.max_deletes);
    if !job.options.dry_run {
        let skip = outcome.skip_deletes;
        runtime.block_on(publish(job, &bucket, plan, &remote, &manifest, skip))?;
    }
    Ok(outcome)
}

/// What the bucket holds, and its manifest.
async fn survey(bucket: &Bucket) -> Result<(HashMap<String, plan::Remote>, Manifest), DeployError> {
    let remote = bucket.list().await?;
    let manifest = match remote.contains_key(MANIFEST) {
        true => bucket
            .manifest()
            .await
            .map(|bytes| read_manifest(&bytes))
            .unwrap_or_default(),
        false => Manifest::new(),
    };
    Ok((remote, manifest))
}

/// Uploads, then the manifest, then the deletes unless `skip_deletes`,
/// then the manifest without them. Until they are gone the manifest keeps
/// the files to delete, so that a deploy that leaves them (too many, or
/// stopped) still knows them as Concord's next time.
async fn publish(
    job: &Job<'_>,
    bucket: &Bucket,
    plan: Plan,
    remote: &HashMap<String, plan::Remote>,
    manifest: &Manifest,
    skip_deletes: bool,
) -> Result<(), DeployError> {
    let target = &job.target.name;
    let summary = plan.summary();
    let mut remembered = keep_unchanged(&plan.unchanged, remote, manifest);
    let Plan {
        uploads, deletes, ..
    } = plan;
    let doomed = |path: &String| manifest.get(path).map(|r| (path.clone(), r.clone()));
    remembered.extend(deletes.iter().filter_map(doomed));
    upload(
        bucket,
        uploads,
        summary,
        target,
        &mut remembered,
        job.events,
    )
    .await?;
    store_manifest(bucket, &remembered, target).await?;
    if skip_deletes || deletes.is_empty() {
        return Ok(());
    }
    delete(bucket, &deletes, target).await?;
    for path in &deletes {
        remembered.remove(path);
    }
    store_manifest(bucket, &remembered, target).await
}

async fn store_manifest(
    bucket: &Bucket,
    remembered: &Manifest,
    target: &str,
) -> Result<(), DeployError> {
    bucket
        .put(MANIFEST, write_manifest(remembered), &manifest_headers())
        .await
        .map(drop)
        .map_err(|detail| DeployError::Store {
            target: target.to_string(),
            detail: format!("every file is uploaded, but the manifest could not be stored ({detail}); run the deploy again"),
        })
}

/// The manifest is read by Concord alone: stored as it is.
fn manifest_headers() -> headers::Headers {
    headers::Headers {
        gzip: false,
        ..headers::Headers::for_path(MANIFEST, &[])
    }
}

/// The manifest's lines for the files the target has already. A file the
/// old manifest did not vouch for was compared by its bytes alone; its
/// headers are taken to be the ones configured (see the README: `--force`
/// stores them anew).
fn keep_unchanged(
    unchanged: &[Outgoing],
    remote: &HashMap<String, plan::Remote>,
    manifest: &Manifest,
) -> Manifest {
    unchanged
        .iter()
        .map(|file| {
            let etag = remote
                .get(&file.path)
                .and_then(|r| r.etag.clone())
                .unwrap_or_default();
            let vouched = manifest.get(&file.path).filter(|r| r.etag == etag);
            let remembered = vouched.cloned().unwrap_or(Remembered {
                source_md5: file.source_md5.clone(),
                headers: file.headers.digest(),
                etag,
            });
            (file.path.clone(), remembered)
        })
        .collect()
}

/// Uploads stage by stage, a stage only once the one before it is whole;
/// stops at the first upload that fails after its retries.
async fn upload(
    bucket: &Bucket,
    uploads: Vec<Upload>,
    summary: Summary,
    target: &str,
    remembered: &mut Manifest,
    events: &dyn Fn(DeployEvent<'_>),
) -> Result<(), DeployError> {
    let planned = uploads.len();
    let mut progress = Progress {
        files: 0,
        bytes: 0,
        total_files: planned,
        total_bytes: summary.bytes,
    };
    let mut stages: Vec<Vec<Upload>> = Vec::new();
    for upload in uploads {
        match stages.last_mut() {
            Some(stage) if stage[0].file.stage == upload.file.stage => stage.push(upload),
            _ => stages.push(vec![upload]),
        }
    }
    let mut pending: Vec<String> = stages
        .iter()
        .flatten()
        .map(|u| u.file.path.clone())
        .collect();
    for stage in stages {
        let mut puts = futures_util::stream::iter(stage)
            .map(|upload| async move {
                let size = upload.body.len() as u64;
                let result = bucket
                    .put(&upload.file.path, upload.body, &upload.file.headers)
                    .await;
                (upload.file, size, result)
            })
            .buffer_unordered(CONCURRENT_UPLOADS);
        while let Some((file, size, result)) = puts.next().await {
            let etag = result.map_err(|detail| {
                let done: HashSet<&String> = remembered.keys().collect();
                pending.retain(|path| !done.contains(path));
                DeployError::Stopped {
                    target: target.to_string(),
                    uploaded: progress.files,
                    planned,
                    not_uploaded: pending.iter().take(5).cloned().collect(),
                    more: pending.len().saturating_sub(5),
                    detail: format!("{}: {detail}", file.path),
                }
            })?;
            progress.files += 1;
            progress.bytes += size;
            events(DeployEvent::Uploaded(progress));
            remembered.insert(
                file.path,
                Remembered {
                    source_md5: file.source_md5,
                    headers: file.headers.digest(),
                    etag: etag.unwrap_or_default(),
                },
            );
        }
    }
    Ok(())
}

async fn delete(bucket: &Bucket, deletes: &[String], target: &str) -> Result<(), DeployError> {
    let mut done = 0;
    let mut removals = futures_util::stream::iter(deletes)
        .map(|path| async move { (path, bucket.delete(path).await) })
        .buffer_unordered(CONCURRENT_UPLOADS);
    while let Some((path, result)) = removals.next().await {
        result.map_err(|detail| DeployError::Store {
            target: target.to_string(),
            detail: format!("every file is uploaded, but deleting {path} failed after {done} of {} deletes ({detail}); run the deploy again", deletes.len()),
        })?;
        done += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(detail: &str) -> DeployError {
        DeployError::Stopped {
            target: "production".into(),
            uploaded: 3,
            planned: 9,
            not_uploaded: vec!["news/a/index.html".into()],
            more: 5,
            detail: detail.into(),
        }
    }

    #[test]
    fn an_upload_refused_asks_for_write_permission_and_a_lost_one_for_another_run() {
        let refused = stopped("news/a/index.html: 403 Forbidden (AccessDenied)");
        let help = refused.help().unwrap();
        assert!(help.contains("may put and delete objects"), "{help}");
        let lost = stopped("news/a/index.html: no connection, after retrying");
        let help = lost.help().unwrap();
        assert!(
            help.contains("run the same `concord deploy` again to finish"),
            "{help}"
        );
        assert!(!help.contains("put and delete"), "{help}");
    }
}
