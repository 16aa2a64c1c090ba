//! Wire formats read from bytes, with no I/O: HTTP message heads, TLS records, DNS messages laid
//! out field by field, the meanings of HTTP status codes, and what an HTML page asks to fetch next.
//!
//! These are the "protocol gives bytes a meaning" half of netlens. They take bytes and return
//! plain values; both the fetch engine and the views use them, so a response is parsed the same
//! way everywhere.

pub mod dns_fields;
pub mod header_meaning;
pub mod http_head;
pub mod status;
pub mod subresources;
pub mod tls_records;
