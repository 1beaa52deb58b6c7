//! seedbed: a static site generator for a research centre's bilingual knowledge base.
//!
//! The pipeline, one module per stage, plain data (`model`) between them:
//! `load` → `parse` → `assemble` → `render` and `outputs` (feeds, sitemap, citations, calendars,
//! search index) → `write`. `pipeline` runs the stages in memory for `build`, `serve` and
//! `digest`; the CLI (`src/cli.rs`) writes what it returns.
#![warn(clippy::print_stdout, clippy::print_stderr, unreachable_pub, missing_docs)]

pub mod address;
pub mod assemble;
pub mod config;
pub mod digest;
pub mod error;
mod listener;
pub mod load;
pub mod model;
mod output_table;
pub mod outputs;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod smtp;
pub mod subscription;
pub mod text;
pub mod typography;
mod urls;
pub mod write;
mod yaml;

pub use error::BuildError;
pub use pipeline::{Assembled, BuildOutput, BuildSettings, assemble_site, build_site};
