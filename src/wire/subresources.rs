//! Finds what an HTML page asks the browser to fetch next: images, stylesheets and scripts, in
//! document order, as absolute URLs. Uses a real HTML parser (html5ever through scraper), so
//! comments, odd quoting and upper-case tags are handled as a browser would.

use scraper::{Html, Selector};
use url::Url;

use crate::record::ResourceKind;

/// At most this many sub-resources are fetched for one page.
pub const MAX_SUBRESOURCES: usize = 64;

/// The sub-resources `html` names, resolved against `page_url` (or its `<base href>`), without
/// duplicates, limited to http and https, at most [`MAX_SUBRESOURCES`].
pub fn find_subresources(html: &str, page_url: &Url) -> Vec<(Url, ResourceKind)> {
    let document = Html::parse_document(html);
    let (Ok(base_selector), Ok(selector)) =
        (Selector::parse("base[href]"), Selector::parse("img[src], link[href], script[src]"))
    else {
        return Vec::new();
    };
    let base = document
        .select(&base_selector)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page_url.join(href).ok())
        .unwrap_or_else(|| page_url.clone());

    let mut found: Vec<(Url, ResourceKind)> = Vec::new();
    for element in document.select(&selector) {
        let el = element.value();
        let (attr, kind) = match el.name() {
            "img" => ("src", ResourceKind::Image),
            "script" => ("src", ResourceKind::Script),
            "link" if is_stylesheet(el.attr("rel")) => ("href", ResourceKind::Stylesheet),
            _ => continue,
        };
        let Some(url) = el.attr(attr).map(str::trim).filter(|v| !v.is_empty()).and_then(|v| base.join(v).ok()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || found.iter().any(|(u, _)| *u == url) {
            continue;
        }
        found.push((url, kind));
        if found.len() == MAX_SUBRESOURCES {
            break;
        }
    }
    found
}

fn is_stylesheet(rel: Option<&str>) -> bool {
    rel.is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("stylesheet")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_images_stylesheets_and_scripts_in_document_order() {
        let html = r#"<html><head><LINK REL="Stylesheet" href="/s.css"><link rel="icon" href="/i.ico">
            <script src="js/a.js"></script><script>inline()</script></head>
            <body><!-- <img src="/commented.png"> --><img src='/a.png'><img src="/a.png">
            <img src="data:image/png;base64,AAAA"><img src="https://cdn.test/b.png"></body></html>"#;
        let page = Url::parse("http://www.demo.test:8080/dir/page.html").unwrap();
        let found: Vec<_> = find_subresources(html, &page).into_iter().map(|(u, k)| (u.to_string(), k)).collect();
        assert_eq!(
            found,
            vec![
                ("http://www.demo.test:8080/s.css".to_string(), ResourceKind::Stylesheet),
                ("http://www.demo.test:8080/dir/js/a.js".to_string(), ResourceKind::Script),
                ("http://www.demo.test:8080/a.png".to_string(), ResourceKind::Image),
                ("https://cdn.test/b.png".to_string(), ResourceKind::Image),
            ]
        );
    }

    #[test]
    fn base_href_changes_where_relative_urls_point() {
        let html = r#"<head><base href="http://img.demo.test/pics/"></head><img src="x.png">"#;
        let page = Url::parse("http://www.demo.test/").unwrap();
        let found = find_subresources(html, &page);
        assert_eq!(found[0].0.as_str(), "http://img.demo.test/pics/x.png");
    }

    #[test]
    fn the_number_fetched_is_bounded() {
        let html: String = (0..500).map(|i| format!("<img src=\"/{i}.png\">")).collect();
        let page = Url::parse("http://www.demo.test/").unwrap();
        assert_eq!(find_subresources(&html, &page).len(), MAX_SUBRESOURCES);
    }
}
