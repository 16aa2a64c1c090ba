#!/usr/bin/env bash
# Makes the README's screenshots: starts netlens in a virtual X display, presses Enter (the demo
# page's address is already in the bar), and saves the Fetch view, then its Raw tab.
# Needs Debian's xvfb, xdotool and imagemagick (installed when missing).
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
xdotool key Return
sleep 2
import -window "$win" docs/fetch-view.png
xdotool mousemove --window "$win" 84 374 click 1
sleep 1
import -window "$win" docs/fetch-raw.png
echo "wrote docs/fetch-view.png and docs/fetch-raw.png"
