//! What readers do through the service: ask to subscribe, confirm, unsubscribe, change the
//! language. Each is one transaction, committed before the reader is answered.
//!
//! Input: a checked address or a token, and the request's context. Output: what to show the
//! reader. Must not: answer differently (or do much less work) for an address that is new,
//! pending or subscribed, which would tell a stranger who subscribes; or keep a token unhashed
//! anywhere but the queued mail that carries it.

use super::database::{Database, new_id, now};
use super::tokens::{self, Purpose};
use crate::model::Lang;
use sqlx::{Any, Row, Transaction};

/// A confirmation mail to the same address at most this often, and this many a day.
const ADDRESS_MAIL_INTERVAL: i64 = 120;
const ADDRESS_MAILS_PER_DAY: i64 = 5;

/// A request to subscribe, as the form sent it.
#[derive(Debug, Clone)]
pub struct SubscribeRequest {
    /// The checked address.
    pub email: lettre::Address,
    /// The language of the digest asked for.
    pub lang: Lang,
    /// The page the form was on (`Referer`), or empty.
    pub source: String,
    /// The client's address, as the service sees it (or the proxy says).
    pub client: String,
    /// The per-client throttle allows a confirmation mail.
    pub mail_allowed: bool,
}

/// Store the requests in one transaction (a group commit: one disk sync for many readers) and,
/// unless a throttle says no, queue a mail for each; whether each had one queued. Nothing is
/// stored when any fails.
pub async fn subscribe(db: &Database, requests: &[SubscribeRequest]) -> anyhow::Result<Vec<bool>> {
    let mut tx = db.pool.begin().await?;
    let mut queued = Vec::with_capacity(requests.len());
    for request in requests {
        queued.push(subscribe_in(&mut tx, request).await?);
    }
    tx.commit().await?;
    Ok(queued)
}

async fn subscribe_in(tx: &mut Transaction<'_, Any>, request: &SubscribeRequest) -> anyhow::Result<bool> {
    let key = crate::address::key(request.email.as_ref());
    let at = now();
    sqlx::query(
        "INSERT INTO subscribers (id, email, email_key, lang, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT (email_key) DO NOTHING",
    )
    .bind(new_id()?)
    .bind(request.email.to_string())
    .bind(&key)
    .bind(request.lang.code())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let row = sqlx::query(
        "SELECT id, status, confirm_window_start, confirm_mails, last_confirm_mail_at \
         FROM subscribers WHERE email_key = $1",
    )
    .bind(&key)
    .fetch_one(&mut **tx)
    .await?;
    let (id, status): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
    let (window, mails, last): (i64, i64, i64) = (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?);
    // Every request is recorded, whatever the address's state, so each costs the same.
    consent(tx, id, "requested", (&request.source, request.lang, &request.client)).await?;
    let (window, mails) = if at - window >= 86_400 { (at, 0) } else { (window, mails) };
    let address_allows = at - last >= ADDRESS_MAIL_INTERVAL && mails < ADDRESS_MAILS_PER_DAY;
    let queue = request.mail_allowed && address_allows;
    if queue {
        queue_mail(tx, (id, &status), request, (at, window, mails + 1)).await?;
    }
    Ok(queue)
}

