#!/bin/sh
# bin/tesseract in the layer: the program looks for its language data where it was built to
# (/usr/share/...); the layer's is in lib/tesseract/tessdata. A caller's own TESSDATA_PREFIX wins.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
TESSDATA_PREFIX="${TESSDATA_PREFIX:-$root/lib/tesseract/tessdata}"
# Lambda lists /opt/lib after the OS's folders: the layer's libpng, libtiff ... must win.
LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Tesseract starts one OpenMP thread per core; a function has one or a few vCPUs.
OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
export TESSDATA_PREFIX LD_LIBRARY_PATH OMP_THREAD_LIMIT
exec "$root/lib/tesseract/tesseract" "$@"
