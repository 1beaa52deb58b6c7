//! One subscriber's message: the stored parts of their language with their unsubscribe link,
//! and the list headers.
//!
//! Input: the digest's record and parts, a validated subscriber, the unsubscribe secret. Output:
//! a lettre `Message` (`multipart/alternative`: text first, HTML last). Must not: read files, or
//! put anything in a header that did not pass `subscribers` or `compose::clean`.

use super::store::Record;
use super::{GREETING_SLOT, TOKEN_SLOT};
use crate::address::{Subscriber, key};
use crate::model::Lang;
use hmac::{KeyInit, Mac};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use std::collections::BTreeMap;

/// The stored parts of a digest: (text, HTML) per language.
pub(super) struct Parts {
    pub by_lang: BTreeMap<Lang, (String, String)>,
}

impl Parts {
    /// The subscriber's language, or the first the digest has.
    fn pick(&self, lang: Lang) -> Option<(Lang, &(String, String))> {
        self.by_lang.get_key_value(&lang).or_else(|| self.by_lang.iter().next()).map(|(l, p)| (*l, p))
    }
}

/// `<digest-ID.HASH@HOST>`: the same for every attempt at one subscriber, so a resent message is
/// recognisably the same one.
pub(super) fn message_id(record: &Record, subscriber: &str, host: &str) -> String {
    format!("<digest-{}.{}@{host}>", record.id, address_hash(subscriber, 10))
}

/// The first `bytes` bytes of the SHA-256 of the address key, in hex: names a subscriber in
/// Message-IDs and outbox files without spelling out the address.
pub(super) fn address_hash(subscriber: &str, bytes: usize) -> String {
    use sha2::Digest;
    hex(sha2::Sha256::digest(key(subscriber).as_bytes()).iter().take(bytes))
}

fn hex<'a>(bytes: impl Iterator<Item = &'a u8>) -> String {
    bytes.map(|b| format!("{b:02x}")).collect()
}

/// The token of an unsubscribe link: the address in hex, a dot, its HMAC under `secret`.
pub(super) fn unsubscribe_token(secret: &[u8], list_id: &str, subscriber: &str) -> anyhow::Result<String> {
    let address = key(subscriber);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret)
        .map_err(|e| anyhow::anyhow!("SEEDBED_UNSUBSCRIBE_SECRET cannot key the HMAC: {e}"))?;
    mac.update(list_id.as_bytes());
    mac.update(b"\n");
    mac.update(address.as_bytes());
    let tag = hex(mac.finalize().into_bytes().iter().take(16));
    Ok(format!("{}.{tag}", hex(address.as_bytes().iter())))
}

/// The host part of the sender's address, for Message-IDs.
pub(super) fn sender_host(record: &Record) -> String {
    record.from.parse::<Mailbox>().map(|m| m.email.domain().to_string()).unwrap_or_else(|_| "localhost".into())
}

/// What every message of the digest needs, checked once before any is sent: a failure here is
/// the digest's or the configuration's, so it stops the run instead of failing each subscriber.
pub(super) fn check_digest(record: &Record, parts: &Parts, secret: Option<&[u8]>) -> anyhow::Result<()> {
    anyhow::ensure!(!parts.by_lang.is_empty(), "the digest has no parts");
    if record.service_url.is_none() && record.unsubscribe_url.is_some() && secret.is_none() {
        anyhow::bail!("set SEEDBED_UNSUBSCRIBE_SECRET: the unsubscribe endpoint checks tokens with it");
    }
    record.from.parse::<Mailbox>().map_err(|e| anyhow::anyhow!("the digest's sender `{}`: {e}", record.from))?;
    Ok(())
}

/// The one-click unsubscribe URL carrying `token`: the service's, or the endpoint's of
/// `digest.unsubscribe_url`.
fn one_click_url(record: &Record, token: &str) -> Option<String> {
    if let Some(service) = &record.service_url {
        return Some(format!("{}?t={token}", crate::urls::service(service, "/unsubscribe")));
    }
    let url = record.unsubscribe_url.as_ref()?;
    Some(format!("{url}{}s={token}", if url.contains('?') { '&' } else { '?' }))
}

/// The greeting of a subscriber of `name` (none: the greeting without a name).
fn greeting(record: &Record, lang: Lang, name: &str) -> String {
    match record.greetings.get(lang.code()) {
        Some((named, _)) if !name.trim().is_empty() => named.replace("{name}", name.trim()),
        Some((_, plain)) => plain.clone(),
        None => String::new(),
    }
}

/// The message for `subscriber`, whose unsubscribe links carry `token` (from the subscriber
/// database, or signed with `unsubscribe_token`; none without an unsubscribe endpoint).
pub(super) fn build(
    record: &Record,
    parts: &Parts,
    subscriber: &Subscriber,
    token: Option<&str>,
) -> anyhow::Result<lettre::Message> {
    let (lang, (text, html)) = parts.pick(subscriber.lang).ok_or_else(|| anyhow::anyhow!("the digest has no parts"))?;
    let email = subscriber.email.to_string();
    let one_click = token.and_then(|t| one_click_url(record, t).map(|url| (url, t)));
    if one_click.is_none() && (record.service_url.is_some() || record.unsubscribe_url.is_some()) {
        anyhow::bail!("no unsubscribe token for this subscriber");
    }
    let (text, html) = match &one_click {
        Some((_, token)) => (text.replace(TOKEN_SLOT, token), html.replace(TOKEN_SLOT, token)),
        None => (text.clone(), html.clone()),
    };
    let greeting = greeting(record, lang, &subscriber.name);
    let (text, html) =
        (text.replace(GREETING_SLOT, &greeting), html.replace(GREETING_SLOT, &crate::text::escape_html(&greeting)));
    let sender = record.senders.get(lang.code()).unwrap_or(&record.from);
    let from: Mailbox = sender.parse().map_err(|e| anyhow::anyhow!("the digest's sender `{sender}`: {e}"))?;
    let name = (!subscriber.name.is_empty()).then(|| subscriber.name.clone());
    let subject = record.subjects.get(lang.code()).cloned().unwrap_or_default();
    let host = sender_host(record);
    let mut message = lettre::Message::builder()
        .from(from)
        .to(Mailbox::new(name, subscriber.email.clone()))
        .subject(subject)
        .date_now()
        .message_id(Some(message_id(record, &email, &host)))
        .multipart(MultiPart::alternative_plain_html(text, html))?;
    let mut unsubscribe = format!("<{}>", record.unsubscribe_mailto);
    if let Some((url, _)) = &one_click {
        unsubscribe.push_str(&format!(", <{url}>"));
    }
    let headers = message.headers_mut();
    headers.insert_raw(raw_header("List-Id", &record.list_id)?);
    headers.insert_raw(raw_header("List-Unsubscribe", &unsubscribe)?);
    if one_click.is_some() {
        headers.insert_raw(raw_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")?);
    }
    Ok(message)
}

/// A header whose value is plain ASCII without line breaks (the builder would not encode it).
fn raw_header(name: &'static str, value: &str) -> anyhow::Result<HeaderValue> {
    anyhow::ensure!(
        value.chars().all(|c| c.is_ascii() && !c.is_control()),
        "the {name} header must be ASCII on one line: `{}`",
        value.escape_debug()
    );
    Ok(HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string()))
}
