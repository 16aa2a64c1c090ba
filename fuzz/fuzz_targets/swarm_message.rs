//! Fuzz target `swarm_message`: see `netlens::fuzzing::swarm_message`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netlens::fuzzing::swarm_message(data));
