//! The demo web site: which address answers what. Routing is a pure function from method and
//! path to a [`Route`]; [`respond`] then builds the response, waiting or streaming as needed.

use std::convert::Infallible;
use std::io::Write as _;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Response, StatusCode};

use super::assets;
use super::bodies::{GeneratedBytes, PacedChunks};

/// The Server header the demo site sends.
pub const SERVER_NAME: &str = concat!("netlens-demo/", env!("CARGO_PKG_VERSION"));
/// `/slow` never waits longer than this, whatever it is asked.
pub const MAX_SLOW: Duration = Duration::from_secs(30);
/// `/bytes/N` serves at most this many bytes.
pub const MAX_BYTES: u64 = 1 << 30;
/// The pause between the pieces of `/chunked`.
pub const CHUNK_PAUSE: Duration = Duration::from_millis(150);

pub type DemoBody = BoxBody<Bytes, Infallible>;

/// What the site will answer to one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    File { status: StatusCode, file: &'static str },
    Redirect { location: &'static str },
    Slow { delay: Duration },
    Chunked,
    Gzip,
    Bytes { len: u64 },
    BadRequest(String),
    MethodNotAllowed,
}

/// Decides the answer from the method, the path and the query string.
pub fn route(method: &Method, path: &str, query: Option<&str>) -> Route {
    if method != Method::GET && method != Method::HEAD {
        return Route::MethodNotAllowed;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // The site is embedded, so no path can reach the file system; a `..` segment is still refused
    // outright rather than resolved, so `/img/../index.html` is not a second name for a page.
    if decoded.split(['/', '\\']).any(|segment| segment == "..") {
        return not_found();
    }
    match decoded.as_ref() {
        "/" | "/index.html" => Route::File { status: StatusCode::OK, file: "/index.html" },
        "/moved" => Route::Redirect { location: "/" },
        "/missing" => not_found(),
        "/error" => Route::File { status: StatusCode::INTERNAL_SERVER_ERROR, file: "/error.html" },
        "/slow" => Route::Slow { delay: slow_delay(query) },
        "/chunked" => Route::Chunked,
        "/gzip" => Route::Gzip,
        p if p.starts_with("/bytes/") => match p["/bytes/".len()..].parse::<u64>() {
            Ok(len) if len <= MAX_BYTES => Route::Bytes { len },
            Ok(_) => Route::BadRequest(format!("/bytes/N serves at most {MAX_BYTES} bytes (1 GiB)")),
            Err(_) => Route::BadRequest("N in /bytes/N must be a whole number of bytes".into()),
        },
        // Pages that exist only to be reached through their own routes are not served directly.
        "/missing.html" | "/error.html" | "/slow.html" | "/gzip.html" => not_found(),
        p => match assets::find(p) {
            Some(file) => Route::File { status: StatusCode::OK, file: file.path },
            None => not_found(),
        },
    }
}

fn not_found() -> Route {
    Route::File { status: StatusCode::NOT_FOUND, file: "/missing.html" }
}

/// `ms=N` from the query string, capped at [`MAX_SLOW`]; one second when absent or unreadable.
fn slow_delay(query: Option<&str>) -> Duration {
    let ms = query
        .into_iter()
        .flat_map(|q| url::form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "ms")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms).min(MAX_SLOW)
}

/// Builds the response for a route. `accepts_gzip` is whether the request's Accept-Encoding
/// allows gzip; `started` is when the server started, the Last-Modified of generated pages.
pub async fn respond(route: Route, accepts_gzip: bool, started: SystemTime) -> Response<DemoBody> {
    let generated_modified = unix_seconds(started);
    match route {
        Route::File { status, file } => file_response(status, file),
        Route::Redirect { location } => {
            let body =
                format!("<!DOCTYPE html>\n<p>This page has moved to <a href=\"{location}\">{location}</a>.</p>\n");
            let mut response = html(StatusCode::MOVED_PERMANENTLY, Bytes::from(body), generated_modified);
            response.headers_mut().insert(header::LOCATION, HeaderValue::from_static(location));
            response
        }
        Route::Slow { delay } => {
            tokio::time::sleep(delay).await;
            file_response(StatusCode::OK, "/slow.html")
        }
        Route::Chunked => {
            let pieces = CHUNKED_PIECES.iter().map(|p| Bytes::from_static(p.as_bytes())).collect();
            let mut response = Response::new(PacedChunks::new(pieces, CHUNK_PAUSE).boxed());
            set_common(&mut response, "text/html; charset=utf-8", generated_modified);
            response
        }
        Route::Gzip => gzip_response(accepts_gzip),
        Route::Bytes { len } => {
            let mut response = Response::new(GeneratedBytes::new(len).boxed());
            set_common(&mut response, "text/plain; charset=utf-8", generated_modified);
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            response
        }
        Route::BadRequest(reason) => {
            let body = format!("<!DOCTYPE html>\n<h1>400 Bad Request</h1>\n<p>{reason}.</p>\n");
            html(StatusCode::BAD_REQUEST, Bytes::from(body), generated_modified)
        }
        Route::MethodNotAllowed => {
            let body =
                "<!DOCTYPE html>\n<h1>405 Method Not Allowed</h1>\n<p>The demo site only answers GET and HEAD.</p>\n";
            let mut response =
                html(StatusCode::METHOD_NOT_ALLOWED, Bytes::from_static(body.as_bytes()), generated_modified);
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            response
        }
    }
}

