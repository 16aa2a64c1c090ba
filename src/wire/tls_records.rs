//! The TLS record layer read from raw TCP bytes: each record is a 5-byte header (content type,
//! version, length; RFC 8446 §5.1) followed by that many bytes. Enough to show a student which
//! records crossed the wire, not to decrypt them.

/// One record as seen on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsRecord {
    /// Offset of the record's header in the stream.
    pub offset: usize,
    pub content_type: u8,
    pub version: u16,
    /// Length of the record's payload (after the 5-byte header).
    pub length: usize,
    /// For a handshake record sent in the clear, the handshake message type it starts with.
    pub handshake_type: Option<u8>,
}

impl TlsRecord {
    pub fn content_type_name(&self) -> &'static str {
        match self.content_type {
            20 => "ChangeCipherSpec",
            21 => "Alert",
            22 => "Handshake",
            23 => "ApplicationData",
            24 => "Heartbeat",
            _ => "Unknown",
        }
    }

    /// A one-line description: "Handshake: ClientHello, 512 bytes".
    pub fn describe(&self) -> String {
        let what = match (self.content_type, self.handshake_type) {
            (22, Some(t)) => format!("Handshake: {}", handshake_name(t)),
            (23, _) => "ApplicationData (encrypted)".to_string(),
            _ => self.content_type_name().to_string(),
        };
        format!("{what}, {} bytes", self.length)
    }
}

pub fn handshake_name(t: u8) -> &'static str {
    match t {
        1 => "ClientHello",
        2 => "ServerHello",
        4 => "NewSessionTicket",
        8 => "EncryptedExtensions",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        _ => "(encrypted or unknown)",
    }
}

/// Splits a byte stream into records. Stops at the first incomplete or implausible header; the
/// second value is how many bytes were left unread.
pub fn split_records(bytes: &[u8]) -> (Vec<TlsRecord>, usize) {
    let mut records = Vec::new();
    let mut offset = 0;
    while bytes.len() - offset >= 5 {
        let header = &bytes[offset..offset + 5];
        let content_type = header[0];
        let version = u16::from_be_bytes([header[1], header[2]]);
        let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
        let plausible = (20..=24).contains(&content_type) && (header[1] == 3);
        if !plausible || bytes.len() - offset - 5 < length {
            break;
        }
        // Before encryption starts, a handshake record's first payload byte is the message type.
        // Once encrypted (TLS 1.2 Finished), that byte is noise, but names a known type rarely;
        // TLS 1.3 hides handshake messages inside ApplicationData records, so no guess is made.
        let handshake_type = (content_type == 22 && length > 0).then(|| bytes[offset + 5]);
        records.push(TlsRecord { offset, content_type, version, length, handshake_type });
        offset += 5 + length;
    }
    (records, bytes.len() - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_consecutive_records_and_names_them() {
        let mut stream = vec![22, 3, 1, 0, 4, 1, 0, 0, 0];
        stream.extend_from_slice(&[23, 3, 3, 0, 2, 0xaa, 0xbb]);
        stream.extend_from_slice(&[23, 3, 3, 0, 9]); // incomplete: header only
        let (records, left) = split_records(&stream);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].describe(), "Handshake: ClientHello, 4 bytes");
        assert_eq!(records[1].offset, 9);
        assert_eq!(records[1].describe(), "ApplicationData (encrypted), 2 bytes");
        assert_eq!(left, 5);
    }

    #[test]
    fn stops_at_bytes_that_are_not_tls() {
        let (records, left) = split_records(b"GET / HTTP/1.1\r\n");
        assert!(records.is_empty());
        assert_eq!(left, 16);
    }
}
