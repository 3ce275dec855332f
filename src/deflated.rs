//! Bytes held in memory for long while little of them is read: the
//! preview's copy of the site (a 10,000-article site is about 260 MB of
//! HTML and a browser asks for a few pages of it) and its articles' bodies.
//! Text is held deflated, a quarter of its size or less, and inflated when
//! it is read.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::sync::Arc;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// Bytes, deflated when that made them smaller. Two of them are equal
/// exactly when their bytes are: compressing is deterministic, and whether
/// bytes are deflated depends on them alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deflated {
    stored: Arc<[u8]>,
    deflated: bool,
}

impl Deflated {
    /// Holds `bytes` deflated, unless they do not shrink (images, the
    /// search bundle's files, which are compressed already).
    pub fn new(bytes: &[u8]) -> Deflated {
        // Every page and body of the preview's first build goes through it.
        // On a heavy site's pages, level 2 gives 0.21 of the size at 180 MB/s
        // a core, level 1 0.26 at 340 MB/s, level 3 0.20 at 150 MB/s.
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(2));
        let compressed = encoder
            .write_all(bytes)
            .and_then(|()| encoder.finish())
            .expect("compressing into memory cannot fail");
        if compressed.len() < bytes.len() {
            Deflated {
                stored: Arc::from(compressed),
                deflated: true,
            }
        } else {
            Deflated::as_is(bytes)
        }
    }

    /// Holds `bytes` as they are.
    pub fn as_is(bytes: &[u8]) -> Deflated {
        Deflated {
            stored: Arc::from(bytes),
            deflated: false,
        }
    }

    /// The bytes as they were given.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        if !self.deflated {
            return Cow::Borrowed(&self.stored);
        }
        let mut bytes = Vec::with_capacity(self.stored.len() * 4);
        DeflateDecoder::new(&*self.stored)
            .read_to_end(&mut bytes)
            .expect("bytes deflated in memory inflate");
        Cow::Owned(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_smaller_and_given_back_whole() {
        let page = "<p>无锡 and 徐州 signed an agreement.</p>\n".repeat(200);
        let held = Deflated::new(page.as_bytes());
        assert!(held.stored.len() < page.len() / 4);
        assert_eq!(held.bytes(), page.as_bytes());
    }

    #[test]
    fn bytes_that_do_not_shrink_are_kept_as_they_are() {
        // Pseudo-random bytes (xorshift), which deflate cannot shrink.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let held = Deflated::new(&noise);
        assert!(!held.deflated);
        assert_eq!(held.bytes(), noise.as_slice());
        assert_eq!(Deflated::new(b"").bytes(), &b""[..]);
    }

    #[test]
    fn they_are_equal_when_their_bytes_are() {
        let a = Deflated::new(b"<h1>Wuxi</h1>".repeat(50).as_slice());
        let b = Deflated::new(b"<h1>Wuxi</h1>".repeat(50).as_slice());
        let c = Deflated::new(b"<h1>Xuzhou</h1>".repeat(50).as_slice());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
