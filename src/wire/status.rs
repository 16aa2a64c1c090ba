//! What each HTTP status code means, in plain language (RFC 9110 and the IANA registry).

/// The standard reason phrase and a one- or two-sentence explanation for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusMeaning {
    pub code: u16,
    pub reason: &'static str,
    pub meaning: &'static str,
}

/// Every registered status code, in order.
pub const STATUS_CODES: &[StatusMeaning] = &[
    s(100, "Continue", "The server has received the request's headers and the client may go on to send the body."),
    s(
        101,
        "Switching Protocols",
        "The server agrees to change to the protocol the client asked for, such as WebSocket; what follows on this connection is no longer HTTP/1.1.",
    ),
    s(102, "Processing", "The server has accepted the request and is still working on it; a final answer will follow."),
    s(
        103,
        "Early Hints",
        "A preview of headers (often links to preload) sent before the final response, so the client can start fetching sooner.",
    ),
    s(200, "OK", "Success: the server found what was asked for and the body of this response is it."),
    s(201, "Created", "Success: the request made something new on the server, usually named in the Location header."),
    s(
        202,
        "Accepted",
        "The server has taken the request to work on later; it has not been done yet and might still fail.",
    ),
    s(
        203,
        "Non-Authoritative Information",
        "Success, but a proxy between client and server changed the answer on its way.",
    ),
    s(204, "No Content", "Success, and there is deliberately nothing in the body."),
    s(205, "Reset Content", "Success; the client should clear the form or view that sent the request."),
    s(206, "Partial Content", "Success: the body is only the part (byte range) the client asked for."),
    s(207, "Multi-Status", "The body holds several separate status codes, one for each of several resources (WebDAV)."),
    s(208, "Already Reported", "This resource was already listed earlier in the same multi-status answer (WebDAV)."),
    s(226, "IM Used", "Success: the body is the result of changes applied to the current version (delta encoding)."),
    s(300, "Multiple Choices", "There are several versions of this resource; the client or person should pick one."),
    s(
        301,
        "Moved Permanently",
        "The resource has a new permanent address, given in the Location header; the client goes there, and should use the new address from now on.",
    ),
    s(
        302,
        "Found",
        "The resource is temporarily at another address (Location header); the client goes there but keeps using the old address in future.",
    ),
    s(
        303,
        "See Other",
        "The answer is at another address (Location header), to be fetched with GET; typical after submitting a form.",
    ),
    s(
        304,
        "Not Modified",
        "The copy the client already has is still current, so the server sends no body: use the cached copy.",
    ),
    s(305, "Use Proxy", "A deprecated code that told the client to go through a proxy; clients ignore it for safety."),
    s(
        307,
        "Temporary Redirect",
        "Like 302, the resource is temporarily elsewhere, but the client must repeat exactly the same method and body there.",
    ),
    s(
        308,
        "Permanent Redirect",
        "Like 301, the resource has moved for good, but the client must repeat exactly the same method and body there.",
    ),
    s(
        400,
        "Bad Request",
        "The server could not understand the request: its syntax or content was wrong. The fault is the client's.",
    ),
    s(
        401,
        "Unauthorized",
        "The request needs credentials (logging in); the WWW-Authenticate header says how to give them.",
    ),
    s(402, "Payment Required", "Reserved for future use; a few services use it to say payment is needed."),
    s(403, "Forbidden", "The server understood who is asking and refuses anyway: this client may not have it."),
    s(404, "Not Found", "The server is working and understood the request, but it has nothing at this address."),
    s(
        405,
        "Method Not Allowed",
        "The resource exists but does not accept this method (for example POST where only GET is allowed); the Allow header lists the ones it does.",
    ),
    s(406, "Not Acceptable", "The server has no version of the resource in a format the client said it accepts."),
    s(
        407,
        "Proxy Authentication Required",
        "A proxy between client and server wants credentials before passing the request on.",
    ),
    s(408, "Request Timeout", "The client took too long to send its request, so the server gave up waiting."),
    s(409, "Conflict", "The request conflicts with the resource's current state, for example two edits at once."),
    s(410, "Gone", "The resource was here but has been removed for good, and there is no new address."),
    s(411, "Length Required", "The server wants a Content-Length header saying how big the request body is."),
    s(
        412,
        "Precondition Failed",
        "A condition the client set in its headers (such as If-Match) was not true, so nothing was done.",
    ),
    s(413, "Content Too Large", "The request body is bigger than the server is willing to take."),
    s(414, "URI Too Long", "The address in the request is longer than the server will handle."),
    s(415, "Unsupported Media Type", "The server does not accept the format of the request body (its Content-Type)."),
    s(416, "Range Not Satisfiable", "The client asked for a byte range that is outside the resource."),
    s(417, "Expectation Failed", "The server cannot meet the Expect header the client sent."),
    s(418, "(Unused)", "Reserved: it began as an April Fools' joke ('I'm a teapot') and is kept out of use."),
    s(421, "Misdirected Request", "The request reached a server that cannot answer for this host name."),
    s(
        422,
        "Unprocessable Content",
        "The request was well-formed but its content made no sense to the server (for example a failed validation).",
    ),
    s(423, "Locked", "The resource is locked and cannot be changed right now (WebDAV)."),
    s(424, "Failed Dependency", "This action failed because another action it depended on failed (WebDAV)."),
    s(425, "Too Early", "The server will not risk handling a request that might be replayed (sent in TLS early data)."),
    s(
        426,
        "Upgrade Required",
        "The server refuses to answer over this protocol; the Upgrade header says which one to switch to.",
    ),
    s(
        428,
        "Precondition Required",
        "The server wants the request to be conditional (If-Match and so on) to avoid lost updates.",
    ),
    s(
        429,
        "Too Many Requests",
        "The client sent too many requests in too short a time; Retry-After may say when to try again.",
    ),
    s(431, "Request Header Fields Too Large", "The request's headers, or one of them, are too large for the server."),
    s(
        451,
        "Unavailable For Legal Reasons",
        "The server may not provide this resource for legal reasons, such as a court order.",
    ),
    s(
        500,
        "Internal Server Error",
        "Something went wrong inside the server while it handled the request. The request may have been fine: 5xx means the fault is the server's.",
    ),
    s(501, "Not Implemented", "The server does not support the feature (usually the method) needed to answer."),
    s(502, "Bad Gateway", "A gateway or proxy asked the server behind it and got an invalid answer."),
    s(
        503,
        "Service Unavailable",
        "The server cannot answer right now, overloaded or down for maintenance; try again later.",
    ),
    s(504, "Gateway Timeout", "A gateway or proxy waited too long for the server behind it."),
    s(505, "HTTP Version Not Supported", "The server does not support the HTTP version the request used."),
    s(
        506,
        "Variant Also Negotiates",
        "The server is misconfigured: choosing a version of the resource led back to choosing again.",
    ),
    s(507, "Insufficient Storage", "The server has no room left to store what the request needs (WebDAV)."),
    s(508, "Loop Detected", "The server found an endless loop while handling the request (WebDAV)."),
    s(510, "Not Extended", "The request needs an extension the server does not have (obsolete)."),
    s(
        511,
        "Network Authentication Required",
        "The network itself wants you to log in first, as on a hotel or café Wi-Fi portal.",
    ),
];

