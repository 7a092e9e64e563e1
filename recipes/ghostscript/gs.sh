#!/bin/sh
# bin/gs in the layer: Ghostscript looks for its resources where it was built to
# (/usr/share/ghostscript/<version>); the layer's are in lib/ghostscript. A caller's own GS_LIB
# comes first.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
gsroot="$root/lib/ghostscript"
GS_LIB="${GS_LIB:+$GS_LIB:}$gsroot/Resource/Init:$gsroot/lib:$gsroot/Resource/Font"
# Lambda lists /opt/lib after the OS's folders: the layer's libgs and its libraries must win.
LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GS_LIB LD_LIBRARY_PATH
# No platform fonts through fontconfig (a Lambda image has no font configuration): the layer's
# URW fonts stand in for the base 35.
exec "$gsroot/gs" -sGenericResourceDir="$gsroot/Resource/" -sICCProfilesDir="$gsroot/iccprofiles/" \
  -dNOPLATFONTS "$@"
