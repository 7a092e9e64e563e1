#!/bin/sh
# Lays out the imagemagick layer:
#   bin/magick, convert, identify, mogrify, composite, montage, compare   the wrapper (magick.sh)
#   lib/ImageMagick/bin/       the programs
#   lib/ImageMagick/config/    delegates.xml, policy.xml, type.xml, configure.xml ...
#   lib/ImageMagick/coders/    coder modules (PNG, JPEG, WebP, GIF, TIFF ...), filters/ likewise
#   lib/libMagick*.so.*        and every library the programs and modules need (export-closure.sh)
# debian12 takes ImageMagick 6 from the OS packages; Amazon Linux has no ImageMagick package,
# so ImageMagick 7 is compiled from the recipe's source there. Both end in this layout.
set -eu

im="$PREFIX/lib/ImageMagick"
mkdir -p "$im/bin" "$im/config" "$PREFIX/bin"

case "$LAYERFORGE_OS" in
debian12)
  coders=$(dirname "$(dpkg -L libmagickcore-6.q16-6 | grep '/modules-Q16/coders/png\.so$')")
  modules=${coders%/coders}
  for tool in compare composite conjure convert identify mogrify montage stream; do
    install -m 0755 "/usr/bin/$tool-im6.q16" "$im/bin/$tool"
  done
  cp -a "$modules/coders" "$im/coders"
  cp -a "$modules/filters" "$im/filters"
  cp -L /etc/ImageMagick-6/*.xml /usr/share/ImageMagick-6/*.xml "${modules%/modules-Q16}"/config-Q16/*.xml "$im/config/"
  ;;
al2023 | al2)
  # UNVERIFIED here: ImageMagick 7 from the recipe's source tarball (sha256-checked), with the
  # OS's libpng, libjpeg-turbo and libwebp from install.packages.
  src="$WORK/im-src"
  mkdir -p "$src"
  tar -xJf "$SOURCES"/ImageMagick-7*.tar.xz -C "$src" --strip-components=1
  (
    cd "$src"
    ./configure --prefix="$WORK/im" --with-modules --enable-shared --disable-static --disable-docs \
      --without-x --without-perl --without-magick-plus-plus --with-png --with-jpeg --with-webp
    make -j"$JOBS"
    make install
  )
  # magick and its tool names (links to magick, which looks at the name it was run as).
  cp -a "$WORK/im/bin/." "$im/bin/"
  rm -f "$im/bin/"*-config
  modules=$(dirname "$(find "$WORK/im/lib" -type d -name coders -path '*modules-*' | head -n 1)")
  cp -a "$modules/coders" "$im/coders"
  cp -a "$modules/filters" "$im/filters"
  cp -L "$WORK"/im/etc/ImageMagick-7/*.xml "$WORK"/im/share/ImageMagick-7/*.xml "${modules%/modules-*}"/config-*/*.xml "$im/config/"
  for lib in "$WORK"/im/lib/libMagick*.so.*; do
    case "$lib" in *.so.*.*) continue ;; esac # keep the soname, not the full version's file name
    cp -L "$lib" "$PREFIX/lib/$(basename "$lib")"
  done
  ;;
*)
  echo "imagemagick recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac

# HEIC pulls in libheif with the x265, aom and dav1d codecs (~25 MB): left out on purpose.
rm -f "$im/coders/heic.so" "$im/coders/heic.la"

for name in magick convert identify mogrify composite montage compare; do
  install -m 0755 "$RECIPE_DIR/magick.sh" "$PREFIX/bin/$name"
done

# Programs and modules live below lib/: have export-closure.sh scan them too.
printf '%s\n' "$im/bin" "$im/coders" "$im/filters" >> "$WORK/closure-dirs"
