//! Fuzz target `scene_file`: see `netlens::fuzzing::scene_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::scene_file(data));
