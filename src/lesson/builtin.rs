//! The lessons built into the binary (`assets/lessons/`), in teaching order. They are parsed
//! and validated like a teacher's own files; a test and CI check every one of them.

use super::{Lesson, file};

/// (file name, text) of every built-in lesson, in the order the section teaches.
const LESSONS: &[(&str, &str)] = &[
    ("bytes.toml", include_str!("../../assets/lessons/bytes.toml")),
    ("ip-packets.toml", include_str!("../../assets/lessons/ip-packets.toml")),
    ("tcp-connection.toml", include_str!("../../assets/lessons/tcp-connection.toml")),
    ("fetch-a-page.toml", include_str!("../../assets/lessons/fetch-a-page.toml")),
    ("one-server.toml", include_str!("../../assets/lessons/one-server.toml")),
    ("peers.toml", include_str!("../../assets/lessons/peers.toml")),
];

/// Every built-in lesson, or the first one that does not read (a bug the tests catch).
pub fn all() -> Result<Vec<Lesson>, String> {
    LESSONS.iter().map(|(name, text)| file::parse(name, text)).collect()
}

/// A built-in lesson by id.
pub fn find(id: &str) -> Option<Lesson> {
    all().ok()?.into_iter().find(|l| l.id == id)
}

/// A built-in lesson's file text, by its file's name without `.toml` — a starting point for
/// writing one's own.
pub fn source(name: &str) -> Option<&'static str> {
    LESSONS.iter().find(|(file, _)| file.strip_suffix(".toml") == Some(name)).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_lesson_reads_and_together_they_cover_s1_to_s24() {
        let lessons = all().unwrap();
        let mut covered: Vec<u8> = lessons.iter().flat_map(|l| l.concepts.clone()).collect();
        covered.sort_unstable();
        covered.dedup();
        assert_eq!(covered, (1..=super::super::CONCEPTS).collect::<Vec<_>>());
        let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), lessons.len(), "ids are unique");
    }
}
