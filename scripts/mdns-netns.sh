#!/usr/bin/env bash
# mDNS discovery between two laptops, without a single multicast packet on this machine's real
# interfaces: two network namespaces ("teacher" and "student") joined by a bridge in a third.
# The teacher's node starts a class with mDNS on; the student's node has only the class code
# (--student, no address) and must find the teacher by mDNS, join, and log in at its registry.
# Usage: scripts/mdns-netns.sh [NETLENS]   Exit 0: found; 1: not found; 77: cannot test here.
set -uo pipefail
netlens=${1:-target/release/netlens}
skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null || skip "needs iproute2 (ip)"
[ -x "$netlens" ] || skip "no netlens binary at $netlens"
tag=nlm$$
ns_t=$tag-t; ns_s=$tag-s; ns_b=$tag-b
dir=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null; wait 2>/dev/null
  for ns in $ns_t $ns_s $ns_b; do ip netns del $ns 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add $ns_t 2>/dev/null || skip "cannot make network namespaces here"
ip netns add $ns_s && ip netns add $ns_b || skip "cannot make network namespaces here"
ip -n $ns_b link add br0 type bridge || skip "cannot make a bridge"
ip -n $ns_b link set br0 up
i=1
for ns in $ns_t $ns_s; do
  ip link add veth$i netns $ns type veth peer name port$i netns $ns_b || skip "cannot make veth pairs"
  ip -n $ns_b link set port$i master br0 up
  ip -n $ns addr add 10.77.0.$i/24 dev veth$i
  ip -n $ns link set veth$i up
  ip -n $ns link set lo up
  # mDNS goes to 224.0.0.251: route multicast out of the veth.
  ip -n $ns route add 224.0.0.0/4 dev veth$i
  i=$((i + 1))
done
ip netns exec $ns_t "$netlens" swarm node --code MDNS22 --name teacher --listen /ip4/10.77.0.1/tcp/0 \
  --state-file "$dir/teacher.json" > "$dir/teacher.out" 2> "$dir/teacher.err" &
ip netns exec $ns_s "$netlens" swarm node --student --code MDNS22 --name student --listen /ip4/10.77.0.2/tcp/0 \
  --state-file "$dir/student.json" > "$dir/student.out" 2> "$dir/student.err" &
for _ in $(seq 1 60); do
  sleep 0.5
  if grep -q '"registry"' "$dir/teacher.json" 2>/dev/null \
     && python3 -c "import json,sys; t=json.load(open('$dir/teacher.json')); s=json.load(open('$dir/student.json')); sys.exit(0 if s['teacher']==t['peer_id'] and len(t['registry'])==1 else 1)" 2>/dev/null; then
    echo "found by mDNS: the student joined and logged in at the teacher's registry"
    grep -h '"discovered"' "$dir/student.out" | head -1
    exit 0
  fi
done
echo "not found: the student never joined the teacher by mDNS"
tail -5 "$dir/student.out" "$dir/student.err" "$dir/teacher.err"
exit 1
