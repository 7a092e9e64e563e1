#!/bin/sh
# bin/R in the layer: R's own front end, relocated to lib/R (R_HOME). Its bin/R script finds
# R_HOME from where it lies and puts the layer's libraries first on the library path.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
exec "$root/lib/R/bin/R" "$@"
