//! The images stage: the size of every raster image the bodies show, and its WebP copies, made
//! once and then taken from the cache (`.seedbed-cache/images/`, keyed by the image's bytes);
//! every SVG of the site checked for script.
//!
//! Input: the assembled site and the theme's files. Output: `ImageTable` for render, the copies
//! handed to `emit`, and problems. Must not: decode an image whose copies are all cached.

use crate::error::SiteError;
use crate::model::{Asset, AssetSource, Emit, OutputContents, OutputFile, Site, ThemeFiles};
use crate::outputs::images::{self, ImageFacts, ImageTable, SizedCopy};
use crate::{load, urls};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// What the stage made, for the build's log.
#[derive(Debug, Default)]
struct Tally {
    encoded: AtomicUsize,
    cached: AtomicUsize,
}

/// Sizes and copies of the images `site`'s bodies show, and every problem with the site's images.
pub(crate) fn make(root: &Path, site: &Site, theme: &ThemeFiles, emit: Emit) -> (ImageTable, Vec<SiteError>) {
    let started = std::time::Instant::now();
    let (shown, shared) = shown_and_shared(site);
    let shown: BTreeSet<&str> = shown.iter().chain(&shared).copied().collect();
    let cache = load::image_cache(root);
    let tally = Tally::default();
    let made: Vec<(String, Result<ImageFacts, SiteError>)> = shown
        .into_par_iter()
        .filter_map(|path| theme.assets.binary_search_by(|a| a.out_path.as_str().cmp(path)).ok())
        .map(|i| {
            let asset = &theme.assets[i];
            let copies = !shared.contains(asset.out_path.as_str());
            (asset.out_path.clone(), facts(asset, copies, cache.as_deref(), &tally, emit))
        })
        .collect();
    let mut problems = svg_problems(&theme.assets);
    let mut table = ImageTable::default();
    for (path, facts) in made {
        match facts {
            Ok(facts) => drop(table.0.insert(path, facts)),
            Err(problem) => problems.push(problem),
        }
    }
    let (encoded, cached) = (tally.encoded.into_inner(), tally.cached.into_inner());
    if encoded + cached > 0 {
        log::info!("images: {encoded} copies made, {cached} taken from the cache in {:?}", started.elapsed());
    }
    (table, problems)
}

/// The raster images the bodies show, and those only shared pages show (the site's `share_image`
/// and items' `image:` not in any body) or the header shows (the site's `logo`): a page preview
/// fetches the picture itself and a logo is small, so those need their size (for
/// `og:image:width`, the logo's `width`) but no smaller copies.
fn shown_and_shared(site: &Site) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let (mut shown, mut shared) = (BTreeSet::new(), BTreeSet::new());
    for id in 0..site.pages.len() {
        let page = &site.pages[id];
        for (n, (image, path)) in page.images.iter().zip(&site.image_paths[id]).enumerate() {
            match path.as_deref().filter(|p| !image.link && images::is_raster(p)) {
                Some(path) if page.share_image == Some(n) => shared.insert(path),
                Some(path) => shown.insert(path),
                None => false,
            };
        }
    }
    shared.extend(site.config.share_image.as_ref().map(|s| s.out_path()));
    shared.extend(site.config.logo.as_ref().map(|s| s.out_path()));
    shared.retain(|path| !shown.contains(path));
    (shown, shared)
}

/// One image's size and its copies if `copies` (from the cache, else made and cached), emitted.
fn facts(
    asset: &Asset,
    copies: bool,
    cache: Option<&Path>,
    tally: &Tally,
    emit: Emit,
) -> Result<ImageFacts, SiteError> {
    let unreadable = |why: String| {
        SiteError::warning(&asset.origin, 1, 1, format!("cannot read image `{}`: {why}", asset.origin))
            .with_hint("save it again as PNG, JPEG, WebP or GIF; the page shows it without a size or smaller copies")
    };
    let bytes = load::asset_bytes(&asset.source).map_err(|e| unreadable(e.to_string()))?;
    let mut plan = images::plan(&bytes).map_err(unreadable)?;
    if !copies {
        plan.widths.clear();
    }
    let name = |w: u32| format!("{}-{w}.webp", plan.key);
    let mut copies: Vec<(u32, u64, OutputContents)> = plan
        .widths
        .iter()
        .filter_map(|&w| {
            let (path, len) = load::cached_copy(cache?, &name(w))?;
            Some((w, len, OutputContents::Copy(AssetSource::File(path))))
        })
        .collect();
    tally.cached.fetch_add(copies.len(), Relaxed);
    let missing: Vec<u32> = plan.widths.iter().copied().filter(|w| !copies.iter().any(|c| c.0 == *w)).collect();
    if !missing.is_empty() {
        let made = images::encode(&bytes, &missing).map_err(unreadable)?;
        tally.encoded.fetch_add(made.len(), Relaxed);
        for (w, copy) in made {
            super::keep_in_cache(cache, &name(w), &copy);
            copies.push((w, copy.len() as u64, OutputContents::Bytes(copy)));
        }
        copies.sort_by_key(|c| c.0);
    }
    // A copy no smaller than the image itself is of no use to a browser.
    copies.retain(|(_, len, _)| *len < bytes.len() as u64);
    let copies = copies
        .into_iter()
        .map(|(width, _, contents)| {
            let out_path = urls::image_copy(&asset.out_path, width);
            emit(OutputFile { path: out_path.clone(), contents });
            SizedCopy { width, out_path }
        })
        .collect();
    Ok(ImageFacts { width: plan.width, height: plan.height, copies })
}

/// Every SVG of the site (not the built-in theme's) that would run script when opened.
fn svg_problems(assets: &[Asset]) -> Vec<SiteError> {
    assets
        .par_iter()
        .filter(|a| a.out_path.to_ascii_lowercase().ends_with(".svg") && matches!(a.source, AssetSource::File(_)))
        .flat_map_iter(|asset| {
            let text = load::asset_bytes(&asset.source).map(|b| String::from_utf8_lossy(&b).into_owned());
            let text = text.unwrap_or_default();
            images::svg::active_content(&text)
                .into_iter()
                .map(|(offset, why)| {
                    let (line, column) = crate::error::line_col(&text, offset);
                    SiteError::new(&asset.origin, line, column, format!("this SVG could run script: {why}"))
                        .with_hint("remove scripts, event handlers (onload=…) and javascript: links: a browser runs them, with the site's address, when the file is opened")
                        .with_source(&text)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
