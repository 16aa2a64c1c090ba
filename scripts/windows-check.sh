#!/usr/bin/env bash
# The Windows build, checked under wine: cross-builds netlens.exe with Debian's mingw-w64
# (`cargo build --release --target x86_64-pc-windows-gnu`), runs headless commands with it under
# wine and with the Linux build, and compares what they print, byte for byte:
#   simulate http-exchange, scene run replicated-storage (a kill and the repair), inspect (a
#   capture the Linux build wrote), scenes, and lesson check (which starts its own demo site and
#   DNS responder on loopback, under wine too).
# Then `fetch` of a page from a Linux `netlens serve`: the same JSON but for what only Linux has
# (the kernel's TCP statistics, and times).
#
#   scripts/windows-check.sh        exit 0: all alike; 1: a difference (shown); 77: cannot test here
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng Rust's standard library uses
# for randomness on Windows 10 and later; this script builds a stand-in from three lines of C
# with mingw and puts it beside the exe. Real Windows has the DLL.
set -euo pipefail
cd "$(dirname "$0")/.."
skip() { echo "skipped: $*"; exit 77; }

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(mingw-w64)
command -v wine >/dev/null || need+=(wine wine64)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || skip "needs ${need[*]} (apt-get install -y ${need[*]})"
  echo "installing ${need[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null ||
    skip "could not install ${need[*]}"
fi
rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu >/dev/null

cargo build --release --quiet --bin netlens
cargo build --release --quiet --bin netlens --target x86_64-pc-windows-gnu
# Where cargo puts its builds (CARGO_TARGET_DIR may move it).
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
linux="$target_dir/release/netlens"
run=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null; rm -rf "$run"' EXIT
cp "$target_dir/x86_64-pc-windows-gnu/release/netlens.exe" "$run/"
cat >"$run/shim.c" <<'EOF'
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
EOF
x86_64-w64-mingw32-gcc -shared -o "$run/bcryptprimitives.dll" "$run/shim.c" -lbcrypt -Wl,--kill-at
export WINEDEBUG=-all WINEPREFIX="$run/wine"
wine "$run/netlens.exe" --version >/dev/null 2>&1 || skip "wine cannot run the exe here"
"$linux" simulate lossy-transfer --pcap "$run/lossy.pcap" --format json >/dev/null

failed=0
compare() {
  (cd "$run" && wine ./netlens.exe "$@" >win.out 2>win.err) || true
  (cd "$run" && "$linux" "$@" >linux.out 2>linux.err) || true
  if cmp -s "$run/win.out" "$run/linux.out" && [ -s "$run/linux.out" ]; then
    echo "same ($(wc -c <"$run/linux.out") bytes): netlens $*"
  else
    echo "DIFFERENT: netlens $*"
    diff <(head -c 3000 "$run/win.out") <(head -c 3000 "$run/linux.out") | head -20
    tail -3 "$run/win.err"
    failed=1
  fi
}
compare simulate http-exchange --format json
compare scene run replicated-storage --at 100000:kill:peer-3 --until-ms 2000 --format json
compare inspect lossy.pcap --format json
compare scenes
compare lesson check --format json

# fetch: the Windows build against a Linux demo server, the JSON compared without what differs
# by nature (times, dates, ports, the Linux kernel's TCP_INFO).
log="$run/serve.log"
"$linux" serve --port 0 --https-port 0 --dns-port 0 >"$log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q 'press Ctrl-C' "$log" && break; sleep 0.05; done
base=$(awk '/^netlens demo site/ {print $4}' "$log")
(cd "$run" && wine ./netlens.exe fetch "${base}missing" --format json >fetch-win.json) || true
"$linux" fetch "${base}missing" --format json >"$run/fetch-linux.json"
python3 - "$run/fetch-win.json" "$run/fetch-linux.json" <<'EOF' || failed=1
import json, sys
win, lin = (json.load(open(p)) for p in sys.argv[1:3])
def comparable(x, key=""):
    if key in ("tcp_info", "timings_ms", "ms", "t_us", "date", "raw", "raw_head", "headers", "local", "remote", "arrivals"):
        return None
    if isinstance(x, dict):
        return {k: comparable(v, k) for k, v in x.items()}
    if isinstance(x, list):
        return [comparable(v) for v in x]
    return x
same = comparable(win) == comparable(lin)
print(("same" if same else "DIFFERENT") + " (but times, headers and TCP_INFO): netlens fetch " + sys.argv[1].split("/")[-1])
print("  Windows tcp_info:", [e.get("tcp_info") for e in win["exchanges"]], "(null: only Linux gives it)")
sys.exit(0 if same else 1)
EOF
exit $failed
