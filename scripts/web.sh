#!/usr/bin/env bash
# The browser build of netlens.
#   scripts/web.sh build [OUT]          builds the static web folder (default target/netlens-web)
#   scripts/web.sh serve [OUT] [PORT]   serves it on http://127.0.0.1:PORT/ (default 8090)
# The folder is plain files (index.html, netlens.js, netlens_bg.wasm, demo/): copy it to any web
# server. Building installs what it needs: the wasm32 target and wasm-bindgen-cli at the version
# Cargo.lock pins (the two must match exactly).
set -euo pipefail
cd "$(dirname "$0")/.."

command="${1:-build}"
out="${2:-target/netlens-web}"

build() {
  rustup target add wasm32-unknown-unknown >/dev/null
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" != "$want" ]; then
    echo "installing wasm-bindgen-cli $want (it must match the wasm-bindgen crate)…" >&2
    cargo install wasm-bindgen-cli --version "$want" >&2
  fi
  # The library as a WebAssembly module, with the browser's platform instead of the desktop's.
  cargo rustc --profile web-release --lib --target wasm32-unknown-unknown --no-default-features --features web \
    --crate-type cdylib
  local target_dir
  target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  rm -rf "$out"
  mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name netlens \
    "$target_dir/wasm32-unknown-unknown/web-release/netlens.wasm"
  cp web/index.html "$out/"
  # The demo site's pages, which the Fetch view fetches from the page's own server.
  cp -r assets/site "$out/demo"
  echo "built $out ($(du -sh "$out" | cut -f1)): serve it with scripts/web.sh serve, or copy it to a web server" >&2
}

serve() {
  local port="${3:-8090}"
  [ -f "$out/index.html" ] || build
  echo "netlens in the browser: http://127.0.0.1:$port/ (Ctrl-C stops)" >&2
  exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out"
}

case "$command" in
  build) build ;;
  serve) serve "$@" ;;
  *) echo "usage: scripts/web.sh build|serve [OUT] [PORT]" >&2; exit 2 ;;
esac
