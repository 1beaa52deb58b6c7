//! The e-mail alert's subscribers: a database (SQLite in the site's folder, or PostgreSQL), the
//! service readers subscribe, confirm and unsubscribe through (`seedbed subscribers serve`), and
//! what editors and `digest send` do with the list.
//!
//! Input: requests from readers, commands from editors. Output: rows in the database and
//! confirmation mails. Must not: read or write the site's files (the service reads `site.yaml`
//! and the theme through `load`, like every command), or keep a token or an address in a URL.

pub mod database;
pub mod queue;
pub mod register;
pub mod roster;
pub mod tokens;

pub use database::Database;
pub mod service;
