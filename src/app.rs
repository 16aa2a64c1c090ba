//! placeholder
pub fn run_native() -> Result<(), String> { Err("not yet".into()) }
