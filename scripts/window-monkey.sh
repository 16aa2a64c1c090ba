#!/usr/bin/env bash
# A random walk over the real window: starts the release build of netlens in a virtual X display
# (Xvfb, software OpenGL) with a throwaway HOME, then for N steps clicks, drags, scrolls and presses
# keys at random places, seeded, and checks after every step that the process is still alive.
# Exits non-zero (printing the seed and the steps) if the window goes away.
#
#   scripts/window-monkey.sh [STEPS] [SEED]       (defaults: 400 steps, seed 1)
#
# Needs Debian's xvfb and xdotool (installed when missing). The in-process monkey that runs in
# `cargo test` is tests/ui_monkey.rs; this one exercises the real window, renderer and X input.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-400}
seed=${2:-1}
need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
[ ${#need[@]} -eq 0 ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" libgl1-mesa-dri libegl1 libxkbcommon-x11-0 mesa-vulkan-drivers) >/dev/null
cargo build --release --quiet
display=:$((200 + RANDOM % 500))
Xvfb "$display" -screen 0 1366x768x24 >/dev/null 2>&1 & xvfb=$!
home=$(mktemp -d)
log=$(mktemp)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
export DISPLAY=$display LIBGL_ALWAYS_SOFTWARE=1 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
(cd "$home" && HOME=$home exec "$OLDPWD/target/release/netlens") >"$log" 2>&1 & app=$!
sleep 4
win=$(xdotool search --sync --onlyvisible --pid "$app" | head -1)
xdotool windowfocus --sync "$win"
RANDOM=$seed
keys=(space Left Right Home Escape Return F5 Tab Prior Next b ctrl+l ctrl+plus ctrl+minus Up Down)
done_steps=()
for ((i = 0; i < steps; i++)); do
  x=$((RANDOM % 1280)); y=$((RANDOM % 800))
  case $((RANDOM % 10)) in
    0|1|2|3) step="click $x $y"; xdotool mousemove --window "$win" "$x" "$y" click 1 ;;
    4) step="right-click $x $y"; xdotool mousemove --window "$win" "$x" "$y" click 3 ;;
    5) x2=$((RANDOM % 1280)); y2=$((RANDOM % 800)); step="drag $x,$y → $x2,$y2"
       xdotool mousemove --window "$win" "$x" "$y" mousedown 1 mousemove --window "$win" "$x2" "$y2" mouseup 1 ;;
    6) step="scroll at $x $y"; xdotool mousemove --window "$win" "$x" "$y" click $((4 + RANDOM % 2)) ;;
    7|8) k=${keys[$((RANDOM % ${#keys[@]}))]}; step="key $k"; xdotool key --window "$win" "$k" ;;
    9) t=$((RANDOM % 3)); step="tab $t"; xdotool mousemove --window "$win" $((120 + t * 65)) 15 click 1 ;;
  esac
  done_steps+=("$step")
  sleep 0.05
  if ! kill -0 "$app" 2>/dev/null; then
    echo "window-monkey: netlens exited at step $i (seed $seed). Steps:" >&2
    printf '  %s\n' "${done_steps[@]}" >&2
    echo "its output:" >&2; tail -30 "$log" >&2
    exit 1
  fi
done
if grep -q "panicked" "$log"; then
  echo "window-monkey: a thread panicked (seed $seed):" >&2; grep -A5 panicked "$log" >&2; exit 1
fi
echo "window-monkey: $steps steps, seed $seed: the window stayed up"
