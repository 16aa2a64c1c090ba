#!/usr/bin/env bash
# Release artifacts, in dist/:
#   netlens-VERSION-linux-x86_64.tar.gz   the Linux binary, README, the lessons (and lesson files to copy)
#   netlens-VERSION-windows-x86_64.zip    netlens.exe (mingw-w64 cross build), README, the lessons
#   netlens-VERSION-web/ (and .zip)        the browser build: a static folder for any web server
#   SHA256SUMS                             the archives' checksums; each archive and the web folder
#                                          also carry a SHA256SUMS of their own files
# README's "Install" section says where each goes.
#
#   scripts/release.sh            all three
#   scripts/release.sh linux web  only those
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
name="netlens-$version"
dist=dist
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux windows web)
mkdir -p "$dist"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# Writes SHA256SUMS inside folder $1, for every file under it.
sums_inside() {
  (cd "$1" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)
}

# A folder with the binary $1, README and the lessons, named $2.
stage() {
  local binary=$1 folder=$2
  rm -rf "$folder"
  mkdir -p "$folder/lessons"
  cp "$binary" "$folder/"
  cp README.md "$folder/"
  cp assets/lessons/*.toml "$folder/lessons/"
  printf 'netlens %s (%s)\nThe lessons are built in; the files in lessons/ are there to copy and change.\n' \
    "$version" "$commit" > "$folder/VERSION.txt"
  sums_inside "$folder"
}

for target in "${targets[@]}"; do
  case "$target" in
    linux)
      cargo build --release
      stage "$target_dir/release/netlens" "$dist/$name-linux-x86_64"
      tar -C "$dist" -czf "$dist/$name-linux-x86_64.tar.gz" "$name-linux-x86_64"
      rm -rf "${dist:?}/$name-linux-x86_64"
      ;;
    windows)
      command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "needs mingw-w64 (apt-get install -y mingw-w64)" >&2; exit 1; }
      rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
      cargo build --release --target x86_64-pc-windows-gnu
      stage "$target_dir/x86_64-pc-windows-gnu/release/netlens.exe" "$dist/$name-windows-x86_64"
      (cd "$dist" && rm -f "$name-windows-x86_64.zip" && zip -qr "$name-windows-x86_64.zip" "$name-windows-x86_64")
      rm -rf "${dist:?}/$name-windows-x86_64"
      ;;
    web)
      scripts/web.sh build "$dist/$name-web"
      sums_inside "$dist/$name-web"
      (cd "$dist" && rm -f "$name-web.zip" && zip -qr "$name-web.zip" "$name-web")
      ;;
    *) echo "unknown target $target (linux, windows, web)" >&2; exit 2 ;;
  esac
done

(cd "$dist" && ls -1 "$name"-*.tar.gz "$name"-*.zip 2>/dev/null | xargs -d '\n' sha256sum > SHA256SUMS)
echo "dist/:" >&2
(cd "$dist" && cat SHA256SUMS) >&2
