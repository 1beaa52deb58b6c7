//! Images the bodies show: their size, and smaller WebP copies a browser picks from (`srcset`).
//!
//! Input: an image's output path and bytes. Output: its `ImagePlan` (size, which copies, the
//! cache key) and the copies' bytes; `ImageTable` collects what render needs. Must not: read or
//! write files (the pipeline reads images and cached copies through `load`, stores copies
//! through `write`), or decode an image whose copies are cached.

pub(crate) mod svg;

use std::collections::BTreeMap;

/// The widths copies are made at, when the image is wider; an image up to the last width also
/// gets a copy at its own width (WebP is smaller than most PNG and JPEG files).
pub const WIDTHS: [u32; 4] = [480, 960, 1600, 2400];
/// WebP quality: at 80 a chart's text stays sharp and a photo loses nothing visible.
const QUALITY: f32 = 80.0;
/// Part of every cache key: a change to how copies are made must not reuse old copies.
const RECIPE: &str = "webp-q80-triangle-1";
/// Images larger than this are not decoded (a small file can claim a huge size).
const MAX_SIDE: u32 = 16_383;

/// What render needs of one image in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// WebP copies, narrowest first; each is smaller in bytes than the image.
    pub copies: Vec<SizedCopy>,
}

/// One WebP copy of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizedCopy {
    /// Pixels.
    pub width: u32,
    /// Where it is in the output (`reports/x/chart-480w.webp`).
    pub out_path: String,
}

/// The facts of every image the bodies show, by output path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageTable(pub BTreeMap<String, ImageFacts>);

impl ImageTable {
    /// The facts of the image at `out_path`, if it is a raster image that could be read.
    pub fn get(&self, out_path: &str) -> Option<&ImageFacts> {
        self.0.get(out_path)
    }
}

/// What to make of one image, known from its header and hash alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagePlan {
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// The widths of the copies to make (none for a GIF, which may be animated).
    pub widths: Vec<u32>,
    /// Names the copies in the cache: the image's bytes and how copies are made.
    pub key: String,
}

/// The formats that get a size and copies, by extension.
pub fn is_raster(out_path: &str) -> bool {
    let ext = out_path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp" | "gif")
}

/// The size of the image in `bytes` and the copies it should get, or why it cannot be read.
pub fn plan(bytes: &[u8]) -> Result<ImagePlan, String> {
    let reader =
        image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let format = reader.format().ok_or("it is not a PNG, JPEG, WebP or GIF image")?;
    let (width, height) = reader.into_dimensions().map_err(|e| e.to_string())?;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("it is {width}×{height} pixels; images may be 1 to {MAX_SIDE} pixels on each side"));
    }
    let widths = if format == image::ImageFormat::Gif {
        Vec::new()
    } else {
        let mut widths: Vec<u32> = WIDTHS.into_iter().filter(|&w| w < width).collect();
        if width <= WIDTHS[WIDTHS.len() - 1] {
            widths.push(width);
        }
        widths
    };
    let key = crate::text::content_key(RECIPE, bytes);
    Ok(ImagePlan { width, height, widths, key })
}

/// WebP copies of the image in `bytes` at each of `widths` (height in proportion), in order.
pub fn encode(bytes: &[u8], widths: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, String> {
    let mut reader =
        image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| e.to_string())?;
    let has_alpha = decoded.color().has_alpha();
    widths
        .iter()
        .map(|&w| {
            let h = ((u64::from(decoded.height()) * u64::from(w) + u64::from(decoded.width()) / 2)
                / u64::from(decoded.width().max(1))) as u32;
            let sized = if w == decoded.width() {
                decoded.clone()
            } else {
                decoded.resize_exact(w, h.max(1), image::imageops::FilterType::Triangle)
            };
            let webp = if has_alpha {
                let rgba = sized.to_rgba8();
                webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height()).encode_simple(false, QUALITY)
            } else {
                let rgb = sized.to_rgb8();
                webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height()).encode_simple(false, QUALITY)
            };
            webp.map(|m| (w, m.to_vec())).map_err(|e| format!("WebP encoding failed: {e:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_wide_image_gets_copies_at_the_widths_below_its_own_and_its_own() {
        let plan = plan(&png(1000, 500)).unwrap();
        assert_eq!((plan.width, plan.height, plan.widths.clone()), (1000, 500, vec![480, 960, 1000]));
        let copies = encode(&png(1000, 500), &plan.widths).unwrap();
        assert_eq!(copies.iter().map(|c| c.0).collect::<Vec<_>>(), vec![480, 960, 1000]);
        for (w, bytes) in &copies {
            let decoded = image::load_from_memory_with_format(bytes, image::ImageFormat::WebP).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (*w, *w / 2));
        }
    }

    #[test]
    fn the_key_follows_the_bytes_and_garbage_is_refused_with_a_reason() {
        assert_eq!(plan(&png(10, 10)).unwrap().key, plan(&png(10, 10)).unwrap().key);
        assert_ne!(plan(&png(10, 10)).unwrap().key, plan(&png(10, 11)).unwrap().key);
        assert!(plan(b"not an image").is_err());
        let mut truncated = png(300, 300);
        truncated.truncate(100);
        assert!(encode(&truncated, &[300]).is_err());
    }
}
