//! One test binary for every integration test (links once on a 2-core machine).

mod common;

mod build;
mod calendar;
mod cli;
mod corpora;
mod digest;
mod digest_smtp;
mod errors;
mod fallback;
mod feeds;
mod hostile;
mod images;
mod incremental;
mod languages;
mod memory;
mod pdfs;
mod search;
mod search_chinese;
mod search_phrases;
mod search_results;
mod serve;
mod sharing;
mod snapshots;
mod subscription;
mod subscription_guards;
mod translations;
mod typography;
