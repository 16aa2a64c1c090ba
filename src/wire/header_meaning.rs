//! What common HTTP header fields are for, in a few words (RFC 9110 and friends).

/// A short explanation of a header field, if it is a common one.
pub fn header_meaning(name: &str) -> Option<&'static str> {
    let meaning = match name.to_ascii_lowercase().as_str() {
        "host" => "which site on the server is wanted: one address can serve many names",
        "user-agent" => "which program sent the request",
        "accept" => "which media types the client can use",
        "accept-encoding" => "which compressions the client can undo",
        "accept-language" => "which languages the person prefers",
        "connection" => "whether to keep the connection open for more requests",
        "date" => "when the server sent this response",
        "server" => "which server program answered",
        "last-modified" => "when the resource last changed; lets a client ask 'has it changed since?'",
        "content-type" => "what kind of data the body is, so the client knows how to show it",
        "content-length" => "how many bytes the body has, so the client knows where it ends",
        "content-encoding" => "how the body was compressed; the client must decompress it",
        "transfer-encoding" => "how the body is framed on the wire (chunked: in pieces, each with its length)",
        "location" => "where to go instead (redirects) or what was created",
        "vary" => "which request headers changed this answer (for caches)",
        "allow" => "which methods this resource accepts",
        "cache-control" => "how long and where the response may be cached",
        "etag" => "a version tag for the resource, to check later whether it changed",
        "set-cookie" => "asks the client to store a cookie and send it back later",
        "cookie" => "cookies the client stored for this site",
        "keep-alive" => "how long an idle connection is kept open",
        "alt-svc" => "other protocols or places this site can be reached",
        "strict-transport-security" => "use only https for this site from now on",
        _ => return None,
    };
    Some(meaning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_their_case() {
        assert!(header_meaning("Content-Type").is_some());
        assert_eq!(header_meaning("content-type"), header_meaning("CONTENT-TYPE"));
        assert!(header_meaning("X-Unknown").is_none());
    }
}
