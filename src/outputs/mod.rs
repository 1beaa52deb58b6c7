//! Stage 5: the files made from the assembled site besides its HTML pages: feeds, the sitemap,
//! citation files, calendars, the search index, and images' sizes and copies.
//!
//! Input: the assembled `Site` (and, for the sitemap, the rendered pages' paths). Output:
//! `OutputFile`s. Must not: render templates (but for feed titles, passed in as strings) or
//! write files.

pub(crate) mod calendar;
pub(crate) mod cite;
pub(crate) mod digest_pages;
pub(crate) mod feeds;
pub mod images;
pub mod search_index;
pub(crate) mod sitemap;
