#!/bin/sh
# Lays out the ghostscript layer:
#   bin/gs                       the wrapper (gs.sh): points gs at the layer's resources and fonts
#   lib/ghostscript/gs           the program (libgs does the work)
#   lib/ghostscript/Resource/    Init (gs_init.ps ...), fonts (URW's base 35, real files), CMaps
#   lib/ghostscript/lib/         the PostScript procedures (PDFA_def.ps, ps2pdf's ...)
#   lib/ghostscript/iccprofiles/ the default colour profiles
#   lib/libgs.so.*               and what it needs (export-closure.sh)
# The OS links Resource/Font into the font package and CMap into /var/lib: the layer holds copies.
# Shell globs, not find: the find-less AL2023 build image runs this too.
set -eu

case "$LAYERFORGE_OS" in
debian12 | al2023 | al2)
  # Debian's ghostscript 10.0 and (on paper) Amazon Linux's keep everything under
  # /usr/share/ghostscript/<version>/; the program is /usr/bin/gs on each.
  share=
  for dir in /usr/share/ghostscript/[0-9]*; do
    if [ -e "$dir/Resource/Init/gs_init.ps" ]; then share=$dir; fi
  done
  ;;
*)
  echo "ghostscript recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac
[ -n "$share" ] || { echo "ghostscript recipe: no Resource/Init/gs_init.ps under /usr/share/ghostscript" >&2; exit 3; }

gsroot="$PREFIX/lib/ghostscript"
mkdir -p "$PREFIX/bin" "$gsroot"
install -m 0755 "$(command -v gs)" "$gsroot/gs"
install -m 0755 "$RECIPE_DIR/gs.sh" "$PREFIX/bin/gs"
# Copies a tree with its links resolved: the fonts and CMaps are links out of the tree. A link to
# nothing (a CMap package that is not installed) is left out rather than shipped dangling.
copy_resolved() {
  if [ -d "$1" ]; then
    mkdir -p "$2"
    for entry in "$1"/* "$1"/.[!.]*; do
      if [ -e "$entry" ]; then copy_resolved "$entry" "$2/${entry##*/}"; fi
    done
  elif [ -e "$1" ]; then
    cp -L "$1" "$2"
  fi
}
for part in Resource lib iccprofiles; do
  copy_resolved "$share/$part" "$gsroot/$part"
done
[ -e "$gsroot/Resource/Font/NimbusSans-Regular" ] || [ -e "$gsroot/Resource/Font/NimbusSans-Regular.t1" ] || {
  echo "ghostscript recipe: URW's NimbusSans-Regular is not in $share/Resource/Font" >&2
  exit 3
}

# The program lives below lib/: have export-closure.sh scan it too.
printf '%s\n' "$gsroot/gs" >> "$WORK/closure-dirs"
