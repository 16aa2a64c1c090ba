//! A fetch as the user asked for it: the URL, validated once at the edge, and the options.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use super::exchange::{ErrorKind, FetchError};

/// The zone the built-in DNS responder answers for (RFC 6761 reserves `.test`).
pub const DEMO_ZONE: &str = "demo.test";

/// Where the built-in DNS responder listens unless told otherwise.
pub const DEFAULT_DNS_PORT: u16 = 8053;
/// Where the built-in web site listens unless the port is taken.
pub const DEFAULT_HTTP_PORT: u16 = 8080;
/// Where the built-in web site's https twin listens unless the port is taken.
pub const DEFAULT_HTTPS_PORT: u16 = 8443;

/// A URL that netlens can fetch: http or https, with a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRequest {
    url: Url,
}

impl FetchRequest {
    /// Parses what a person typed. A missing scheme means `http://`, as in a browser's address bar.
    pub fn parse(text: &str) -> Result<Self, FetchError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(url_error("the address is empty: type a URL such as http://www.demo.test:8080/"));
        }
        let with_scheme = if text.contains("://") { text.to_string() } else { format!("http://{text}") };
        let url = Url::parse(&with_scheme).map_err(|e| url_error(format!("'{text}' is not a valid URL: {e}")))?;
        match url.scheme() {
            "http" | "https" => {}
            other => {
                return Err(url_error(format!("netlens fetches http:// and https:// URLs, not {other}://")));
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(url_error(format!("'{text}' has no host name")));
        }
        Ok(Self { url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

fn url_error(message: impl Into<String>) -> FetchError {
    FetchError::new(ErrorKind::Url, None, message)
}

/// Is this host name in the demo zone, so the built-in responder should answer for it?
pub fn is_demo_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == DEMO_ZONE || host.ends_with(&format!(".{DEMO_ZONE}"))
}

/// How names outside the demo zone are looked up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DnsMode {
    /// Ask the operating system (getaddrinfo). Timed, but its packets cannot be shown.
    #[default]
    System,
    /// Send a query over UDP to the nameserver in /etc/resolv.conf, so its bytes show.
    Wire,
}

/// Everything that shapes a page load besides its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchOptions {
    pub dns_mode: DnsMode,
    /// The built-in responder that answers for `demo.test`.
    pub demo_dns: SocketAddr,
    /// The nameserver asked in [`DnsMode::Wire`]; `None` means the first one in /etc/resolv.conf.
    pub nameserver: Option<SocketAddr>,
    /// Fetch the images, stylesheets and scripts the HTML names.
    pub subresources: bool,
    pub max_redirects: u32,
    pub connect_timeout: Duration,
    /// Longest wait for any single read from the server.
    pub read_timeout: Duration,
    /// Longest time for one request, from its DNS lookup to its body's last byte.
    pub total_timeout: Duration,
    /// Certificates (DER) to trust besides the built-in web roots: the demo site's own, or a
    /// `--cacert` file.
    pub extra_roots: Vec<Vec<u8>>,
    /// How many bytes of each body, and of each direction of raw traffic, to keep for display.
    pub preview_bytes: usize,
    /// Test mode: look up only `demo.test` names and connect only to loopback addresses, so a
    /// test typing random addresses never reaches the system resolver or another host.
    pub loopback_only: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            dns_mode: DnsMode::System,
            demo_dns: SocketAddr::from(([127, 0, 0, 1], DEFAULT_DNS_PORT)),
            nameserver: None,
            subresources: true,
            max_redirects: 10,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(120),
            extra_roots: Vec::new(),
            preview_bytes: 4 * 1024 * 1024,
            loopback_only: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_scheme_means_http() {
        let r = FetchRequest::parse("www.demo.test:8080/").unwrap();
        assert_eq!(r.as_str(), "http://www.demo.test:8080/");
    }

    #[test]
    fn other_schemes_and_garbage_are_refused_with_a_reason() {
        let e = FetchRequest::parse("ftp://example.test/").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Url);
        assert!(e.message.contains("ftp"), "{}", e.message);
        assert_eq!(FetchRequest::parse("http://").unwrap_err().kind, ErrorKind::Url);
        assert_eq!(FetchRequest::parse("   ").unwrap_err().kind, ErrorKind::Url);
        assert_eq!(FetchRequest::parse("http://exa mple.test/").unwrap_err().kind, ErrorKind::Url);
    }

    #[test]
    fn demo_zone_names() {
        assert!(is_demo_name("www.demo.test"));
        assert!(is_demo_name("WWW.Demo.Test."));
        assert!(is_demo_name("demo.test"));
        assert!(!is_demo_name("notdemo.test"));
        assert!(!is_demo_name("example.com"));
    }
}
