//! Fuzz target `cli_args`: see `netlens::fuzzing::cli_args`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::cli_args(data));
