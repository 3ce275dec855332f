//! Concord turns a folder of Markdown cooperation news into a static website
//! with index pages by city, by date and by topic.
//!
//! The pipeline runs one way: [`config`], [`assets`] and [`content`] load the
//! files, [`model`] holds the checked site and its indexes, [`render`] turns
//! it into a stream of files, and a sink takes them: [`output`] writes them
//! to a folder, [`serve`] keeps them in memory, [`deploy`] publishes them
//! to a bucket or a folder. [`pipeline`] strings the
//! stages together for [`build`], `check` and [`serve`] alike.

// A `Diagnostic` is large, but it travels only on the cold path of a failed
// file or page, where its size costs nothing worth measuring.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod build;
mod cache;
pub mod config;
pub mod content;
pub mod deflated;
pub mod deploy;
pub mod diagnostics;
pub mod i18n;
pub mod import;
pub mod layout;
mod lint;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;

pub use build::{build, BuildEvent, BuildOptions, BuildReport};
pub use pipeline::{check, prepare, Error, Findings, Prepared, Reused, SiteOptions};
