//! `netlens scenes`: lists the built-in packet scenes with their titles.

use std::process::ExitCode;

use crate::sim::Scene;

pub fn run() -> ExitCode {
    let mut out = String::new();
    for scene in Scene::built_in() {
        out.push_str(&format!("{:<16} {}\n", scene.name, scene.title));
    }
    out.push_str("\nRun one with `netlens simulate NAME`, or open it in the Packets view.\n");
    super::output::print_or_fail(&out)
}
