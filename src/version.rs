//! The version string: the crate version, and the git commit it was built from when known.

/// "0.1.0 (abc1234567)" or "0.1.0".
pub fn version() -> &'static str {
    const COMMIT: &str = env!("NETLENS_GIT_COMMIT");
    if COMMIT.is_empty() {
        env!("CARGO_PKG_VERSION")
    } else {
        concat!(env!("CARGO_PKG_VERSION"), " (", env!("NETLENS_GIT_COMMIT"), ")")
    }
}