/// The pieces of `/chunked`, each sent as one chunk.
const CHUNKED_PIECES: [&str; 5] = [
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Arriving in chunks</title></head>\n<body>\n",
    "<h1>Arriving in chunks</h1>\n<p>The server did not know how long this page would be when it started sending, ",
    "so it said <code>Transfer-Encoding: chunked</code> and sent it in pieces.</p>\n",
    "<p>Each piece is preceded by its length in hexadecimal and a CRLF; a piece of length 0 ends the body. ",
    "Look at the Raw tab to see the lengths between the pieces.</p>\n</body>\n</html>\n",
];

fn file_response(status: StatusCode, path: &str) -> Response<DemoBody> {
    match assets::find(path) {
        Some(file) => {
            let mut response = Response::new(Full::new(Bytes::from_static(file.bytes)).boxed());
            *response.status_mut() = status;
            set_common(&mut response, file.content_type, file.modified_unix);
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(file.bytes.len()));
            response
        }
        None => {
            tracing::error!(path, "a demo site file is missing from the build");
            let body = Bytes::from_static(b"<!DOCTYPE html>\n<p>This page is missing from the build.</p>\n");
            html(StatusCode::INTERNAL_SERVER_ERROR, body, 0)
        }
    }
}

/// The gzip page, compressed once at first use.
static GZIPPED: LazyLock<Bytes> = LazyLock::new(|| {
    let plain = assets::find("/gzip.html").map_or(&b""[..], |f| f.bytes);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(plain);
    Bytes::from(encoder.finish().unwrap_or_default())
});

fn gzip_response(accepts_gzip: bool) -> Response<DemoBody> {
    let Some(file) = assets::find("/gzip.html") else {
        return file_response(StatusCode::OK, "/gzip.html");
    };
    let body = if accepts_gzip { GZIPPED.clone() } else { Bytes::from_static(file.bytes) };
    let len = body.len();
    let mut response = Response::new(Full::new(body).boxed());
    set_common(&mut response, file.content_type, file.modified_unix);
    let headers = response.headers_mut();
    if accepts_gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    response
}

fn html(status: StatusCode, body: Bytes, modified_unix: u64) -> Response<DemoBody> {
    let len = body.len();
    let mut response = Response::new(Full::new(body).boxed());
    *response.status_mut() = status;
    set_common(&mut response, "text/html; charset=utf-8", modified_unix);
    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    response
}

/// Server, Last-Modified and Content-Type, as in the textbook's example response. Hyper adds
/// Date itself.
fn set_common(response: &mut Response<DemoBody>, content_type: &'static str, modified_unix: u64) {
    let headers = response.headers_mut();
    headers.insert(header::SERVER, HeaderValue::from_static(SERVER_NAME));
    let modified = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(modified_unix));
    if let Ok(value) = HeaderValue::from_str(&modified) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Does an Accept-Encoding header value allow gzip? (`gzip;q=0` refuses it.)
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    accept_encoding.is_some_and(|value| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0");
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Route {
        let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
        route(&Method::GET, path, query)
    }

    #[test]
    fn the_named_pages_route_where_the_brief_says() {
        assert_eq!(get("/"), Route::File { status: StatusCode::OK, file: "/index.html" });
        assert_eq!(get("/moved"), Route::Redirect { location: "/" });
        assert_eq!(get("/missing"), Route::File { status: StatusCode::NOT_FOUND, file: "/missing.html" });
        assert_eq!(get("/error"), Route::File { status: StatusCode::INTERNAL_SERVER_ERROR, file: "/error.html" });
        assert_eq!(get("/bytes/50000000"), Route::Bytes { len: 50_000_000 });
        assert_eq!(get("/img/client.png"), Route::File { status: StatusCode::OK, file: "/img/client.png" });
    }

    #[test]
    fn slow_is_capped_at_thirty_seconds() {
        assert_eq!(get("/slow?ms=250"), Route::Slow { delay: Duration::from_millis(250) });
        assert_eq!(get("/slow?ms=999999999"), Route::Slow { delay: MAX_SLOW });
        assert_eq!(get("/slow"), Route::Slow { delay: Duration::from_secs(1) });
    }

    #[test]
    fn other_methods_get_405() {
        assert_eq!(route(&Method::POST, "/", None), Route::MethodNotAllowed);
        assert_eq!(route(&Method::DELETE, "/missing", None), Route::MethodNotAllowed);
        assert_ne!(route(&Method::HEAD, "/", None), Route::MethodNotAllowed);
    }

    #[test]
    fn dot_dot_never_escapes_even_encoded() {
        let missing = Route::File { status: StatusCode::NOT_FOUND, file: "/missing.html" };
        assert_eq!(get("/img/../index.html"), missing);
        assert_eq!(get("/%2e%2e/%2e%2e/etc/passwd"), missing);
        assert_eq!(get("/..\\..\\Cargo.toml"), missing);
        assert_eq!(get("/no-such-page"), missing);
    }

    #[test]
    fn bytes_beyond_one_gib_or_not_a_number_are_bad_requests() {
        assert!(matches!(get("/bytes/1073741825"), Route::BadRequest(_)));
        assert!(matches!(get("/bytes/ten"), Route::BadRequest(_)));
        assert_eq!(get("/bytes/1073741824"), Route::Bytes { len: MAX_BYTES });
    }

    #[test]
    fn accept_encoding_is_read_like_rfc_9110() {
        assert!(accepts_gzip(Some("gzip")));
        assert!(accepts_gzip(Some("br, gzip;q=0.8")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(None));
    }
}
