//! What the subscription service shows and sends, rendered once when it starts: the page an
//! unsubscribe link opens, and the confirmation mail, in each of the site's languages.
//!
//! Input: the site's settings and the theme. Output: `ServiceTexts`, with `TOKEN_SLOT` where
//! each reader's token goes. Must not: read files or need the site's content (the service
//! starts without parsing it).

use super::Templates;
use crate::error::SiteError;
use crate::model::{Config, Lang, TOKEN_SLOT};
use serde::Serialize;
use std::collections::BTreeMap;

/// One language's texts.
#[derive(Debug, Clone)]
pub struct ServiceLangTexts {
    /// The page of `GET /unsubscribe?t=`: an unsubscribe button and a language choice.
    pub manage: String,
    /// The same, saying the language was changed.
    pub manage_changed: String,
    /// The confirmation mail's subject.
    pub confirm_subject: String,
    /// Its text, the confirmation link included.
    pub confirm_body: String,
    /// The mail to an address that asks again while subscribed: its subject.
    pub subscribed_subject: String,
    /// Its text, with a link to the unsubscribe page.
    pub subscribed_body: String,
}

/// The service's texts by language.
#[derive(Debug, Clone)]
pub struct ServiceTexts {
    /// Every language of the site.
    pub by_lang: BTreeMap<Lang, ServiceLangTexts>,
}

#[derive(Serialize)]
struct LanguageChoice {
    code: &'static str,
    name: &'static str,
    current: bool,
}

/// Render the service's texts; `service_url` is `digest.service_url`.
pub fn service_texts(config: &Config, templates: &Templates, service_url: &str) -> Result<ServiceTexts, SiteError> {
    let mut by_lang = BTreeMap::new();
    for &lang in &config.languages {
        let label = |key: &str| templates.label(lang, key);
        let mut context = tera::Context::new();
        context.insert("lang", lang.code());
        context.insert("site_title", config.title.get(lang));
        context.insert("home_url", &config.permalink(&crate::urls::home(lang)));
        context.insert("style_url", &config.permalink(&crate::urls::static_file("style.css")));
        context.insert("favicon_url", &config.permalink(&crate::urls::static_file("favicon.svg")));
        context.insert("token", TOKEN_SLOT);
        context.insert("unsubscribe_action", &crate::urls::service(service_url, "/unsubscribe"));
        context.insert("language_action", &crate::urls::service(service_url, "/language"));
        let languages: Vec<LanguageChoice> = config
            .languages
            .iter()
            .map(|&l| LanguageChoice { code: l.code(), name: l.spec().name, current: l == lang })
            .collect();
        context.insert("languages", &languages);
        context.insert("t", &templates.strings.get(&lang));
        context.insert("changed", &false);
        let manage = templates.render_named("subscription_manage.html", &context)?;
        context.insert("changed", &true);
        let manage_changed = templates.render_named("subscription_manage.html", &context)?;
        let site = config.title.get(lang);
        let mail = |intro: &str, path: &str, outro: &str| {
            let link = format!("{}?t={TOKEN_SLOT}", crate::urls::service(service_url, path));
            let home = config.permalink(&crate::urls::home(lang));
            format!("{}\n\n{link}\n\n{}\n\n-- \n{site}\n{home}\n", label(intro).replace("{site}", site), label(outro))
        };
        by_lang.insert(
            lang,
            ServiceLangTexts {
                manage,
                manage_changed,
                confirm_subject: label("confirm_subject").replace("{site}", site),
                confirm_body: mail("confirm_body", "/confirm", "confirm_ignore"),
                subscribed_subject: label("subscribed_subject").replace("{site}", site),
                subscribed_body: mail("subscribed_body", "/unsubscribe", "subscribed_ignore"),
            },
        );
    }
    Ok(ServiceTexts { by_lang })
}
