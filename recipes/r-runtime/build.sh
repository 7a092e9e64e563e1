#!/bin/sh
# Lays out the r-runtime layer:
#   lib/R/                 R_HOME, relocated: bin/R finds it from its own path, share/include/doc/etc inside
#   lib/R/site-library/    jsonlite (the bootstrap parses and writes JSON with it)
#   lib/R/lambda/runtime.R the Runtime API loop; bootstrap (the layer's root) runs it
#   lib/libR.so ...        libR and the BLAS/LAPACK R uses (lib/R/lib links back to them)
#   bin/R, bin/Rscript     wrappers that name the relocated R_HOME
# R 4.2.2 is built from source on Amazon Linux (AL2023's own R-core is 4.1.3, see README.md)
# and taken from the OS packages on debian12; both end in the same layout. export-closure.sh then adds the libraries R, its
# modules and packages need that the runtime image lacks.
set -eu

r_home="$PREFIX/lib/R"

# Copies an installed R into $r_home. $1 is R_HOME; $2..$4 are its share, include and doc
# folders (inside R_HOME for a source build, under /usr/share/R on Debian).
relocate() {
  home=$1 share=$2 include=$3 doc=$4
  mkdir -p "$r_home"
  cp -a "$home/." "$r_home/"
  for part in share include doc; do
    eval "from=\$$part"
    if [ "$from" != "$home/$part" ]; then
      rm -rf "${r_home:?}/$part"
      cp -a "$from" "$r_home/$part"
    fi
  done
  # Links that leave R_HOME (Debian's etc/ points into /etc/R, COPYING into common-licenses)
  # become copies of their targets; links to nowhere go.
  find "$r_home" -type l | while read -r link; do
    target=$(readlink -f "$link" || true)
    case "$target" in
    "$r_home"/*) ;;
    *)
      rm "$link"
      if [ -n "$target" ] && [ -e "$target" ]; then cp -a "$target" "$link"; fi
      ;;
    esac
  done
}

case "$LAYERFORGE_OS" in
debian12)
  # r-base-core and r-cran-jsonlite come from install.packages.
  relocate /usr/lib/R /usr/share/R/share /usr/share/R/include /usr/share/R/doc
  # Debian's Renviron.site adds /usr/lib/R paths; R_LIBS_SITE's default (%S) is the layer's.
  printf '%s\n' '# layerforge: the site library is R_HOME/site-library (R_LIBS_SITE defaults to it).' > "$r_home/etc/Renviron.site"
  mkdir -p "$r_home/site-library"
  cp -a /usr/lib/R/site-library/jsonlite "$r_home/site-library/"
  ;;
al2023 | al2)
  # On paper only: R and jsonlite from the recipe's sources (sha256-checked), compiled
  # against the OS's development packages from install.packages.
  src="$WORK/r-src"
  mkdir -p "$src"
  tar -xzf "$SOURCES"/R-*.tar.gz -C "$src" --strip-components=1
  (
    cd "$src"
    ./configure --prefix="$WORK/r-install" --enable-R-shlib --with-x=no --with-cairo=no \
      --with-libpng=no --with-jpeglib=no --with-libtiff=no --with-tcltk=no \
      --with-recommended-packages=no --disable-java --with-readline=yes --disable-nls
    make -j"$JOBS"
    make install
  )
  installed=$(dirname "$(find "$WORK/r-install" -path '*/R/bin/exec/R' | head -n 1)")
  installed=${installed%/bin/exec}
  relocate "$installed" "$installed/share" "$installed/include" "$installed/doc"
  mkdir -p "$r_home/site-library"
  "$installed/bin/R" CMD INSTALL --no-docs --no-html --library="$r_home/site-library" "$SOURCES"/jsonlite_*.tar.gz
  ;;
*)
  echo "r-runtime recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac

# bin/R: R_HOME is the folder above this script, wherever the layer lands.
sed -i \
  -e 's|^R_HOME_DIR=.*$|R_HOME_DIR=$(cd "$(dirname "$0")/.." \&\& pwd -P)|' \
  -e 's|^R_SHARE_DIR=.*$|R_SHARE_DIR="${R_HOME_DIR}/share"|' \
  -e 's|^R_INCLUDE_DIR=.*$|R_INCLUDE_DIR="${R_HOME_DIR}/include"|' \
  -e 's|^R_DOC_DIR=.*$|R_DOC_DIR="${R_HOME_DIR}/doc"|' \
  "$r_home/bin/R"
grep -q '^R_HOME_DIR=$(cd' "$r_home/bin/R" || { echo "r-runtime recipe: could not patch bin/R" >&2; exit 3; }
sed -i "/^R_HOME_DIR=/r $RECIPE_DIR/locale-fallback.sh" "$r_home/bin/R"

# etc/ldpaths: the layer's libraries first (Lambda lists /opt/lib after the OS's folders).
cat > "$r_home/etc/ldpaths" <<'LDPATHS'
# layerforge: R_HOME is <layer>/lib/R; R's libraries and the layer's come before the runtime's.
: ${R_LD_LIBRARY_PATH=${R_HOME}/lib:${R_HOME%/R}}
if test -z "${LD_LIBRARY_PATH}"; then
  LD_LIBRARY_PATH="${R_LD_LIBRARY_PATH}"
else
  LD_LIBRARY_PATH="${R_LD_LIBRARY_PATH}:${LD_LIBRARY_PATH}"
fi
export LD_LIBRARY_PATH
LDPATHS

# Parts a function cannot use and whose libraries would weigh more than R itself: the X11
# modules, the cairo graphics devices (pdf() and postscript() remain) and Tcl/Tk.
rm -f "$r_home/modules/R_X11.so" "$r_home/modules/R_de.so" "$r_home/library/grDevices/libs/cairo.so"
rm -rf "$r_home/library/tcltk"

# R's shared libraries live in lib/ (on the loader's path); R_HOME/lib links to them.
for lib in "$r_home"/lib/*.so; do
  [ -f "$lib" ] && [ ! -L "$lib" ] || continue
  name=$(basename "$lib")
  mv "$lib" "$PREFIX/lib/$name"
  ln -s "../../$name" "$lib"
done

mkdir -p "$PREFIX/bin" "$r_home/lambda"
install -m 0755 "$RECIPE_DIR/R.sh" "$PREFIX/bin/R"
install -m 0755 "$RECIPE_DIR/Rscript.sh" "$PREFIX/bin/Rscript"
install -m 0755 "$RECIPE_DIR/bootstrap" "$PREFIX/bootstrap"
install -m 0644 "$RECIPE_DIR/runtime.R" "$r_home/lambda/runtime.R"

# R's program, modules and compiled packages live below lib/: export-closure.sh scans them too.
{
  echo "$r_home/bin"
  echo "$r_home/modules"
  for libs in "$r_home"/library/*/libs "$r_home"/site-library/*/libs; do
    if [ -d "$libs" ]; then echo "$libs"; fi
  done
} >> "$WORK/closure-dirs"
