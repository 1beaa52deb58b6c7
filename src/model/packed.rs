//! `Packed`: bytes kept compressed while they wait: a page's body HTML and plain text between
//! the stage that makes them (parse) and the ones that read them (render, the search index), and
//! the files `serve` serves.
//!
//! Bodies and plain text are most of what a site holds (about 25 KB a page): held as plain
//! strings, 100,000 pages need gigabytes before rendering starts. zstd at its fastest level keeps
//! about a third of that and unpacks at over a gigabyte a second. Must not: change the text
//! (unpacking gives back exactly what was packed), or depend on anything but the text (the same
//! text packs to the same bytes, so pages compare equal when their text does).

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// zstd's level: the fastest of its normal levels; higher ones cost time for a few per cent.
const LEVEL: i32 = 1;

/// Below this many bytes a text is kept as it is: a frame's overhead would outweigh the gain.
const SMALL: usize = 64;

/// Bytes kept compressed; `unpack` (text) or `to_vec` (bytes) gives them back.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Packed {
    /// The length of the bytes.
    len: usize,
    /// The zstd frame, or the bytes themselves when packing would not shrink them (`len` tells).
    bytes: Box<[u8]>,
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Packed({} bytes in {})", self.len, self.bytes.len())
    }
}

/// How many bytes of text a build may still keep unpacked. Packing and unpacking cost about a
/// quarter of a build's CPU time (10,000 pages: 8.1 s against 6.3 s), which pays only where the
/// texts would need much memory: the first texts parsed are kept as they are, up to the budget,
/// and the rest packed. Which ones are kept depends on timing; what comes out never does.
pub struct RawBudget(AtomicUsize);

impl RawBudget {
    /// A budget of `bytes`.
    pub const fn new(bytes: usize) -> RawBudget {
        RawBudget(AtomicUsize::new(bytes))
    }

    /// Take `len` bytes from the budget, if it has them.
    fn take(&self, len: usize) -> bool {
        self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(len)).is_ok()
    }
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

impl Packed {
    /// Pack `text`.
    pub fn pack(text: &str) -> Packed {
        Packed::from_bytes(text.as_bytes())
    }

    /// `text` kept as it is while `budget` allows, else packed.
    pub fn pack_beyond(text: &str, budget: &RawBudget) -> Packed {
        if budget.take(text.len()) {
            return Packed { len: text.len(), bytes: text.as_bytes().into() };
        }
        Packed::pack(text)
    }

    /// Pack `bytes`. Contexts are kept per thread: making one costs more than packing a page.
    pub fn from_bytes(bytes: &[u8]) -> Packed {
        let len = bytes.len();
        if len < SMALL {
            return Packed { len, bytes: bytes.into() };
        }
        let packed = COMPRESSOR.with_borrow_mut(|slot| {
            if slot.is_none() {
                *slot = zstd::bulk::Compressor::new(LEVEL).ok();
            }
            slot.as_mut().and_then(|c| c.compress(bytes).ok())
        });
        match packed {
            Some(frame) if frame.len() < bytes.len() => Packed { len, bytes: frame.into_boxed_slice() },
            _ => Packed { len, bytes: bytes.into() },
        }
    }

    /// The length in bytes, unpacked.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text as it was packed (text packed with `pack`).
    pub fn unpack(&self) -> String {
        match String::from_utf8(self.to_vec()) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// The bytes as they were packed.
    pub fn to_vec(&self) -> Vec<u8> {
        if self.bytes.len() == self.len() {
            return self.bytes.to_vec();
        }
        let unpacked = DECOMPRESSOR.with_borrow_mut(|slot| {
            if slot.is_none() {
                *slot = zstd::bulk::Decompressor::new().ok();
            }
            slot.as_mut().and_then(|d| d.decompress(&self.bytes, self.len()).ok())
        });
        match unpacked {
            Some(bytes) => bytes,
            // A frame this process made and never changed decompresses: reaching here means
            // memory is corrupt or exhausted. Say so rather than publish a page without its body.
            _ => {
                log::error!("packed bytes could not be unpacked ({} bytes in {})", self.len, self.bytes.len());
                std::process::abort()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    #[test]
    fn unpacking_gives_back_the_text() {
        let long = "县域 cold-chain <p>logistics</p> & more ".repeat(400);
        for text in ["", "short", "é", long.as_str()] {
            let packed = Packed::pack(text);
            assert_eq!(packed.unpack(), text);
            assert_eq!(packed.len(), text.len());
            assert_eq!(packed.to_vec(), text.as_bytes());
        }
        let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert_eq!(Packed::from_bytes(&noise).to_vec(), noise, "bytes that do not shrink are kept");
    }

    #[test]
    fn texts_are_kept_unpacked_while_the_budget_lasts() {
        let (a, b) = ("Rural entrepreneurship. ".repeat(40), "County towns. ".repeat(40));
        let budget = super::RawBudget::new(a.len() + 10);
        let kept = Packed::pack_beyond(&a, &budget);
        let packed = Packed::pack_beyond(&b, &budget);
        assert_eq!(kept.bytes.len(), a.len());
        assert!(packed.bytes.len() < b.len());
        assert_eq!((kept.unpack(), packed.unpack()), (a, b));
    }

    #[test]
    fn long_text_is_kept_smaller_and_the_same_text_packs_the_same() {
        let long = "Rural entrepreneurship in Guizhou county towns. ".repeat(200);
        let packed = Packed::pack(&long);
        assert!(packed.bytes.len() * 4 < long.len(), "{packed:?}");
        assert_eq!(packed, Packed::pack(&long));
    }
}
