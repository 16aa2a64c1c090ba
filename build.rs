//! Build script: embeds the demo web site under `assets/site` into the binary, so an installed
//! `netlens` needs no files beside it, and stamps the version with the git commit when one is known.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use std::{env, fs, process::Command};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    embed_site(&manifest_dir.join("assets/site"), &out_dir.join("site_assets.rs"));
    stamp_version(&manifest_dir);
    pack_relocations();
}

/// Links the binary with packed relative relocations (DT_RELR) on Linux with GNU libc: the
/// dynamic loader then reads a few kilobytes of relocations at start instead of 2 MB, which
/// every run of every command pays for in time and memory. Binutils 2.38 and glibc 2.36
/// (Debian 12, Ubuntu 22.04 and later) have it.
fn pack_relocations() {
    let linux_gnu = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu && env::var_os("NETLENS_NO_RELR").is_none() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-env-changed=NETLENS_NO_RELR");
}

/// Writes `site_assets.rs`: one `SiteFile` per file, with its URL path, its bytes (through
/// `include_bytes!`, so cargo tracks them), its media type and its modification time.
fn embed_site(site_dir: &Path, out_file: &Path) {
    println!("cargo:rerun-if-changed={}", site_dir.display());
    let mut files = Vec::new();
    collect_files(site_dir, &mut files);
    files.sort();

    let mut code = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(site_dir).expect("file is under the site directory");
        let url_path = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
        let modified = fs::metadata(file)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        writeln!(
            code,
            "    SiteFile {{ path: {url_path:?}, bytes: include_bytes!({:?}), content_type: {:?}, modified_unix: {modified} }},",
            file.display().to_string(),
            content_type(file),
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("]\n");
    fs::write(out_file, code).expect("write site_assets.rs into OUT_DIR");
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        panic!("the demo site directory {} is missing", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Sets `NETLENS_GIT_COMMIT` to the short commit hash, or to an empty string when this is not a
/// git checkout or git is missing. Re-runs when HEAD moves (a commit or a checkout), not on every
/// edit, so day-to-day rebuilds stay incremental.
fn stamp_version(manifest_dir: &Path) {
    let git_dir = manifest_dir.join(".git");
    if git_dir.is_dir() {
        let head = git_dir.join("HEAD");
        println!("cargo:rerun-if-changed={}", head.display());
        if let Some(reference) =
            fs::read_to_string(&head).ok().and_then(|h| h.strip_prefix("ref: ").map(|r| r.trim().to_string()))
        {
            println!("cargo:rerun-if-changed={}", git_dir.join(reference).display());
        }
    }
    let commit = git(manifest_dir, &["rev-parse", "--short=10", "HEAD"]).unwrap_or_default();
    println!("cargo:rustc-env=NETLENS_GIT_COMMIT={commit}");
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).current_dir(dir).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}
