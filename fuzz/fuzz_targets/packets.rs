//! Fuzz target `packets`: see `netlens::fuzzing::packets`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::packets(data));
