//! Fuzz target `capture`: see `netlens::fuzzing::capture`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::capture(data));
