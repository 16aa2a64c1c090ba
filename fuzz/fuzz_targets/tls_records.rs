//! Fuzz target `tls_records`: see `netlens::fuzzing::tls_records`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::tls_records(data));
