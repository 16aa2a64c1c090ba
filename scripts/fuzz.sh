#!/usr/bin/env bash
# Runs one fuzz target for a number of minutes: scripts/fuzz.sh TARGET MINUTES
# Targets: capture packets http_response http_head dns tls_records scene_file lesson_file
#          live_frame cli_args swarm_message (the list is netlens::fuzzing::TARGETS).
# Needs cargo-fuzz (cargo install cargo-fuzz); builds with RUSTC_BOOTSTRAP=1 on stable Rust.
# The working corpus grows in fuzz/corpus/TARGET (not committed), starting from the committed
# seeds in fuzz/seeds/TARGET. A crash is minimised into fuzz/regressions/TARGET/, which
# `cargo test` (tests/fuzz_corpus.rs) replays from then on; the script then exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=${1:?usage: scripts/fuzz.sh TARGET MINUTES}
minutes=${2:?usage: scripts/fuzz.sh TARGET MINUTES}
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "MINUTES must be a whole number of minutes, at least 1" >&2; exit 2; }
[ -f "fuzz_targets/$target.rs" ] || { echo "no fuzz target '$target' (see fuzz/fuzz_targets/)" >&2; exit 2; }
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
mkdir -p "corpus/$target" "artifacts/$target" "regressions/$target"
# -rss_limit_mb catches unbounded memory; -timeout a hang (seconds for one input).
set +e
cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time=$((minutes * 60)) -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
  -print_final_stats=1 2>&1 | tee "artifacts/$target/last-run.log" | grep -E "^(#[0-9]+ +DONE|Done|stat::|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)|panicked" 
status=${PIPESTATUS[0]}
set -e
found=0
for crash in artifacts/"$target"/{crash,oom,timeout,leak}-*; do
  [ -f "$crash" ] || continue
  found=1
  name=$(basename "$crash")
  cargo fuzz tmin -O "$target" "$crash" -- -runs=2000 >/dev/null 2>&1 || true
  minimised=$(ls -t artifacts/"$target"/minimized-from-* 2>/dev/null | head -1)
  cp "${minimised:-$crash}" "regressions/$target/$name"
  echo "found: regressions/$target/$name (replayed by cargo test from now on)"
done
if [ "$found" = 1 ] || [ "$status" != 0 ]; then
  echo "fuzz target $target failed (exit $status): see fuzz/artifacts/$target/last-run.log" >&2
  exit 1
fi
echo "fuzz target $target: ${minutes} min clean"
