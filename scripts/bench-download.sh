#!/usr/bin/env bash
# Download speed and memory: netlens fetch against curl, side by side.
#
# Serves /bytes/N (default 100 MiB) from netlens's own demo site on loopback, then downloads it
# with `curl -s -o /dev/null` and `netlens fetch --no-subresources` in turn, whole processes
# (start-up counts), after one warm-up of each: RUNS pairs (default 5). Prints both medians, the
# median of the per-pair ratios, and netlens's peak resident memory.
# Targets (issue 23): netlens at most 1.0x curl's time, under 16 MiB peak.
#
#   scripts/bench-download.sh            # RUNS=5 SIZE=104857600
#   RUNS=21 SIZE=1073741824 scripts/bench-download.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZE=${SIZE:-104857600}

need=()
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/time ] || need+=(time)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi

cargo build --release --quiet
BIN=target/release/netlens
log=$(mktemp)
"$BIN" serve --port 0 --https-port 0 --dns-port 0 --ca-file "$log.pem" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log" "$log.pem"' EXIT
for _ in $(seq 100); do grep -q 'press Ctrl-C' "$log" && break; sleep 0.05; done
base=$(awk '/^netlens demo site/ {print $4}' "$log")
[ -n "$base" ] || { echo "the demo server did not start:" >&2; cat "$log" >&2; exit 1; }
url="${base}bytes/$SIZE"

# Prints "seconds peak_kib" for one run of the command.
measure() {
  local start end mem
  mem=$(mktemp)
  start=$(date +%s%N)
  /usr/bin/time -o "$mem" -f '%M' "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 )) $(tail -1 "$mem")"
  rm -f "$mem"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

curl_us=(); netlens_us=(); netlens_kib=()
# One warm-up of each, not counted.
measure curl -s -o /dev/null "$url" >/dev/null
measure "$BIN" fetch "$url" --no-subresources >/dev/null
for i in $(seq "$RUNS"); do
  read -r t _ < <(measure curl -s -o /dev/null "$url"); curl_us+=("$t")
  read -r t m < <(measure "$BIN" fetch "$url" --no-subresources); netlens_us+=("$t"); netlens_kib+=("$m")
done

c=$(printf '%s\n' "${curl_us[@]}" | median)
n=$(printf '%s\n' "${netlens_us[@]}" | median)
ratio=$(for i in "${!curl_us[@]}"; do echo "${netlens_us[$i]} / ${curl_us[$i]}" | bc -l; done | median)
peak=$(printf '%s\n' "${netlens_kib[@]}" | sort -n | tail -1)
echo "download of $SIZE bytes from $url, $RUNS alternating pairs after one warm-up each"
printf 'curl -s -o /dev/null            median %7.1f ms\n' "$(echo "$c / 1000" | bc -l)"
printf 'netlens fetch --no-subresources median %7.1f ms   peak memory %.1f MiB\n' "$(echo "$n / 1000" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
printf 'ratio netlens/curl, median of the pairs: %.2f (target <= 1.00); memory target < 16 MiB\n' "$ratio"
