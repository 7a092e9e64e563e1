#!/bin/sh
# pip against uv on the same pinned requirements, resolved and installed for a Lambda target
# (python3.11, x86_64, glibc 2.26: AL2; uv names no 2_26 target, so it gets manylinux_2_17, the nearest below), each from a cold cache.
# Usage: sh bench/python-installers.sh VENV [REQUIREMENTS]   (VENV has pip and uv installed)
# Prints one line per step: tool, step, seconds. Figures go in the report, never in a test.
set -eu
venv=$1
reqs=${2:-$(dirname "$0")/fixtures/native-15.txt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# This machine's own pip settings (find-links, an index) stay out of the comparison.
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS
pip="$venv/bin/python -m pip"
uv="$venv/bin/uv"
platforms=""
for m in 26 25 24 23 22 21 20 19 18 17; do platforms="$platforms --platform manylinux_2_${m}_x86_64"; done
platforms="$platforms --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64"
target="--only-binary=:all: --implementation cp --python-version 3.11 --abi cp311 $platforms"
now() { date +%s.%N; }
timed() { label=$1; shift; t0=$(now); "$@" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }; t1=$(now); echo "$label $(echo "$t1 - $t0" | bc)"; }

# Resolution: the pinned closure with hashes, for the target; wheels only on both sides (uv would
# otherwise pick a version that has only an sdist for the target and compile it).
timed "uv resolve" $uv pip compile "$reqs" --no-cache --only-binary :all: --generate-hashes --python-version 3.11 \
  --python-platform x86_64-manylinux_2_17 -o "$work/uv-locked.txt"
timed "pip resolve" $pip install --no-cache-dir --disable-pip-version-check --dry-run --ignore-installed \
  --target "$work/pip-dry" $target --report "$work/pip-report.json" -r "$reqs"
echo "packages $(grep -c '==' "$work/uv-locked.txt")"

# Install: the same hash-pinned closure, into a --target folder as a layer build does.
timed "uv install" $uv pip install --no-cache --only-binary :all: --require-hashes --no-deps --target "$work/uv-t" \
  --python-version 3.11 --python-platform x86_64-manylinux_2_17 -r "$work/uv-locked.txt"
timed "pip install" $pip install --no-cache-dir --disable-pip-version-check --no-compile --require-hashes \
  --no-deps --target "$work/pip-t" $target -r "$work/uv-locked.txt"
echo "installed uv $(du -sm "$work/uv-t" | cut -f1) MB, pip $(du -sm "$work/pip-t" | cut -f1) MB"
