//! The browser build's cost to a student's laptop: the size of the web folder's files (as
//! stored, and gzip-compressed as a web server would send them) and the time from asking for
//! the page to its first drawn frame, in headless chromium on loopback (software WebGL), over
//! several loads with a fresh profile each (no cache). README quotes the medians.
//!
//!   scripts/web.sh build && cargo bench --bench web_first_paint

// The browser test's DevTools client; the benchmark only loads pages, so most of it is unused here.
#[allow(dead_code)]
#[path = "../tests/browser/devtools.rs"]
mod devtools;
#[path = "../tests/browser/static_site.rs"]
mod static_site;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

const LOADS: usize = 5;

fn main() {
    let folder = std::env::var_os("NETLENS_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/netlens-web"));
    let Ok(wasm) = std::fs::read(folder.join("netlens_bg.wasm")) else {
        eprintln!("no web build in {} (scripts/web.sh build makes it)", folder.display());
        std::process::exit(1);
    };
    let js = std::fs::read(folder.join("netlens.js")).unwrap_or_default();
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap().len()
    };
    let mib = |n: usize| n as f64 / 1048576.0;
    println!("netlens_bg.wasm: {:.1} MiB, gzip -9 {:.1} MiB", mib(wasm.len()), mib(gzip(&wasm)));
    println!("netlens.js: {:.0} KiB, gzip -9 {:.0} KiB", js.len() as f64 / 1024.0, gzip(&js) as f64 / 1024.0);

    let site = static_site::serve(&folder);
    let mut times = Vec::new();
    for _ in 0..LOADS {
        let mut browser = devtools::Browser::start("chromium");
        browser.navigate(&format!("http://{site}/"));
        let painted =
            browser.wait_for("window.netlensFirstPaint || null", Duration::from_secs(120), "the first frame", |v| {
                v.is_number()
            });
        times.push(painted.as_f64().unwrap());
    }
    times.sort_by(f64::total_cmp);
    let shown: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    println!(
        "first frame after asking for the page: median {:.0} ms (loads: {} ms)",
        times[LOADS / 2],
        shown.join(", ")
    );
}
