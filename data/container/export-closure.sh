#!/bin/sh
# Runs inside the build container after the recipe's steps. Copies the programs and libraries the
# recipe exports into /opt/bin and /opt/lib, then every shared library they (and everything already
# in /opt/bin and /opt/lib) need, except the libraries the runtime image already provides: that list,
# one soname per line, is read from the runtime image by layerforge and passed as $1.
# Usage: export-closure.sh PROVIDED_LIST [bin:NAME ...] [lib:SONAME ...] [data:FROM:TO ...]
set -eu
provided="$1"; shift
mkdir -p /opt/bin /opt/lib

# The provided sonames as one space-separated string: a `case` match needs no grep, which the
# find-less AL2023 images may lack as well.
provided_names=" "
while IFS= read -r name; do provided_names="$provided_names$name "; done < "$provided"
is_provided() { case "$provided_names" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# Where each exported file came from, for the manifest's OS packages: layer path, the path it was
# copied from, and that path with links resolved (a package owns one of them). Outside /opt.
meta=/layerforge-meta
record() {
  [ -d "$meta" ] || return 0
  real=$(readlink -f "$2" 2>/dev/null || true)
  printf '%s\t%s\t%s\n' "$1" "$2" "${real:-$2}" >> "$meta/exported.tsv"
}

# glibc's dynamic loader, which every image has; ldd is only a bash script around it.
case "${LAYERFORGE_ARCH:-x86_64}" in
  x86_64) rtld=/lib64/ld-linux-x86-64.so.2 ;;
  arm64) rtld=/lib/ld-linux-aarch64.so.1 ;;
  *) echo "layerforge: unknown LAYERFORGE_ARCH '$LAYERFORGE_ARCH'" >&2; exit 3 ;;
esac
[ -e "$rtld" ] || { echo "layerforge: the build image has no $rtld" >&2; exit 3; }

# What `LD_LIBRARY_PATH=/opt/lib ldd` prints for a file, from the loader itself: --verify exits 0 or 2 for a dynamically
# linked object, 1 for anything else (a static binary, a script), which is skipped.
trace_libraries() {
  set +e
  "$rtld" --verify "$1" >/dev/null 2>&1
  verified=$?
  set -e
  case "$verified" in
    0 | 2) LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=/opt/lib "$rtld" "$1" ;;
    *) return 1 ;;
  esac
}

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
      record "bin/$name" "$path"
      echo "export bin/$name (from $path)" ;;
    lib:*)
      name="${item#lib:}"
      path=$(find_library "$name" || true)
      [ -n "$path" ] || { echo "layerforge: exported library '$name' was not found in the build image" >&2; exit 3; }
      if [ "$path" != "/opt/lib/$name" ]; then cp -L "$path" "/opt/lib/$name"; fi
      record "lib/$name" "$path"
      echo "export lib/$name (from $path)" ;;
    data:*)
      spec="${item#data:}"; from="${spec%%:*}"; to="${spec#*:}"
      [ -e "$from" ] || { echo "layerforge: exported data '$from' does not exist in the build image" >&2; exit 3; }
      mkdir -p "$(dirname "/opt/$to")"
      cp -a "$from" "/opt/$to"
      record "$to" "$from"
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

# The closure: the loader lists every library a file needs, transitively, as it would find them
# with /opt/lib on the path. Copy what the runtime image lacks; fail on anything the loader cannot find.
missing=0
while read -r file; do
  [ -f "$file" ] && [ ! -L "$file" ] || continue
  out=$(trace_libraries "$file" 2>/dev/null </dev/null) || continue
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
    record "lib/$soname" "$path"
    echo "closure lib/$soname (for ${file#/opt/}, from $path)"
  done
done < "$scan"
[ ! -e /tmp/layerforge-missing ] || exit 4
