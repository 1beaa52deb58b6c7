//! Who a digest goes to: a CSV list (with its `unsubscribed.csv`) or the subscriber database;
//! each message's unsubscribe token; and what the database is told while a digest goes out.
//!
//! Input: the list's path or the database. Output: the recipients and the problems with the
//! list. Must not: send to a reader the database no longer holds as subscribed, or let a
//! database token leave in a message before its hash is stored.

use super::message;
use super::subscribers::{self, Problem};
use crate::address::Subscriber;
use crate::subscription::{Database, roster};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Who the digest goes to.
pub enum Recipients {
    /// A CSV list; an `unsubscribed.csv` beside it is honoured.
    Csv(PathBuf),
    /// The subscribed readers of the subscriber database.
    Database(Database),
}

impl Recipients {
    /// How problems name the list.
    pub(super) fn name(&self) -> String {
        match self {
            Recipients::Csv(path) => path.display().to_string(),
            Recipients::Database(_) => "the subscriber database".into(),
        }
    }
}

/// The subscribers of `path`, less those in `unsubscribed.csv` beside it (if any).
fn subscribers(path: &Path) -> anyhow::Result<(Vec<Subscriber>, Vec<Problem>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let suppression_path = path.with_file_name("unsubscribed.csv");
    let (suppressed, mut problems) = match std::fs::read_to_string(&suppression_path) {
        Ok(text) => subscribers::suppression(&text).map_err(|e| whole_list(&e, &suppression_path))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", suppression_path.display())),
    };
    locate(&mut problems, &suppression_path);
    let (subs, mut more) = subscribers::parse(&text, &suppressed).map_err(|e| whole_list(&e, path))?;
    locate(&mut more, path);
    problems.append(&mut more);
    Ok((subs, problems))
}

/// A problem that stops the run: the list cannot be read as a whole.
fn whole_list(problem: &Problem, file: &Path) -> anyhow::Error {
    anyhow::anyhow!("{}:{}: {}", file.display(), problem.line, problem.message)
}

/// Prefix each problem with `file:line:`.
fn locate(problems: &mut [Problem], file: &Path) {
    for p in problems {
        p.message = format!("{}:{}: {}", file.display(), p.line, p.message);
    }
}

/// One subscriber to send to: from a CSV list (no id) or the database.
pub(super) struct Recipient {
    pub(super) subscriber: Subscriber,
    pub(super) id: Option<i64>,
}

/// The recipients and the problems with the list.
pub(super) fn recipients(
    list: &Recipients,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<(Vec<Recipient>, Vec<Problem>)> {
    match list {
        Recipients::Csv(path) => {
            let (subs, problems) = subscribers(path)?;
            Ok((subs.into_iter().map(|subscriber| Recipient { subscriber, id: None }).collect(), problems))
        }
        Recipients::Database(db) => {
            let rows = runtime.block_on(roster::recipients(db))?;
            let out = rows.into_iter().map(|r| Recipient { subscriber: r.subscriber, id: Some(r.id) }).collect();
            Ok((out, Vec::new()))
        }
    }
}

/// Where each message's unsubscribe token comes from.
pub(super) enum Tokens<'a> {
    /// None: the digest links only the unsubscribe address.
    None,
    /// Signed with `SEEDBED_UNSUBSCRIBE_SECRET` (`digest.unsubscribe_url`).
    Signed(&'a [u8]),
    /// Random, kept hashed in the subscriber database (`digest.service_url`).
    Database,
}

impl Tokens<'_> {
    /// The token of `r`'s message.
    pub(super) fn token(&self, record: &super::store::Record, r: &Recipient) -> anyhow::Result<Option<String>> {
        match self {
            Tokens::None => Ok(None),
            Tokens::Signed(secret) => {
                message::unsubscribe_token(secret, &record.list_id, r.subscriber.email.as_ref()).map(Some)
            }
            Tokens::Database => crate::subscription::tokens::new_token().map(Some),
        }
    }
}

/// The database while a digest goes out (none for a CSV list).
pub(super) struct Watch<'a> {
    pub(super) db: Option<&'a Database>,
    pub(super) runtime: &'a tokio::runtime::Runtime,
}

impl Watch<'_> {
    /// Whether `r` may have the message carrying `token`: still subscribed (an unsubscribe made
    /// since the list was read is honoured), and the token kept before the message leaves.
    pub(super) fn clear(&self, r: &Recipient, token: Option<&str>) -> anyhow::Result<bool> {
        let (Some(db), Some(id)) = (self.db, r.id) else { return Ok(true) };
        if !self.runtime.block_on(roster::still_subscribed(db, id))? {
            return Ok(false);
        }
        if let Some(token) = token {
            self.runtime.block_on(roster::keep_unsubscribe_token(db, id, token))?;
        }
        Ok(true)
    }

    /// Record a refusal of `r`'s address for good; whether it is now suppressed.
    pub(super) fn bounced(&self, r: &Recipient, digest: &str, reply: &str) -> anyhow::Result<bool> {
        let (Some(db), Some(id)) = (self.db, r.id) else { return Ok(false) };
        self.runtime.block_on(roster::hard_bounce(db, id, digest, reply))
    }
}
