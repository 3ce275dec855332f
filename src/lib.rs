//! Concord turns a folder of Markdown cooperation news into a static website
//! with index pages by city, by date and by topic.
//!
//! The pipeline runs one way: [`config`] and [`content`] load the files,
//! [`model`] holds the checked site and its indexes, [`render`] turns it into
//! pages, and [`output`] writes them. [`build`] strings them together.

// A `Diagnostic` is large, but it travels only on the cold path of a failed
// file or page, where its size costs nothing worth measuring.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod config;
pub mod content;
pub mod diagnostics;
mod lint;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;

pub use build::{
    build, check, prepare, BuildOptions, BuildReport, CheckFailure, Error, Prepared, SiteOptions,
};
