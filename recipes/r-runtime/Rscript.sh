#!/bin/sh
# bin/Rscript in the layer: R's Rscript program runs $RHOME/bin/R, so RHOME names the
# relocated R_HOME (its compiled-in default is the build machine's /usr/lib/R).
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
RHOME="$root/lib/R"
export RHOME
exec "$RHOME/bin/Rscript" "$@"
