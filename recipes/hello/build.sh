#!/bin/sh
# Runs in the build container: $SOURCES holds the verified tarball, $PREFIX is /opt.
set -eu
tar -xzf "$SOURCES/hello-1.0.0.tar.gz" -C "$WORK"
make -C "$WORK/hello-1.0.0" -j"$JOBS" install PREFIX="$PREFIX"
