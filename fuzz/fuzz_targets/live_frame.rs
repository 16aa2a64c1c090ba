//! Fuzz target `live_frame`: see `netlens::fuzzing::live_frame`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::live_frame(data));
