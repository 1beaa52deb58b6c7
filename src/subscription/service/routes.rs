//! The service's paths: `POST /subscribe`, `GET /confirm`, `GET`/`POST /unsubscribe`,
//! `POST /language`, and the checks every request passes first.

use super::{Service, guard};
use crate::model::{AnswerPage, Lang, TOKEN_SLOT};
use crate::subscription::register::{self, Outcome, SubscribeRequest};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// A form is an address, a language and two short fields: anything longer is not one.
const BODY_LIMIT: usize = 4096;

type Shared = State<Arc<Service>>;

pub(super) fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/subscribe", post(subscribe))
        .route("/confirm", get(confirm))
        .route("/unsubscribe", get(unsubscribe_page).post(unsubscribe))
        .route("/language", post(language))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(Arc::clone(&service), checks))
        .with_state(service)
}

/// Host and Origin checks, and the headers of every answer.
async fn checks(State(service): Shared, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let mut response = if !guard::host_allowed(host, &service.hosts) {
        text(StatusCode::MISDIRECTED_REQUEST, "This service does not answer for that host.")
    } else if request.method() == Method::POST && !origin_allowed(headers, &service.site.origins) {
        text(StatusCode::FORBIDDEN, "Forms are accepted from the site's own pages only.")
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src *; img-src *; form-action *; frame-ancestors 'none'"),
    );
    response
}

/// A POST without `Origin` (a mail provider's one-click) or from the site or the service.
fn origin_allowed(headers: &HeaderMap, origins: &[String]) -> bool {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => true,
        Some(origin) => origins.iter().any(|o| o.eq_ignore_ascii_case(origin)),
    }
}

fn text(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "The answer page's address is not valid."),
    }
}

