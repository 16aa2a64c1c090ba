#!/usr/bin/env bash
# The class-swarm benchmark: PEERS (default 200) netlens nodes in one process over loopback TCP.
# Prints join time, memory per peer, traced-lookup rounds against ⌈log2 N⌉ + 2, and the time to
# share and fetch a 4 MiB file. Usage: scripts/bench-swarm.sh [PEERS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example swarm-bench >/dev/null 2>&1 || cargo build --release --example swarm-bench
exec target/release/examples/swarm-bench "${1:-200}"
