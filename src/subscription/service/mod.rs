//! `seedbed subscribers serve`: the HTTP service the site's subscribe form posts to, and the
//! confirmation and unsubscribe links lead to.
//!
//! Input: the site's settings and theme (`ServiceSite`), the database, the SMTP settings.
//! Output: answers to requests (303s to the site's answer pages, the unsubscribe page, 200 to a
//! one-click unsubscribe) and confirmation mails. Must not: answer a request to subscribe before
//! it is committed, send mail from a request (mails are queued and sent by `mailer`), answer a
//! foreign Host, a cross-site origin, or a body that is not a small form, or let slow clients
//! hold it (hyper on a connection cap, with a timeout for each request head).

mod committer;
mod guard;
pub mod mailer;
mod routes;

use super::Database;
use crate::model::{AnswerPage, Config, Lang};
use crate::render::ServiceTexts;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// What the service knows of the site, prepared when it starts.
pub struct ServiceSite {
    /// `digest.service_url`.
    pub service_url: String,
    /// The language of a request that names none the site has.
    pub default_lang: Lang,
    /// The site's languages.
    pub languages: Vec<Lang>,
    /// The answer pages' absolute URLs.
    pub answers: BTreeMap<(AnswerPage, Lang), String>,
    /// The unsubscribe page and the confirmation mail, per language.
    pub texts: ServiceTexts,
    /// The confirmation mail's sender, per language.
    pub senders: BTreeMap<Lang, lettre::message::Mailbox>,
    /// Origins a form may be posted from: the site's and the service's.
    pub origins: Vec<String>,
}

impl ServiceSite {
    /// Prepare from the site's settings and theme.
    pub fn new(config: &Config, templates: &crate::render::Templates) -> anyhow::Result<ServiceSite> {
        let service_url = config.digest.service_url.clone().ok_or_else(|| {
            anyhow::anyhow!("set `digest.service_url` in site.yaml: the public https address of this service")
        })?;
        let texts =
            crate::render::service_texts(config, templates, &service_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        let from = crate::address::sender(config).map_err(|e| anyhow::anyhow!("{e}"))?;
        let senders = crate::address::senders(config, &from)
            .into_iter()
            .filter_map(|(code, sender)| Some((Lang::from_code(&code)?, sender.parse().ok()?)))
            .collect();
        let answers = AnswerPage::ALL
            .iter()
            .flat_map(|&page| config.languages.iter().map(move |&lang| (page, lang)))
            .map(|(page, lang)| ((page, lang), config.permalink(&crate::urls::answer_page(page, lang))))
            .collect();
        let origin = |url: &str| url::Url::parse(url).map(|u| u.origin().ascii_serialization()).ok();
        let origins = [origin(&config.base_url), origin(&service_url)].into_iter().flatten().collect();
        Ok(ServiceSite {
            service_url,
            default_lang: config.default_language,
            languages: config.languages.clone(),
            answers,
            texts,
            senders,
            origins,
        })
    }

    fn answer(&self, page: AnswerPage, lang: Lang) -> &str {
        self.answers.get(&(page, lang)).map_or("/", String::as_str)
    }

    /// `tag` as one of the site's languages, else the default.
    fn lang(&self, tag: Option<&str>) -> Lang {
        tag.and_then(Lang::from_tag).filter(|l| self.languages.contains(l)).unwrap_or(self.default_lang)
    }
}

/// How the service runs.
pub struct ServiceOptions {
    /// Where it listens.
    pub listener: std::net::TcpListener,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Confirmation mails one client may cause in an hour.
    pub mails_per_client_hour: u32,
    /// Where confirmation mails go.
    pub delivery: mailer::MailDelivery,
}

/// Shared by every request.
pub(super) struct Service {
    db: Database,
    site: ServiceSite,
    throttle: guard::Throttle,
    proxies: Vec<IpAddr>,
    hosts: Vec<String>,
    wake_mailer: std::sync::mpsc::SyncSender<()>,
    committer: committer::Committer,
}

/// Serve until Ctrl+C or SIGTERM; confirmation mails go out from a thread of their own.
pub fn run(
    db: Database,
    site: ServiceSite,
    options: ServiceOptions,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let addr = options.listener.local_addr()?;
    let (wake_mailer, wake) = std::sync::mpsc::sync_channel(1);
    let hosts = guard::allowed_hosts(&site.service_url, addr);
    let mail = mailer::Mailer::new(db.clone(), &site, options.delivery)?;
    let committer = runtime.block_on(async { committer::Committer::start(db.clone()) });
    let service = Arc::new(Service {
        db: db.clone(),
        site,
        throttle: guard::Throttle::new(options.mails_per_client_hour),
        proxies: options.trusted_proxies,
        hosts,
        wake_mailer,
        committer,
    });
    let handle = runtime.handle().clone();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mailer_stop = Arc::clone(&stop);
    let mailer_thread = std::thread::spawn(move || mail.run(&handle, &wake, &mailer_stop));
    options.listener.set_nonblocking(true)?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(options.listener)?;
        on_ready(addr);
        accept(listener, routes::router(service)).await;
        db.close().await;
        anyhow::Ok(())
    });
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = mailer_thread.join();
    served
}

/// Connections at once; one more is told 503 (the proxy keeps its own few open).
const MAX_CONNECTIONS: usize = 1024;
/// How long a connection may take to send a request head, or sit idle between requests.
const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serve connections until Ctrl+C or SIGTERM, then wait up to five seconds for those open: a
/// slow or idle client is closed after `HEADER_TIMEOUT`, and holds one of `MAX_CONNECTIONS`.
async fn accept(listener: tokio::net::TcpListener, app: axum::Router) {
    use tower::ServiceExt;
    let limit = crate::listener::connection_limit(MAX_CONNECTIONS);
    let connections = Arc::new(tokio::sync::Semaphore::new(limit));
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    log::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            tokio::spawn(crate::listener::too_busy(stream));
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(request.map(axum::body::Body::new))
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_headers(64)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = connection.await;
            drop(permit);
        });
    }
    let all = u32::try_from(limit).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), connections.acquire_many(all)).await;
}

/// Ctrl+C or SIGTERM.
async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
