#!/usr/bin/env bash
# Makes the README's screenshots: starts netlens in a virtual X display, presses Enter (the demo
# page's address is already in the bar), and saves the Fetch view, then its Raw tab; then the
# Network view playing client/server in step mode, and the same scene live after a stranger sent
# each listener a malformed frame (the window stays up and says it rejected them); then the
# Lessons panel and presenter mode.
# Needs Debian's xvfb, xdotool, imagemagick, iproute2 (ss) and python3 (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
command -v import >/dev/null || need+=(imagemagick)
[ ${#need[@]} -eq 0 ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" libgl1-mesa-dri libegl1 libxkbcommon-x11-0 mesa-vulkan-drivers) >/dev/null
cargo build --release --quiet
display=:$((200 + RANDOM % 500))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=$display LIBGL_ALWAYS_SOFTWARE=1 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
# A throwaway home, so the screenshot does not depend on saved settings.
HOME=$(mktemp -d) target/release/netlens >/dev/null 2>&1 & app=$!
sleep 4
win=$(xdotool search --sync --onlyvisible --pid "$app" | head -1)
# No window manager runs here, so give the window the keyboard explicitly.
xdotool windowfocus --sync "$win"
# The Lessons panel comes first: go to the Fetch tab, where the address bar has the keyboard.
xdotool mousemove --window "$win" 189 15 click 1
sleep 1
xdotool key Return
sleep 2
import -window "$win" docs/fetch-view.png
xdotool mousemove --window "$win" 84 374 click 1
sleep 1
import -window "$win" docs/fetch-raw.png
# The Network tab, then Play.
xdotool mousemove --window "$win" 323 15 click 1
sleep 1
xdotool mousemove --window "$win" 568 47 click 1
sleep 4
import -window "$win" docs/network-view.png
# Live: tick the box, then send the 11-byte frame whose kind is not UTF-8 to every listener.
xdotool mousemove --window "$win" 382 47 click 1
sleep 3
for port in $(ss -ltnp | grep "pid=$app," | awk '{print $4}' | sed 's/.*://' | grep -vE '^(8080|8443|8053)$'); do
  python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $port)); s.sendall(bytes([0, 0, 0, 7, 0, 0, 0, 1, 2, 255, 255])); s.recv(16)" 2>/dev/null || true
done
sleep 2
import -window "$win" docs/network-live.png
kill $app 2>/dev/null || true
# A fresh window for the lessons: the panel with a lesson picked, then presenter mode (F5) on its
# second step, the question asked and then answered.
HOME=$(mktemp -d) target/release/netlens >/dev/null 2>&1 & app=$!
sleep 4
win=$(xdotool search --sync --onlyvisible --pid "$app" | head -1)
xdotool windowfocus --sync "$win"
xdotool mousemove --window "$win" 140 282 click 1
sleep 1
import -window "$win" docs/lessons.png
xdotool mousemove --window "$win" 478 113 click 1
sleep 2
xdotool key Right
sleep 1
xdotool key Right
sleep 3
xdotool mousemove --window "$win" 640 300
sleep 1
import -window "$win" docs/presenter.png
echo "wrote docs/fetch-view.png, docs/fetch-raw.png, docs/network-view.png, docs/network-live.png, docs/lessons.png and docs/presenter.png"