const fn s(code: u16, reason: &'static str, meaning: &'static str) -> StatusMeaning {
    StatusMeaning { code, reason, meaning }
}

/// The registered meaning of a code, if it has one.
pub fn lookup(code: u16) -> Option<&'static StatusMeaning> {
    STATUS_CODES.binary_search_by_key(&code, |m| m.code).ok().map(|i| &STATUS_CODES[i])
}

/// What the first digit says, for any code: the class every code belongs to.
pub fn class_meaning(code: u16) -> &'static str {
    match code / 100 {
        1 => "1xx, informational: the server is still working and a final answer follows.",
        2 => "2xx, success: the request was received, understood and done.",
        3 => "3xx, redirection: the client must go somewhere else to finish the request.",
        4 => "4xx, client error: the request itself was wrong or cannot be answered.",
        5 => "5xx, server error: the request may have been fine, but the server failed to answer it.",
        _ => "This is not a valid HTTP status code: they run from 100 to 599.",
    }
}

/// One plain sentence (or two) for any status code, registered or not.
pub fn explain(code: u16) -> String {
    match lookup(code) {
        Some(m) => m.meaning.to_string(),
        None => format!("{code} is not a registered status code. {}", class_meaning(code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique_so_lookup_finds_everything() {
        assert!(STATUS_CODES.windows(2).all(|w| w[0].code < w[1].code));
        for m in STATUS_CODES {
            assert_eq!(lookup(m.code).map(|f| f.code), Some(m.code));
        }
    }

    #[test]
    fn classroom_codes_teach_something() {
        assert!(explain(200).contains("Success"));
        assert!(explain(301).contains("Location"));
        assert!(explain(404).contains("nothing at this address"));
        assert!(explain(500).contains("server"));
        assert_eq!(lookup(404).map(|m| m.reason), Some("Not Found"));
    }

    #[test]
    fn unregistered_codes_fall_back_to_their_class() {
        assert!(explain(299).contains("2xx"));
        assert!(explain(999).contains("not a valid"));
        assert!(lookup(306).is_none());
    }
}
