#!/usr/bin/env bash
# Times `netlens inspect --summary` against `tcpdump -r FILE -n` and `tshark -r FILE` on one
# synthetic capture of PACKETS packets (default 1,000,000), and prints the ratios. The same
# packets are also timed as pcapng (converted by Wireshark's editcap), since both formats go
# through one reader and should read equally fast.
# Needs: tcpdump, tshark, editcap (apt-get install -y tcpdump tshark). Usage: scripts/bench-inspect.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${PACKETS:-1000000}
RUNS=${RUNS:-3}
FILE=${FILE:-/tmp/netlens-bench-${PACKETS}.pcap}

cargo build --release --quiet --example make-capture
cargo build --release --quiet
[ -f "$FILE" ] || target/release/examples/make-capture "$FILE" "$PACKETS" 1000
NG=${FILE%.pcap}.pcapng
[ -f "$NG" ] || editcap -F pcapng "$FILE" "$NG"
echo "capture: $FILE ($(du -h "$FILE" | cut -f1), $PACKETS packets) and $NG ($(du -h "$NG" | cut -f1))"

# Median wall time in seconds of RUNS runs of a command (output discarded).
median() {
  local times=()
  local TIMEFORMAT=%R
  for _ in $(seq "$RUNS"); do
    # bash's own timer: no extra processes inside the measurement.
    times+=("$( { time "$@" > /dev/null 2>&1; } 2>&1 )")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

netlens=$(median target/release/netlens inspect "$FILE" --summary)
netlens_ng=$(median target/release/netlens inspect "$NG" --summary)
tcpdump=$(median tcpdump -r "$FILE" -n)
tshark=$(median tshark -r "$FILE")
printf 'netlens inspect --summary  %8.3f s\n' "$netlens"
printf 'netlens, same as pcapng     %8.3f s   (pcapng takes %.0f %% of pcap'"'"'s time)\n' "$netlens_ng" "$(echo "100 * $netlens_ng / $netlens" | bc -l)"
printf 'tcpdump -r FILE -n         %8.3f s   (netlens is %.1fx faster)\n' "$tcpdump" "$(echo "$tcpdump / $netlens" | bc -l)"
printf 'tshark -r FILE             %8.3f s   (netlens is %.1fx faster)\n' "$tshark" "$(echo "$tshark / $netlens" | bc -l)"
/usr/bin/time -f 'netlens peak memory: %M KiB' target/release/netlens inspect "$FILE" --summary > /dev/null
