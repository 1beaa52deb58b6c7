//! `PackedText`: a page's body HTML or plain text, kept compressed between the stage that makes
//! it (parse) and the one or two that read it (render, the search index).
//!
//! Bodies and plain text are most of what a site holds (about 25 KB a page): held as plain
//! strings, 100,000 pages need gigabytes before rendering starts. zstd at its fastest level keeps
//! about a third of that and unpacks at over a gigabyte a second. Must not: change the text
//! (unpacking gives back exactly what was packed), or depend on anything but the text (the same
//! text packs to the same bytes, so pages compare equal when their text does).

use std::cell::RefCell;

/// zstd's level: the fastest of its normal levels; higher ones cost time for a few per cent.
const LEVEL: i32 = 1;

/// Below this many bytes a text is kept as it is: a frame's overhead would outweigh the gain.
const SMALL: usize = 64;

/// Text kept compressed; `unpack` gives it back.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PackedText {
    /// The length of the text in bytes.
    len: u32,
    /// The zstd frame, or the text's own bytes when it is short (`len` bytes either way tells).
    bytes: Box<[u8]>,
}

impl std::fmt::Debug for PackedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedText({} bytes in {})", self.len, self.bytes.len())
    }
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

impl PackedText {
    /// Pack `text`. Contexts are kept per thread: making one costs more than packing a page.
    pub fn pack(text: &str) -> PackedText {
        let Ok(len) = u32::try_from(text.len()) else {
            // Over 4 GiB is refused by the load stage long before this.
            return PackedText::default();
        };
        if text.len() < SMALL {
            return PackedText { len, bytes: text.as_bytes().into() };
        }
        let packed = COMPRESSOR.with_borrow_mut(|slot| {
            if slot.is_none() {
                *slot = zstd::bulk::Compressor::new(LEVEL).ok();
            }
            slot.as_mut().and_then(|c| c.compress(text.as_bytes()).ok())
        });
        match packed {
            Some(frame) if frame.len() < text.len() => PackedText { len, bytes: frame.into_boxed_slice() },
            _ => PackedText { len, bytes: text.as_bytes().into() },
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text as it was packed.
    pub fn unpack(&self) -> String {
        if self.bytes.len() == self.len() {
            return String::from_utf8_lossy(&self.bytes).into_owned();
        }
        let unpacked = DECOMPRESSOR.with_borrow_mut(|slot| {
            if slot.is_none() {
                *slot = zstd::bulk::Decompressor::new().ok();
            }
            slot.as_mut().and_then(|d| d.decompress(&self.bytes, self.len()).ok())
        });
        match unpacked.map(String::from_utf8) {
            Some(Ok(text)) => text,
            // A frame this process made and never changed decompresses: reaching here means
            // memory is corrupt or exhausted. Say so rather than publish a page without its body.
            _ => {
                log::error!("a page's text could not be unpacked ({} bytes in {})", self.len, self.bytes.len());
                std::process::abort()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PackedText;

    #[test]
    fn unpacking_gives_back_the_text() {
        let long = "县域 cold-chain <p>logistics</p> & more ".repeat(400);
        for text in ["", "short", "é", long.as_str()] {
            let packed = PackedText::pack(text);
            assert_eq!(packed.unpack(), text);
            assert_eq!(packed.len(), text.len());
        }
    }

    #[test]
    fn long_text_is_kept_smaller_and_the_same_text_packs_the_same() {
        let long = "Rural entrepreneurship in Guizhou county towns. ".repeat(200);
        let packed = PackedText::pack(&long);
        assert!(packed.bytes.len() * 4 < long.len(), "{packed:?}");
        assert_eq!(packed, PackedText::pack(&long));
    }
}
