//! The confirmation mails (and the notes to addresses already subscribed): taken from the queue the requests filled, sent one at a time, removed
//! when the SMTP server has them.
//!
//! Input: the database's mail queue, the service's texts, an SMTP session or an outbox folder.
//! Output: mails handed over. Must not: drop a queued mail on a temporary failure (it is tried
//! again later, up to `queue::MAX_ATTEMPTS`), or run inside a request.

use super::ServiceSite;
use crate::model::{Lang, TOKEN_SLOT};
use crate::smtp::SmtpSession;
use crate::subscription::Database;
use crate::subscription::queue::{self, QueuedMail};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// Where confirmation mails go.
pub enum MailDelivery {
    /// Through an SMTP server.
    Smtp(Box<SmtpSession>),
    /// As `.eml` files in a folder (trying the service without a mail server).
    Outbox(PathBuf),
}

/// The sending loop's state.
pub struct Mailer {
    db: Database,
    delivery: MailDelivery,
    /// Per language and kind of mail (`confirm`, `subscribed`): sender, subject, text with
    /// `TOKEN_SLOT`.
    texts: BTreeMap<(Lang, &'static str), (lettre::message::Mailbox, String, String)>,
    default_lang: Lang,
}

impl Mailer {
    /// Ready to send the mails of `site`.
    pub fn new(db: Database, site: &ServiceSite, delivery: MailDelivery) -> anyhow::Result<Mailer> {
        let mut texts = BTreeMap::new();
        for (&lang, t) in &site.texts.by_lang {
            let sender = site
                .senders
                .get(&lang)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no sender for the {} confirmation mail", lang.code()))?;
            texts.insert((lang, "confirm"), (sender.clone(), t.confirm_subject.clone(), t.confirm_body.clone()));
            texts.insert((lang, "subscribed"), (sender, t.subscribed_subject.clone(), t.subscribed_body.clone()));
        }
        Ok(Mailer { db, delivery, texts, default_lang: site.default_lang })
    }

    /// Send what is queued whenever woken, and every few seconds (another instance's leftovers,
    /// or mails queued before a crash), until `stop`.
    pub fn run(mut self, runtime: &tokio::runtime::Handle, wake: &Receiver<()>, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            match runtime.block_on(queue::claim(&self.db, 20)) {
                Ok(mails) if !mails.is_empty() => {
                    let finished: Vec<i64> = mails.iter().filter(|m| self.send_one(runtime, m)).map(|m| m.id).collect();
                    if let Err(e) = runtime.block_on(queue::done(&self.db, &finished)) {
                        log::warn!("cannot update the mail queue: {e:#}");
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => log::warn!("cannot read the mail queue: {e:#}"),
            }
            let _ = wake.recv_timeout(Duration::from_secs(2));
        }
    }

    /// Send one claimed mail; whether it is finished with (sent, or given up).
    fn send_one(&mut self, runtime: &tokio::runtime::Handle, mail: &QueuedMail) -> bool {
        let outcome = match self.message(mail) {
            Ok(message) => self.deliver(&message, mail.id),
            Err(e) => Err((true, format!("cannot make the message: {e}"))),
        };
        match outcome {
            Ok(()) => true,
            Err((permanent, why)) if permanent || mail.attempts >= queue::MAX_ATTEMPTS => {
                log::warn!("mail {} given up: {why}", mail.id);
                true
            }
            Err((_, why)) => {
                log::info!("mail {} deferred: {why}", mail.id);
                if let Err(e) = runtime.block_on(queue::later(&self.db, mail.id, 30 << mail.attempts.clamp(0, 8))) {
                    log::warn!("cannot update the mail queue: {e:#}");
                }
                false
            }
        }
    }

    fn message(&self, mail: &QueuedMail) -> anyhow::Result<lettre::Message> {
        let (sender, subject, body) = self
            .texts
            .get(&(mail.lang, mail.kind.as_str()))
            .or_else(|| self.texts.get(&(self.default_lang, mail.kind.as_str())))
            .ok_or_else(|| anyhow::anyhow!("no text for a `{}` mail", mail.kind))?;
        let to: lettre::Address = mail.email.parse()?;
        let host = sender.email.domain().to_string();
        let message = lettre::Message::builder()
            .from(sender.clone())
            .to(lettre::message::Mailbox::new(None, to))
            .subject(subject.clone())
            .date_now()
            .message_id(Some(format!("<{}-{}@{host}>", mail.kind, mail.id)))
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.replace(TOKEN_SLOT, &mail.token))?;
        Ok(message)
    }

    /// Hand the message over: `Err((permanent, why))` when it could not be.
    fn deliver(&mut self, message: &lettre::Message, id: i64) -> Result<(), (bool, String)> {
        match &mut self.delivery {
            MailDelivery::Smtp(session) => {
                session.send(message).map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string()))
            }
            MailDelivery::Outbox(dir) => {
                crate::write::atomic::file(&dir.join(format!("confirm-{id}.eml")), &message.formatted())
                    .map_err(|e| (false, e.to_string()))
            }
        }
    }
}
