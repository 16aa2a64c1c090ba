//! Fuzz target `dns`: see `netlens::fuzzing::dns`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::dns(data));
