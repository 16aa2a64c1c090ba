//! Wire formats read from bytes, with no I/O: HTTP message heads, TLS records, DNS messages laid
//! out field by field, and the meanings of HTTP status codes.
//!
//! These are the "protocol gives bytes a meaning" half of netlens. They take bytes and return
//! plain values; both the fetch engine and the views use them, so a response is parsed the same
//! way everywhere.

pub mod dns_fields;
pub mod header_meaning;
pub mod http_head;
pub mod status;
pub mod tls_records;
