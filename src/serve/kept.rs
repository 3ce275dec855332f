//! A file of the site as the preview keeps it in memory. A 10,000-article
//! site is about 240 MB of HTML and a browser asks for a few pages of it,
//! so text is kept deflated (a fifth of its size or less) and inflated
//! when it is served.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::sync::Arc;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// One file's bytes, deflated when that made them smaller. Two kept files
/// are equal exactly when their bytes are: compressing is deterministic,
/// and whether a file is deflated depends on its bytes alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    stored: Arc<[u8]>,
    deflated: bool,
}

impl KeptFile {
    /// Keeps `bytes` deflated, unless they do not shrink (images, the
    /// search bundle's files, which are compressed already).
    pub fn deflated(bytes: &[u8]) -> KeptFile {
        // The fastest level, since every page of the first build goes
        // through it.
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
        let compressed = encoder
            .write_all(bytes)
            .and_then(|()| encoder.finish())
            .expect("compressing into memory cannot fail");
        if compressed.len() < bytes.len() {
            KeptFile {
                stored: Arc::from(compressed),
                deflated: true,
            }
        } else {
            KeptFile::as_is(bytes)
        }
    }

    /// Keeps `bytes` as they are.
    pub fn as_is(bytes: &[u8]) -> KeptFile {
        KeptFile {
            stored: Arc::from(bytes),
            deflated: false,
        }
    }

    /// The file's bytes.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        if !self.deflated {
            return Cow::Borrowed(&self.stored);
        }
        let mut bytes = Vec::with_capacity(self.stored.len() * 4);
        DeflateDecoder::new(&*self.stored)
            .read_to_end(&mut bytes)
            .expect("a file deflated in memory inflates");
        Cow::Owned(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_smaller_and_given_back_whole() {
        let page = "<p>无锡 and 徐州 signed an agreement.</p>\n".repeat(200);
        let kept = KeptFile::deflated(page.as_bytes());
        assert!(kept.stored.len() < page.len() / 4);
        assert_eq!(kept.bytes(), page.as_bytes());
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
        let kept = KeptFile::deflated(&noise);
        assert!(!kept.deflated);
        assert_eq!(kept.bytes(), noise.as_slice());
        assert_eq!(KeptFile::deflated(b"").bytes(), &b""[..]);
    }

    #[test]
    fn files_are_equal_when_their_bytes_are() {
        let a = KeptFile::deflated(b"<h1>Wuxi</h1>".repeat(50).as_slice());
        let b = KeptFile::deflated(b"<h1>Wuxi</h1>".repeat(50).as_slice());
        let c = KeptFile::deflated(b"<h1>Xuzhou</h1>".repeat(50).as_slice());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
