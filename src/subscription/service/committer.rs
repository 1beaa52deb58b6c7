//! Requests to subscribe, committed in groups: while one transaction is on its way to the disk,
//! the requests arriving queue up and go together in the next (one sync for many readers).
//!
//! Input: requests from the handlers, each with where to send its outcome. Output: the outcome,
//! after the commit. Must not: answer before the commit, or hold more than `MAX_GROUP` in one
//! transaction (a long one would hold every reader in it back).

use crate::subscription::Database;
use crate::subscription::register::{self, SubscribeRequest};
use tokio::sync::{mpsc, oneshot};

const MAX_GROUP: usize = 64;

/// Whether a mail was queued, or why the request could not be stored.
type Outcome = Result<bool, String>;

/// Where handlers send requests.
#[derive(Clone)]
pub(super) struct Committer {
    tx: mpsc::Sender<(SubscribeRequest, oneshot::Sender<Outcome>)>,
}

impl Committer {
    /// Start the committing task on the current runtime.
    pub(super) fn start(db: Database) -> Committer {
        let (tx, rx) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(run(db, rx));
        Committer { tx }
    }

    /// Store `request`; returns once it is committed.
    pub(super) async fn subscribe(&self, request: SubscribeRequest) -> anyhow::Result<bool> {
        let (done, outcome) = oneshot::channel();
        self.tx.send((request, done)).await.map_err(|_| anyhow::anyhow!("the committer has stopped"))?;
        outcome.await.map_err(|_| anyhow::anyhow!("the committer has stopped"))?.map_err(anyhow::Error::msg)
    }
}

async fn run(db: Database, mut rx: mpsc::Receiver<(SubscribeRequest, oneshot::Sender<Outcome>)>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (requests, waiting): (Vec<_>, Vec<_>) = group.drain(..).unzip();
        match register::subscribe(&db, &requests).await {
            Ok(queued) => {
                for (done, q) in waiting.into_iter().zip(queued) {
                    let _ = done.send(Ok(q));
                }
            }
            Err(e) => {
                let why = format!("{e:#}");
                for done in waiting {
                    let _ = done.send(Err(why.clone()));
                }
            }
        }
    }
}