/// The database could not take the request: nothing was stored, the reader may try again.
fn unavailable(e: &anyhow::Error) -> Response {
    log::error!("subscriber database: {e:#}");
    let mut response = text(
        StatusCode::SERVICE_UNAVAILABLE,
        "The subscription service cannot store requests right now; nothing was stored. Please try again in a few minutes.\n\
         订阅服务暂时无法保存请求，本次请求未被保存。请几分钟后再试。",
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// The fields of a form body (the first of each name); `None` when the body is not a form.
fn form(headers: &HeaderMap, body: &Bytes) -> Option<HashMap<String, String>> {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).unwrap_or_default();
    let essence = kind.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    (essence == "application/x-www-form-urlencoded").then(|| fields(body))
}

fn not_a_form() -> Response {
    text(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the form as application/x-www-form-urlencoded.")
}

fn fields(bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(bytes) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn client(service: &Service, peer: SocketAddr, headers: &HeaderMap) -> std::net::IpAddr {
    let forwarded = headers.get("x-forwarded-for").and_then(|h| h.to_str().ok());
    guard::client(peer.ip(), forwarded, &service.proxies)
}

/// Where the form was: its `source` field (a path on the site), else the `Referer`.
fn source(fields: &HashMap<String, String>, headers: &HeaderMap) -> String {
    let given = fields.get("source").filter(|s| s.starts_with('/') && !s.starts_with("//"));
    let referer = || headers.get(header::REFERER).and_then(|r| r.to_str().ok()).map(str::to_string);
    let source = given.cloned().or_else(referer).unwrap_or_default();
    source.chars().filter(|c| !c.is_control()).take(300).collect()
}

async fn subscribe(
    State(service): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(fields) = form(&headers, &body) else { return not_a_form() };
    let lang = service.site.lang(fields.get("lang").map(String::as_str));
    let check_inbox = service.site.answer(AnswerPage::CheckInbox, lang);
    // The field people cannot see was filled: a robot. It is told what a person would be.
    if fields.get("website").is_some_and(|w| !w.is_empty()) {
        return see_other(check_inbox);
    }
    let Ok(email) = crate::address::check_address(fields.get("email").map_or("", String::as_str)) else {
        return text(
            StatusCode::BAD_REQUEST,
            "That is not an e-mail address: go back and check it.\n这不是有效的电子邮件地址，请返回检查。",
        );
    };
    let client = client(&service, peer, &headers);
    let request = SubscribeRequest {
        email,
        lang,
        source: source(&fields, &headers),
        client: client.to_string(),
        mail_allowed: service.throttle.allow(client, std::time::Instant::now()),
    };
    let mail_allowed = request.mail_allowed;
    match service.committer.subscribe(request).await {
        Ok(queued) => {
            if queued {
                let _ = service.wake_mailer.try_send(());
            } else if mail_allowed {
                service.throttle.refund(client);
            }
            see_other(check_inbox)
        }
        Err(e) => unavailable(&e),
    }
}

fn query(request_query: Option<&str>) -> HashMap<String, String> {
    fields(request_query.unwrap_or_default().as_bytes())
}

async fn confirm(
    State(service): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let token = query(uri.query()).remove("t").unwrap_or_default();
    let client = client(&service, peer, &headers).to_string();
    match register::confirm(&service.db, &token, &client).await {
        Ok(Outcome::Done(lang)) => see_other(service.site.answer(AnswerPage::Confirmed, lang)),
        Ok(Outcome::Invalid(lang)) => expired(&service, lang),
        Err(e) => unavailable(&e),
    }
}

fn expired(service: &Service, lang: Option<Lang>) -> Response {
    see_other(service.site.answer(AnswerPage::LinkExpired, lang.unwrap_or(service.site.default_lang)))
}

/// The page behind every digest's unsubscribe link: following the link changes nothing (mail
/// scanners follow links); its buttons do.
async fn unsubscribe_page(State(service): Shared, uri: axum::http::Uri) -> Response {
    let mut q = query(uri.query());
    let token = q.remove("t").unwrap_or_default();
    match register::unsubscribe_holder(&service.db, &token).await {
        Ok(Some(lang)) => {
            let Some(texts) = service.site.texts.by_lang.get(&lang) else { return expired(&service, Some(lang)) };
            let page = if q.contains_key("changed") { &texts.manage_changed } else { &texts.manage };
            // The token passed `tokens::hash`: 64 hex digits, nothing to escape.
            let html = page.replace(TOKEN_SLOT, &token);
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Ok(None) => expired(&service, None),
        Err(e) => unavailable(&e),
    }
}

/// RFC 8058 one-click (token in the URL, `List-Unsubscribe=One-Click` in the body, form or
/// multipart), or the page's button (token in the form).
async fn unsubscribe(
    State(service): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).unwrap_or_default();
    let (fields, one_click) = if kind.to_ascii_lowercase().starts_with("multipart/form-data") {
        let text = String::from_utf8_lossy(&body);
        (HashMap::new(), text.contains("List-Unsubscribe") && text.contains("One-Click"))
    } else {
        let Some(f) = form(&headers, &body) else { return not_a_form() };
        let one_click = f.get("List-Unsubscribe").is_some_and(|v| v == "One-Click");
        (f, one_click)
    };
    let token = fields.get("t").cloned().or_else(|| query(uri.query()).remove("t")).unwrap_or_default();
    let client = client(&service, peer, &headers).to_string();
    let source = if one_click { "one-click (List-Unsubscribe-Post)" } else { "unsubscribe page" };
    match register::unsubscribe(&service.db, &token, (source, &client)).await {
        Ok(Outcome::Done(_)) if one_click => text(StatusCode::OK, "Unsubscribed.\n已退订。"),
        Ok(Outcome::Done(lang)) => see_other(service.site.answer(AnswerPage::Unsubscribed, lang)),
        Ok(Outcome::Invalid(_)) if one_click => text(StatusCode::NOT_FOUND, "This unsubscribe link is not known."),
        Ok(Outcome::Invalid(lang)) => expired(&service, lang),
        Err(e) => unavailable(&e),
    }
}

async fn language(
    State(service): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(fields) = form(&headers, &body) else { return not_a_form() };
    let token = fields.get("t").cloned().unwrap_or_default();
    let lang = service.site.lang(fields.get("lang").map(String::as_str));
    let client = client(&service, peer, &headers).to_string();
    match register::set_language(&service.db, &token, lang, &client).await {
        Ok(Outcome::Done(_)) => {
            let page = crate::urls::service(&service.site.service_url, "/unsubscribe");
            see_other(&format!("{page}?t={token}&changed=1"))
        }
        Ok(Outcome::Invalid(lang)) => expired(&service, lang),
        Err(e) => unavailable(&e),
    }
}
