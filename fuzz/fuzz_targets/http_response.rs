//! Fuzz target `http_response`: see `netlens::fuzzing::http_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::http_response(data));
