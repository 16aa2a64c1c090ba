//! A DNS message (RFC 1035 §4) laid out field by field, each with its offset and width, so the
//! view can put every decoded value beside the bytes it came from. The header is fixed-position
//! bits; names are length-prefixed labels, possibly compressed with pointers.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// One field of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsField {
    /// "Header", "Question 1", "Answer 1", "Authority 1", "Additional 1".
    pub section: String,
    pub name: &'static str,
    pub offset: usize,
    pub len: usize,
    pub value: String,
}

/// Lays out a message. Reads as far as the bytes make sense; the `Err` says where they stopped
/// making sense, along with the fields read before that point.
pub fn dns_fields(msg: &[u8]) -> Result<Vec<DnsField>, (Vec<DnsField>, String)> {
    let mut fields = Vec::new();
    match read_message(msg, &mut fields) {
        Ok(()) => Ok(fields),
        Err(e) => Err((fields, e)),
    }
}

fn read_message(msg: &[u8], out: &mut Vec<DnsField>) -> Result<(), String> {
    if msg.len() < 12 {
        return Err(format!("a DNS header is 12 bytes; this message has {}", msg.len()));
    }
    let u16_at = |o: usize| u16::from_be_bytes([msg[o], msg[o + 1]]);
    let header = |name, offset, len, value: String| DnsField { section: "Header".into(), name, offset, len, value };
    out.push(header("ID", 0, 2, format!("{} (0x{:04x}): the answer must carry the same ID", u16_at(0), u16_at(0))));
    out.push(header("Flags", 2, 2, describe_flags(u16_at(2))));
    let counts = [u16_at(4), u16_at(6), u16_at(8), u16_at(10)];
    out.push(header("QDCOUNT", 4, 2, format!("{} question(s)", counts[0])));
    out.push(header("ANCOUNT", 6, 2, format!("{} answer record(s)", counts[1])));
    out.push(header("NSCOUNT", 8, 2, format!("{} authority record(s)", counts[2])));
    out.push(header("ARCOUNT", 10, 2, format!("{} additional record(s)", counts[3])));

    let mut pos = 12;
    for i in 1..=counts[0] {
        let section = format!("Question {i}");
        let (name, next) = read_name(msg, pos)?;
        out.push(DnsField { section: section.clone(), name: "QNAME", offset: pos, len: next - pos, value: name });
        pos = next;
        need(msg, pos, 4)?;
        out.push(DnsField {
            section: section.clone(),
            name: "QTYPE",
            offset: pos,
            len: 2,
            value: type_name(u16_at(pos)),
        });
        out.push(DnsField { section, name: "QCLASS", offset: pos + 2, len: 2, value: class_name(u16_at(pos + 2)) });
        pos += 4;
    }
    for (title, count) in [("Answer", counts[1]), ("Authority", counts[2]), ("Additional", counts[3])] {
        for i in 1..=count {
            pos = read_record(msg, pos, &format!("{title} {i}"), out)?;
        }
    }
    if pos < msg.len() {
        return Err(format!("{} bytes follow the last record", msg.len() - pos));
    }
    Ok(())
}

fn read_record(msg: &[u8], start: usize, section: &str, out: &mut Vec<DnsField>) -> Result<usize, String> {
    let u16_at = |o: usize| u16::from_be_bytes([msg[o], msg[o + 1]]);
    let (name, mut pos) = read_name(msg, start)?;
    out.push(DnsField { section: section.into(), name: "NAME", offset: start, len: pos - start, value: name });
    need(msg, pos, 10)?;
    let rtype = u16_at(pos);
    let field = |name, offset, len, value| DnsField { section: section.into(), name, offset, len, value };
    out.push(field("TYPE", pos, 2, type_name(rtype)));
    if rtype == 41 {
        out.push(field(
            "CLASS",
            pos + 2,
            2,
            format!("{}: largest UDP answer the sender accepts (EDNS)", u16_at(pos + 2)),
        ));
    } else {
        out.push(field("CLASS", pos + 2, 2, class_name(u16_at(pos + 2))));
    }
    let ttl = u32::from_be_bytes([msg[pos + 4], msg[pos + 5], msg[pos + 6], msg[pos + 7]]);
    out.push(field("TTL", pos + 4, 4, format!("{ttl} s: how long the answer may be cached")));
    let rdlength = usize::from(u16_at(pos + 8));
    out.push(field("RDLENGTH", pos + 8, 2, format!("{rdlength} bytes of data follow")));
    pos += 10;
    need(msg, pos, rdlength)?;
    let rdata = &msg[pos..pos + rdlength];
    let value = match (rtype, rdlength) {
        (1, 4) => Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]).to_string(),
        (28, 16) => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(rdata);
            Ipv6Addr::from(octets).to_string()
        }
        (5 | 2 | 12, _) => read_name(msg, pos).map(|(n, _)| n).unwrap_or_else(|e| e),
        _ => hex(rdata),
    };
    out.push(field("RDATA", pos, rdlength, value));
    Ok(pos + rdlength)
}

fn need(msg: &[u8], pos: usize, len: usize) -> Result<(), String> {
    if msg.len() < pos + len {
        Err(format!("the message ends at byte {} but a field needs bytes up to {}", msg.len(), pos + len))
    } else {
        Ok(())
    }
}

