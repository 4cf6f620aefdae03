#!/bin/sh
# Rebuilds every firmware fixture from source in a fresh temporary copy of firmware-fixtures/ and checks
# that each ELF and memory-usage table is byte-identical to the committed one in firmware-fixtures/build/.
# Exit status: 0 all identical, 1 something differs or is missing, 2 the build itself failed.
set -u

repo_root=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$repo_root/firmware-fixtures"
work=$(mktemp -d "${TMPDIR:-/tmp}/seedsim-fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "rebuild-fixtures: arm-none-eabi-gcc not found (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2
  exit 2
fi

cp -R "$fixtures/Makefile" "$fixtures/ld" "$fixtures/src" "$fixtures/manifests" "$work/"
if ! make -s -C "$work" -j2 >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "rebuild-fixtures: the build failed" >&2
  exit 2
fi

status=0
checked=0
for fresh in "$work"/build/*.elf "$work"/build/*.memory-usage.txt "$work"/build/*.manifest.json; do
  name=$(basename "$fresh")
  committed="$fixtures/build/$name"
  checked=$((checked + 1))
  if [ ! -f "$committed" ]; then
    echo "MISSING  build/$name (built from source, not committed)"
    status=1
  elif ! cmp -s "$fresh" "$committed"; then
    echo "DIFFERS  build/$name"
    status=1
  fi
done
for committed in "$fixtures"/build/*; do
  name=$(basename "$committed")
  if [ ! -f "$work/build/$name" ]; then
    echo "STALE    build/$name (committed, no longer built)"
    status=1
  fi
done

if [ "$status" -eq 0 ]; then
  echo "rebuild-fixtures: $checked files rebuilt, all identical to firmware-fixtures/build/"
else
  echo "rebuild-fixtures: rebuild differs from firmware-fixtures/build/ (run: make -C firmware-fixtures)" >&2
fi
exit "$status"
