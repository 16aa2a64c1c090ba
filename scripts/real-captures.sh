#!/usr/bin/env bash
# Records real Linux TCP downloads over a lossy path, for checking netlens's TCP analysis against
# Wireshark's on captures no simulator made: scripts/real-captures.sh OUTDIR [NETLENS_BINARY]
#
# Three network namespaces, made here and removed on exit: a server, a router and a client,
# joined by two veth pairs (server ─ router ─ client). The router forwards, and nftables rules on
# its forward path drop a share of the data segments at random (`numgen random mod 1000 < N
# drop`), duplicate some (`dup to`), and drop some ACKs on the way back. (tc netem and NFQUEUE are
# not available on these machines, and nftables cannot reorder, so reordering is left to the
# simulator's captures.) netlens's own demo server serves /bytes/N in the server namespace and
# `netlens fetch` downloads it in the client namespace. tcpdump records each download at both
# ends (and fails if tcpdump missed any): at the server's card (every segment sent, retransmissions included) and at the client's
# card (losses upstream show as gaps). Offloads are off on every veth, so the capture holds the
# segments the wire carries, not 64 KiB super-packets.
#
# Writes OUTDIR/NAME-at-server.pcap and OUTDIR/NAME-at-client.pcap per download. Nothing leaves
# the namespaces; the addresses (10.201.x.x) exist only inside them.
# Exits 77 with one line saying why when the machine does not allow this (not root, no network
# namespaces, no nft or tcpdump): callers treat 77 as "skipped".
set -euo pipefail

out=${1:?usage: scripts/real-captures.sh OUTDIR [NETLENS_BINARY]}
netlens=${2:-$(dirname "$0")/../target/release/netlens}
skip() { echo "skipped: $*" >&2; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root to make network namespaces"
for tool in ip nft tcpdump; do
  command -v "$tool" >/dev/null || skip "$tool is missing (apt-get install -y iproute2 nftables tcpdump)"
done
[ -x "$netlens" ] || { echo "no netlens binary at $netlens (cargo build --release)" >&2; exit 2; }
netlens=$(realpath "$netlens")
mkdir -p "$out"
out=$(realpath "$out")

tag=nl$$
srv=$tag-srv rtr=$tag-rtr cli=$tag-cli
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "$srv" "$rtr" "$cli"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
ip netns add "$srv" 2>/dev/null || skip "this machine does not allow network namespaces"
ip netns add "$rtr"
ip netns add "$cli"
inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

ip link add s0 netns "$srv" type veth peer name r0 netns "$rtr"
ip link add c0 netns "$cli" type veth peer name r1 netns "$rtr"
inns "$srv" ip addr add 10.201.1.2/24 dev s0
inns "$rtr" ip addr add 10.201.1.1/24 dev r0
inns "$rtr" ip addr add 10.201.2.1/24 dev r1
inns "$cli" ip addr add 10.201.2.2/24 dev c0
for pair in "$srv s0" "$rtr r0" "$rtr r1" "$cli c0"; do
  set -- $pair
  inns "$1" ip link set lo up
  inns "$1" ip link set "$2" up
  if command -v ethtool >/dev/null; then
    inns "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
  else
    inns "$1" ip link set "$2" gso_max_size 1500 2>/dev/null || true
  fi
done
inns "$srv" ip route add default via 10.201.1.1
inns "$cli" ip route add default via 10.201.2.1
inns "$rtr" sysctl -qw net.ipv4.ip_forward=1
# A 20 Mbit/s bottleneck towards the client (tbf works where netem does not): a queue builds, the
# round trip grows with it as on a real path, and tcpdump keeps up with every segment.
inns "$rtr" tc qdisc add dev r1 root tbf rate 20mbit burst 16kb latency 20ms 2>/dev/null || true

# Set the router's impairments, in tenths of a percent: data loss, data duplication, ACK loss.
impair() {
  inns "$rtr" nft -f - <<NFT
flush ruleset
table ip impair {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "r0" tcp sport 8080 tcp flags & (syn|fin|rst) == 0 numgen random mod 1000 < $1 drop
    iifname "r0" tcp sport 8080 tcp flags & (syn|fin|rst) == 0 numgen random mod 1000 < $2 dup to 10.201.2.2 device "r1"
    iifname "r1" tcp dport 8080 tcp flags & (syn|fin|rst) == 0 numgen random mod 1000 < $3 drop
  }
}
NFT
}

ip netns exec "$srv" "$netlens" serve --bind 10.201.1.2 --port 8080 --https-port 8443 --dns-port 8053 >"$out/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do inns "$cli" bash -c 'exec 3<>/dev/tcp/10.201.1.2/8080' 2>/dev/null && break; sleep 0.1; done

# Starts tcpdump in namespace $1 on device $2 writing $3, and waits until it is listening.
capture() {
  local log=$3.log
  ip netns exec "$1" tcpdump -i "$2" -s 128 -B 16384 -U -n -w "$3" "tcp port 8080" 2>"$log" &
  pids+=($!)
  for _ in $(seq 50); do grep -q "listening on" "$log" 2>/dev/null && return; sleep 0.1; done
  echo "tcpdump did not start: $(cat "$log")" >&2
  exit 1
}

# name  loss‰  dup‰  ack-loss‰  bytes
runs=(
  "loss-2pct 20 0 0 3000000"
  "loss-5pct-ackloss 50 0 20 2000000"
  "loss-1pct-dup-3pct 10 30 0 2000000"
  "loss-3pct-dup-1pct-ackloss 30 10 10 4000000"
)
for run in "${runs[@]}"; do
  set -- $run
  name=$1
  impair "$2" "$3" "$4"
  first=${#pids[@]}
  capture "$srv" s0 "$out/$name-at-server.pcap"
  capture "$cli" c0 "$out/$name-at-client.pcap"
  inns "$cli" "$netlens" fetch --no-subresources "http://10.201.1.2:8080/bytes/$5" >"$out/$name-fetch.txt" 2>&1 \
    || { echo "the download failed: $(tail -3 "$out/$name-fetch.txt")" >&2; exit 1; }
  sleep 0.3
  for pid in "${pids[@]:$first}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=("${pids[@]:0:$first}")
  if grep -h "dropped by kernel" "$out/$name"-at-*.pcap.log | grep -qv "^0 "; then
    echo "tcpdump missed packets: $(grep -h 'dropped by kernel' "$out/$name"-at-*.pcap.log)" >&2
    exit 1
  fi
  rm -f "$out/$name"-at-*.pcap.log
  echo "$name: $(du -h "$out/$name-at-server.pcap" | cut -f1) at the server, $(du -h "$out/$name-at-client.pcap" | cut -f1) at the client"
done