/// Queue the mail a request gets, with its token, and count it for the address (`count` mails
/// in the day-long window starting at `window`).
async fn queue_mail(
    tx: &mut Transaction<'_, Any>,
    (id, status): (i64, &str),
    request: &SubscribeRequest,
    (at, window, count): (i64, i64, i64),
) -> anyhow::Result<()> {
    // A subscribed address is told so, with a link to its unsubscribe page: the same work as a
    // confirmation, so the answer's timing does not tell them apart either.
    let subscribed = status == "subscribed";
    let (kind, purpose) = if subscribed { ("subscribed", Purpose::Unsubscribe) } else { ("confirm", Purpose::Confirm) };
    let token = tokens::new_token()?;
    store_token(tx, id, &token, purpose, at).await?;
    sqlx::query(
        "INSERT INTO mail_queue (id, subscriber_id, kind, token, lang, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id()?)
    .bind(id)
    .bind(kind)
    .bind(&token)
    .bind(request.lang.code())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE subscribers SET status = $6, lang = CASE WHEN $6 = 'pending' THEN $2 ELSE lang END, \
         updated_at = $3, confirm_window_start = $4, confirm_mails = $5, last_confirm_mail_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(request.lang.code())
    .bind(at)
    .bind(window)
    .bind(count)
    .bind(if subscribed { "subscribed" } else { "pending" })
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A consent record: `(source, lang, client)`.
pub(super) async fn consent(
    tx: &mut Transaction<'_, Any>,
    subscriber: i64,
    action: &str,
    (source, lang, client): (&str, Lang, &str),
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO consents (id, subscriber_id, action, at, source, lang, client) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id()?)
    .bind(subscriber)
    .bind(action)
    .bind(now())
    .bind(source)
    .bind(lang.code())
    .bind(client)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keep the hash of `token`.
pub(super) async fn store_token(
    tx: &mut Transaction<'_, Any>,
    subscriber: i64,
    token: &str,
    purpose: Purpose,
    at: i64,
) -> anyhow::Result<()> {
    let hash = tokens::hash(token).ok_or_else(|| anyhow::anyhow!("a new token is not a token"))?;
    sqlx::query(
        "INSERT INTO tokens (hash, subscriber_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash)
    .bind(subscriber)
    .bind(purpose.code())
    .bind(at)
    .bind(at + purpose.lifetime_secs())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a token in a link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; the subscriber's language.
    Done(Lang),
    /// The token is unknown, revoked, used or expired (with the subscriber's language when known).
    Invalid(Option<Lang>),
}

/// A token's subscriber: (id, language, status, still valid, used).
async fn holder(
    tx: &mut Transaction<'_, Any>,
    token: &str,
    purpose: Purpose,
) -> anyhow::Result<Option<(i64, Lang, String, bool, bool)>> {
    let Some(hash) = tokens::hash(token) else { return Ok(None) };
    let row = sqlx::query(
        "SELECT s.id, s.lang, s.status, t.expires_at, t.used_at FROM tokens t JOIN subscribers s \
         ON s.id = t.subscriber_id WHERE t.hash = $1 AND t.purpose = $2",
    )
    .bind(hash)
    .bind(purpose.code())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let lang = Lang::from_code(&row.try_get::<String, _>(1)?).unwrap_or(Lang::En);
    let used = row.try_get::<Option<i64>, _>(4)?.is_some();
    Ok(Some((row.try_get(0)?, lang, row.try_get(2)?, row.try_get::<i64, _>(3)? > now(), used)))
}

/// `GET /confirm?t=`: the pending subscription becomes a subscription.
pub async fn confirm(db: &Database, token: &str, client: &str) -> anyhow::Result<Outcome> {
    let mut tx = db.pool.begin().await?;
    let outcome = match holder(&mut tx, token, Purpose::Confirm).await? {
        // A second click on the link that confirmed: the reader is subscribed, say so.
        Some((_, lang, status, _, true)) if status == "subscribed" => Outcome::Done(lang),
        Some((id, lang, _, true, false)) => {
            let at = now();
            sqlx::query("UPDATE subscribers SET status = 'subscribed', updated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            // The other confirmation links of this address stop working; old bounces are forgiven.
            sqlx::query("UPDATE tokens SET used_at = $2 WHERE subscriber_id = $1 AND purpose = 'confirm'")
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM bounces WHERE subscriber_id = $1").bind(id).execute(&mut *tx).await?;
            consent(&mut tx, id, "confirmed", ("", lang, client)).await?;
            Outcome::Done(lang)
        }
        Some((_, lang, ..)) => Outcome::Invalid(Some(lang)),
        None => Outcome::Invalid(None),
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The language of the holder of a valid unsubscribe token.
pub async fn unsubscribe_holder(db: &Database, token: &str) -> anyhow::Result<Option<Lang>> {
    let mut tx = db.pool.begin().await?;
    let found = holder(&mut tx, token, Purpose::Unsubscribe).await?;
    tx.commit().await?;
    Ok(found.filter(|h| h.3).map(|(_, lang, ..)| lang))
}

/// No more digests or mails to `id`, and why on record (`(source, lang, client)`).
pub(super) async fn mark_unsubscribed(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    why: (&str, Lang, &str),
) -> anyhow::Result<()> {
    sqlx::query("UPDATE subscribers SET status = 'unsubscribed', updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM mail_queue WHERE subscriber_id = $1").bind(id).execute(&mut **tx).await?;
    consent(tx, id, "unsubscribed", why).await
}

/// `POST /unsubscribe`: no more digests to the token's holder.
pub async fn unsubscribe(db: &Database, token: &str, (source, client): (&str, &str)) -> anyhow::Result<Outcome> {
    let mut tx = db.pool.begin().await?;
    let outcome = match holder(&mut tx, token, Purpose::Unsubscribe).await? {
        Some((id, lang, status, true, _)) => {
            if status != "unsubscribed" {
                mark_unsubscribed(&mut tx, id, (source, lang, client)).await?;
            }
            Outcome::Done(lang)
        }
        Some((_, lang, ..)) => Outcome::Invalid(Some(lang)),
        None => Outcome::Invalid(None),
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The language preference, changed from the unsubscribe page.
pub async fn set_language(db: &Database, token: &str, lang: Lang, client: &str) -> anyhow::Result<Outcome> {
    let mut tx = db.pool.begin().await?;
    let outcome = match holder(&mut tx, token, Purpose::Unsubscribe).await? {
        Some((id, _, _, true, _)) => {
            sqlx::query("UPDATE subscribers SET lang = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(lang.code())
                .bind(now())
                .execute(&mut *tx)
                .await?;
            consent(&mut tx, id, "language", ("", lang, client)).await?;
            Outcome::Done(lang)
        }
        Some((_, lang, ..)) => Outcome::Invalid(Some(lang)),
        None => Outcome::Invalid(None),
    };
    tx.commit().await?;
    Ok(outcome)
}
