#!/bin/sh
# Runs inside the build container after the recipe's steps. Copies the programs and libraries the
# recipe exports into /opt/bin and /opt/lib, then every shared library they (and everything already
# in /opt/bin and /opt/lib) need, except the libraries the runtime image already provides: that list,
# one soname per line, is read from the runtime image by layerforge and passed as $1.
# Usage: export-closure.sh PROVIDED_LIST [bin:NAME ...] [lib:SONAME ...] [data:FROM:TO ...]
set -eu
provided="$1"; shift
mkdir -p /opt/bin /opt/lib

is_provided() { grep -qxF "$1" "$provided"; }

find_library() {
  for dir in /opt/lib /lib64 /usr/lib64 /lib/*-linux-gnu /usr/lib/*-linux-gnu /usr/local/lib /usr/lib /lib; do
    if [ -e "$dir/$1" ]; then echo "$dir/$1"; return 0; fi
  done
  return 1
}

for item in "$@"; do
  case "$item" in
    bin:*)
      name="${item#bin:}"
      path=$(command -v "$name" || true)
      [ -n "$path" ] || { echo "layerforge: exported binary '$name' is not on PATH in the build image" >&2; exit 3; }
      if [ "$path" != "/opt/bin/$name" ]; then cp -L "$path" "/opt/bin/$name"; fi
      echo "export bin/$name (from $path)" ;;
    lib:*)
      name="${item#lib:}"
      path=$(find_library "$name" || true)
      [ -n "$path" ] || { echo "layerforge: exported library '$name' was not found in the build image" >&2; exit 3; }
      if [ "$path" != "/opt/lib/$name" ]; then cp -L "$path" "/opt/lib/$name"; fi
      echo "export lib/$name (from $path)" ;;
    data:*)
      spec="${item#data:}"; from="${spec%%:*}"; to="${spec#*:}"
      [ -e "$from" ] || { echo "layerforge: exported data '$from' does not exist in the build image" >&2; exit 3; }
      mkdir -p "$(dirname "/opt/$to")"
      cp -a "$from" "/opt/$to"
      echo "export $to (from $from)" ;;
  esac
done

# Shared objects and executables at or under $1, like `find $1 -type f \( -name '*.so' -o
# -name '*.so.*' -o -perm -u+x \)` but with shell globs only: the build image may have no `find`
# (sam/build-provided.al2023 comes from the find-less provided:al2023). Links are not followed.
closure_files() {
  if [ -L "$1" ]; then return 0; fi
  if [ -d "$1" ]; then
    for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
      if [ -e "$entry" ] || [ -L "$entry" ]; then closure_files "$entry"; fi
    done
    return 0
  fi
  [ -f "$1" ] || return 0
  case "${1##*/}" in
    *.so | *.so.*) echo "$1" ;;
    *) if [ -x "$1" ]; then echo "$1"; fi ;;
  esac
}

# Plugins deeper than /opt/bin and /opt/lib (ImageMagick's coders, R's packages) need their
# libraries too: a recipe's script names such folders or files under /opt, one path or glob per
# line, in $WORK/closure-dirs; their shared objects and executables join the scan.
scan=/tmp/layerforge-closure-scan
for file in /opt/bin/* /opt/lib/*; do echo "$file"; done > "$scan"
if [ -f "${WORK:-/nonexistent}/closure-dirs" ]; then
  for dir in $(cat "$WORK/closure-dirs"); do
    case "$dir" in /opt/*) ;; *) echo "layerforge: closure-dirs entry '$dir' is not under /opt" >&2; exit 3 ;; esac
    [ -e "$dir" ] || { echo "layerforge: closure-dirs entry '$dir' does not exist" >&2; exit 3; }
    closure_files "$dir" >> "$scan"
  done
fi

# The closure: ldd lists every library a file needs, transitively, as the loader would find it with
# /opt/lib on the path. Copy what the runtime image lacks; fail on anything the loader cannot find.
missing=0
while read -r file; do
  [ -f "$file" ] && [ ! -L "$file" ] || continue
  out=$(LD_LIBRARY_PATH=/opt/lib ldd "$file" 2>/dev/null </dev/null) || continue
  echo "$out" | while read -r soname arrow path rest; do
    [ "$arrow" = "=>" ] || continue
    if [ "$path" = "not" ]; then
      echo "layerforge: $file needs $soname, which the build image does not have" >&2
      echo "missing" > /tmp/layerforge-missing
      continue
    fi
    case "$path" in /opt/lib/*) continue ;; esac
    is_provided "$soname" && continue
    [ -e "/opt/lib/$soname" ] && continue
    cp -L "$path" "/opt/lib/$soname"
    echo "closure lib/$soname (for ${file#/opt/}, from $path)"
  done
done < "$scan"
[ ! -e /tmp/layerforge-missing ] || exit 4
