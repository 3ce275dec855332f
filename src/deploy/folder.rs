//! A folder as a deploy target (a mounted share, a web server's root):
//! written exactly as `concord build` writes its output folder, so a deploy
//! killed at any moment leaves the old site or the new one. Files are
//! stored as they are; headers and compression are the web server's.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::plan::{md5_hex, Outgoing, Remote};
use super::DeployError;
use crate::output::{OutputDir, OutputError};
use crate::render::{FileKind, Sink, SiteFile};

/// The site's files as the folder stores them: uncompressed.
pub fn as_stored(mut files: Vec<Outgoing>) -> Vec<Outgoing> {
    for file in &mut files {
        file.headers.gzip = false;
    }
    files
}

/// The target folder, checked as `build` checks its output folder (not the
/// site, not a folder above it, not `/`) before anything in it is read.
pub fn checked(site_root: &Path, folder: &Path) -> Result<OutputDir, DeployError> {
    OutputDir::new(site_root, folder).map_err(DeployError::Output)
}

/// What the folder holds, by path, its bytes' MD5 as the ETag. Hidden
/// entries (a `.git` that publishes the folder) are not the site's and
/// are left alone, as a build leaves them.
pub fn list(output: &OutputDir) -> Result<HashMap<String, Remote>, DeployError> {
    let folder = output.path();
    if !folder.is_dir() {
        return Ok(HashMap::new());
    }
    let mut paths = Vec::new();
    let walker = WalkDir::new(folder)
        .min_depth(1)
        .into_iter()
        .filter_entry(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|error| read_error(folder, error.into()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(folder).unwrap_or(entry.path());
            paths.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    paths
        .into_par_iter()
        .map(|path| {
            let bytes = std::fs::read(folder.join(&path))
                .map_err(|error| read_error(&folder.join(&path), error))?;
            Ok((
                path,
                Remote {
                    etag: Some(md5_hex(&bytes)),
                },
            ))
        })
        .collect()
}

/// Writes the site into the folder through a staging folder and one swap.
/// `kept` are files the site no longer has but the deploy may not delete:
/// they are carried into the new site as they were.
pub fn publish(
    output: &OutputDir,
    files: Vec<Outgoing>,
    kept: &[String],
) -> Result<(), DeployError> {
    let folder = output.path();
    let mut staging = output.begin(true, &|_| {}).map_err(DeployError::Output)?;
    for file in files {
        staging
            .put(SiteFile {
                path: file.path,
                bytes: Cow::Owned(file.bytes),
                kind: FileKind::Static,
            })
            .map_err(DeployError::Output)?;
    }
    for path in kept {
        let bytes = std::fs::read(folder.join(path))
            .map_err(|error| read_error(&folder.join(path), error))?;
        staging
            .put(SiteFile {
                path: path.clone(),
                bytes: Cow::Owned(bytes),
                kind: FileKind::Static,
            })
            .map_err(DeployError::Output)?;
    }
    staging.commit().map_err(DeployError::Output)?;
    Ok(())
}

fn read_error(path: &Path, source: std::io::Error) -> DeployError {
    DeployError::Output(OutputError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}