/// Reads a name at `start`, following compression pointers. Returns the dotted name and the
/// offset just past the name's bytes at `start` (a pointer takes 2 bytes there).
fn read_name(msg: &[u8], start: usize) -> Result<(String, usize), String> {
    let mut labels: Vec<String> = Vec::new();
    let mut pos = start;
    let mut end_at_start = None;
    for _ in 0..128 {
        need(msg, pos, 1)?;
        let len = msg[pos];
        match len {
            0 => {
                let end = end_at_start.unwrap_or(pos + 1);
                let name = if labels.is_empty() { ".".to_string() } else { labels.join(".") };
                return Ok((name, end));
            }
            l if l & 0xc0 == 0xc0 => {
                need(msg, pos, 2)?;
                let target = usize::from(u16::from_be_bytes([l & 0x3f, msg[pos + 1]]));
                end_at_start.get_or_insert(pos + 2);
                if target >= pos {
                    return Err(format!("a name pointer at byte {pos} points forward, to {target}"));
                }
                pos = target;
            }
            l if l & 0xc0 == 0 => {
                let l = usize::from(l);
                need(msg, pos + 1, l)?;
                labels.push(String::from_utf8_lossy(&msg[pos + 1..pos + 1 + l]).into_owned());
                pos += 1 + l;
            }
            _ => return Err(format!("byte {pos} is not a label length or a pointer")),
        }
    }
    Err("a name has too many labels or pointers".into())
}

fn describe_flags(flags: u16) -> String {
    let qr = if flags & 0x8000 != 0 { "response" } else { "query" };
    let opcode = (flags >> 11) & 0xf;
    let mut text =
        format!("0x{flags:04x}: {qr}, opcode {}", if opcode == 0 { "QUERY".into() } else { opcode.to_string() });
    for (bit, name) in [
        (0x0400, "authoritative"),
        (0x0200, "truncated"),
        (0x0100, "recursion desired"),
        (0x0080, "recursion available"),
    ] {
        if flags & bit != 0 {
            let _ = write!(text, ", {name}");
        }
    }
    if flags & 0x8000 != 0 {
        let _ = write!(text, ", {}", rcode_name(flags & 0xf));
    }
    text
}

/// The response code's name (RFC 1035 §4.1.1, RFC 6895).
pub fn rcode_name(rcode: u16) -> String {
    match rcode {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        other => format!("RCODE {other}"),
    }
}

fn type_name(t: u16) -> String {
    let name = match t {
        1 => "A (IPv4 address)",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA (IPv6 address)",
        33 => "SRV",
        41 => "OPT (EDNS)",
        65 => "HTTPS",
        _ => return format!("type {t}"),
    };
    format!("{t} = {name}")
}

fn class_name(c: u16) -> String {
    match c {
        1 => "1 = IN (Internet)".into(),
        other => format!("class {other}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    crate::record::bytes::to_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query for www.demo.test A, and its answer with a compressed name, written out by hand
    /// from RFC 1035 §4.1 so the test does not depend on the encoder under test elsewhere.
    const QUERY: &[u8] = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x04demo\x04test\x00\x00\x01\x00\x01";
    const ANSWER: &[u8] = b"\x12\x34\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00\x03www\x04demo\x04test\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01";

    fn value<'a>(fields: &'a [DnsField], section: &str, name: &str) -> &'a DnsField {
        fields.iter().find(|f| f.section == section && f.name == name).unwrap()
    }

    #[test]
    fn lays_out_a_query() {
        let fields = dns_fields(QUERY).unwrap();
        assert!(value(&fields, "Header", "Flags").value.contains("query"));
        let qname = value(&fields, "Question 1", "QNAME");
        assert_eq!((qname.offset, qname.len, qname.value.as_str()), (12, 15, "www.demo.test"));
        assert!(value(&fields, "Question 1", "QTYPE").value.starts_with("1 = A"));
    }

    #[test]
    fn follows_compression_pointers_in_answers() {
        let fields = dns_fields(ANSWER).unwrap();
        let flags = &value(&fields, "Header", "Flags").value;
        assert!(flags.contains("authoritative") && flags.contains("NOERROR"), "{flags}");
        let name = value(&fields, "Answer 1", "NAME");
        assert_eq!((name.len, name.value.as_str()), (2, "www.demo.test"));
        assert_eq!(value(&fields, "Answer 1", "RDATA").value, "127.0.0.1");
        assert!(value(&fields, "Answer 1", "TTL").value.starts_with("60 s"));
    }

    #[test]
    fn truncated_and_looping_messages_are_reported_not_panicked_on() {
        let (partial, err) = dns_fields(&ANSWER[..ANSWER.len() - 2]).unwrap_err();
        assert!(err.contains("ends at byte"), "{err}");
        assert!(partial.iter().any(|f| f.name == "QNAME"));
        let mut looping = QUERY.to_vec();
        looping[12] = 0xc0;
        looping[13] = 12; // points at itself
        assert!(dns_fields(&looping).is_err());
        assert!(dns_fields(b"short").is_err());
    }
}
