#!/bin/sh
# bin/magick, bin/convert, bin/identify ... in the layer: ImageMagick's programs live in
# lib/ImageMagick/bin; this wrapper points them at the layer's configuration files, coder
# modules and libraries, none of which are where the programs were built to look.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
im="$root/lib/ImageMagick"
tool=${0##*/}
if [ "$tool" = magick ] && [ ! -x "$im/bin/magick" ]; then
  # ImageMagick 6 has no magick program: like ImageMagick 7's, take the tool from the first
  # argument, and convert otherwise.
  case "${1:-}" in
  compare | composite | conjure | convert | identify | mogrify | montage | stream)
    tool=$1
    shift
    ;;
  *) tool=convert ;;
  esac
fi
if [ ! -x "$im/bin/$tool" ]; then
  echo "$tool: not part of this ImageMagick layer (see $im/bin)" >&2
  exit 127
fi
# A caller's own configuration folders (say, a stricter policy.xml) come first.
MAGICK_CONFIGURE_PATH="${MAGICK_CONFIGURE_PATH:+$MAGICK_CONFIGURE_PATH:}$im/config"
MAGICK_CODER_MODULE_PATH="$im/coders"
MAGICK_CODER_FILTER_PATH="$im/filters"
# Lambda lists /opt/lib after the OS's folders; the OS's older libpng or libxml2 must not win.
LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export MAGICK_CONFIGURE_PATH MAGICK_CODER_MODULE_PATH MAGICK_CODER_FILTER_PATH LD_LIBRARY_PATH
exec "$im/bin/$tool" "$@"
