#!/bin/sh
# Lays out the ffmpeg layer:
#   bin/ffmpeg, bin/ffprobe   the programs
#   lib/                      libavcodec, libavformat ... and their codec libraries (export-closure.sh)
# debian12 takes Debian's ffmpeg package; Amazon Linux, which has none, compiles FFmpeg from the
# recipe's source (on paper only) with its own codecs and zlib.
# Shell globs, not find: the find-less AL2023 build image runs this too.
set -eu

mkdir -p "$PREFIX/bin"
case "$LAYERFORGE_OS" in
debian12)
  install -m 0755 /usr/bin/ffmpeg "$PREFIX/bin/ffmpeg"
  install -m 0755 /usr/bin/ffprobe "$PREFIX/bin/ffprobe"
  ;;
al2023 | al2)
  src="$WORK/ffmpeg-src"
  mkdir -p "$src"
  tar -xJf "$SOURCES"/ffmpeg-*.tar.xz -C "$src" --strip-components=1
  (
    cd "$src"
    # Static FFmpeg libraries inside the two programs: nothing for the loader to find but zlib
    # and glibc. No ffplay (SDL), no documentation, no network protocols but file and pipe.
    ./configure --prefix="$WORK/ffmpeg-install" --disable-ffplay --disable-doc --disable-debug \
      --disable-autodetect --enable-zlib --disable-network
    make -j"$JOBS"
    make install
  )
  install -m 0755 "$WORK/ffmpeg-install/bin/ffmpeg" "$PREFIX/bin/ffmpeg"
  install -m 0755 "$WORK/ffmpeg-install/bin/ffprobe" "$PREFIX/bin/ffprobe"
  ;;
*)
  echo "ffmpeg recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac
