//! Sharing: the picture a page shows when shared (`og:image`, `twitter:image`) and the share
//! links of an item (e-mail, copy link; no third-party script).
//!
//! Input: the site, the image table, a page. Output: `SharePicture`, `ShareLinks` and their meta
//! tags. Must not: name a picture whose size is unknown with a size, or link a network's script.

use crate::model::{Lang, PageId, Site};
use crate::outputs::images::ImageTable;
use serde::Serialize;

/// The picture shown when a page is shared.
#[derive(Serialize, Clone, PartialEq, Eq)]
pub(super) struct SharePicture {
    /// Absolute URL.
    pub url: String,
    /// Pixels, when the picture is in the site.
    pub size: Option<(u32, u32)>,
    pub alt: String,
}

/// Item `id`'s picture: its `image:`, else its body's first image in the site, else its
/// original's (for a translation), else the site's `share_image`.
pub(super) fn item_picture(site: &Site, images: &ImageTable, id: PageId) -> Option<SharePicture> {
    let original = site.translations[id].iter().copied().find(|&t| site.pages[t].lang == site.config.default_language);
    own_picture(site, images, id)
        .or_else(|| original.and_then(|o| own_picture(site, images, o)))
        .or_else(|| site_picture(site, images, site.pages[id].lang))
}

fn own_picture(site: &Site, images: &ImageTable, id: PageId) -> Option<SharePicture> {
    let page = &site.pages[id];
    let paths = &site.image_paths[id];
    let picture = |n: usize| {
        let image = page.images.get(n)?;
        match paths.get(n)?.as_deref() {
            Some(path) => {
                let facts = images.get(path)?;
                let url = site.config.permalink(&crate::urls::static_file(path));
                Some(SharePicture { url, size: Some((facts.width, facts.height)), alt: image.alt.clone() })
            }
            None if image.written.starts_with("https://") => {
                Some(SharePicture { url: image.written.clone(), size: None, alt: image.alt.clone() })
            }
            None => None,
        }
    };
    if let Some(n) = page.share_image {
        return picture(n);
    }
    (0..page.images.len()).filter(|&n| !page.images[n].link).find_map(picture)
}

/// The site's `share_image`, with its alt text in `lang`.
pub(super) fn site_picture(site: &Site, images: &ImageTable, lang: Lang) -> Option<SharePicture> {
    configured(site, images, site.config.share_image.as_ref()?, lang)
}

/// The site's `logo`, with its alt text in `lang`.
pub(super) fn logo(site: &Site, images: &ImageTable, lang: Lang) -> Option<SharePicture> {
    configured(site, images, site.config.logo.as_ref()?, lang)
}

fn configured(
    site: &Site,
    images: &ImageTable,
    setting: &crate::model::SitePicture,
    lang: Lang,
) -> Option<SharePicture> {
    let facts = images.get(setting.out_path())?;
    Some(SharePicture {
        url: site.config.permalink(&crate::urls::static_file(setting.out_path())),
        size: Some((facts.width, facts.height)),
        alt: setting.alt.get(lang).to_string(),
    })
}

/// A `<meta>` tag's key and content.
pub(super) type Tag = (&'static str, String);

/// Open Graph (`property`) and Twitter (`name`) tags for a page's picture; without one, a
/// summary card.
pub(super) fn picture_tags(picture: Option<&SharePicture>) -> (Vec<Tag>, Vec<Tag>) {
    let Some(p) = picture else { return (Vec::new(), vec![("twitter:card", "summary".into())]) };
    let mut properties = vec![("og:image", p.url.clone())];
    if let Some((w, h)) = p.size {
        properties.extend([("og:image:width", w.to_string()), ("og:image:height", h.to_string())]);
    }
    let mut names = vec![("twitter:card", "summary_large_image".to_string()), ("twitter:image", p.url.clone())];
    if !p.alt.is_empty() {
        properties.push(("og:image:alt", p.alt.clone()));
        names.push(("twitter:image:alt", p.alt.clone()));
    }
    (properties, names)
}

/// An item's share links.
#[derive(Serialize)]
pub(super) struct ShareLinks {
    /// A `mailto:` with the title as subject and the address as body.
    pub email: String,
    /// The address to copy.
    pub url: String,
}

pub(super) fn links(site: &Site, id: PageId) -> ShareLinks {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let page = &site.pages[id];
    let url = site.config.permalink(&page.url_path);
    let subject = utf8_percent_encode(&page.title, NON_ALPHANUMERIC);
    let body = utf8_percent_encode(&url, NON_ALPHANUMERIC);
    ShareLinks { email: format!("mailto:?subject={subject}&body={body}"), url }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_makes_a_large_card_with_its_size_and_alt_and_none_a_summary_card() {
        let p = SharePicture { url: "https://x.org/a.png".into(), size: Some((1200, 630)), alt: "A chart".into() };
        let (props, names) = picture_tags(Some(&p));
        assert!(
            props.contains(&("og:image:width", "1200".into())) && props.contains(&("og:image:alt", "A chart".into()))
        );
        assert_eq!(names[0], ("twitter:card", "summary_large_image".into()));
        assert_eq!(picture_tags(None).1, vec![("twitter:card", "summary".to_string())]);
    }
}
