//! Fuzz target `lesson_file`: see `netlens::fuzzing::lesson_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::lesson_file(data));
