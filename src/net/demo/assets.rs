//! The demo site's files, embedded into the binary by `build.rs` from `assets/site/`.

/// One embedded file.
#[derive(Debug)]
pub struct SiteFile {
    /// The URL path it is served at, such as `/img/client.png`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// When the file was last changed in the source tree (seconds since 1970), for Last-Modified.
    pub modified_unix: u64,
}

/// Every file of the demo site, sorted by path.
pub static SITE_FILES: &[SiteFile] = include!(concat!(env!("OUT_DIR"), "/site_assets.rs"));

/// The embedded file at a URL path, if there is one.
pub fn find(path: &str) -> Option<&'static SiteFile> {
    SITE_FILES.iter().find(|f| f.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_the_server_relies_on_are_embedded() {
        for path in ["/index.html", "/missing.html", "/error.html", "/slow.html", "/gzip.html", "/style.css", "/app.js"]
        {
            assert!(find(path).is_some(), "{path} missing");
        }
        let images = SITE_FILES.iter().filter(|f| f.content_type == "image/png").count();
        assert!(images >= 3, "the front page needs at least three images");
        assert!(find("/img/client.png").is_some_and(|f| f.bytes.starts_with(b"\x89PNG")));
    }
}
