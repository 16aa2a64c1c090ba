//! Fuzz target `http_head`: see `netlens::fuzzing::http_head`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::http_head(data));
