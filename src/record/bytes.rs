//! Byte buffers that keep a bounded preview of a stream and count the rest, and the escaping used
//! to show raw protocol bytes as text.

use std::fmt::Write as _;

/// The first `cap` bytes of a stream, and how many bytes the stream had in all.
///
/// Used for everything recorded off the wire, so memory stays bounded whatever a server sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CappedBytes {
    kept: Vec<u8>,
    total: u64,
    cap: usize,
}

impl CappedBytes {
    pub fn with_cap(cap: usize) -> Self {
        Self { kept: Vec::new(), total: 0, cap }
    }

    /// Appends bytes; what does not fit under the cap is only counted.
    pub fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = self.cap.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
    }

    /// The bytes kept (all of them unless [`Self::is_truncated`]).
    pub fn kept(&self) -> &[u8] {
        &self.kept
    }

    /// How many bytes went through, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn is_truncated(&self) -> bool {
        self.total > self.kept.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Text that keeps every valid UTF-8 character as it is (CR and LF included) and writes each byte
/// that is not valid UTF-8 as `\xNN`. The JSON output's raw strings: JSON then escapes CR LF itself.
pub fn lossless_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Lower-case hex without separators, for JSON fields such as `query_hex`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A size for people: "512 B", "1.5 KiB", "100.0 MiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_bytes_keeps_the_start_and_counts_everything() {
        let mut b = CappedBytes::with_cap(5);
        b.push(b"abc");
        b.push(b"defgh");
        assert_eq!(b.kept(), b"abcde");
        assert_eq!(b.total(), 8);
        assert!(b.is_truncated());
    }

    #[test]
    fn lossless_text_keeps_crlf_and_escapes_only_invalid_bytes() {
        assert_eq!(lossless_text(b"HTTP/1.1 200 OK\r\n\xff"), "HTTP/1.1 200 OK\r\n\\xff");
    }

    #[test]
    fn hex_and_sizes() {
        assert_eq!(to_hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(100 * 1024 * 1024), "100.0 MiB");
    }
}
