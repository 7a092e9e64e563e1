#!/bin/sh
# Lays out the imagemagick layer:
#   bin/magick, convert, identify, mogrify, composite, montage, compare   the wrapper (magick.sh)
#   lib/ImageMagick/bin/       the programs
#   lib/ImageMagick/config/    delegates.xml, policy.xml, type.xml, configure.xml ...
#   lib/ImageMagick/coders/    coder modules (PNG, JPEG, WebP, GIF, TIFF ...), filters/ likewise
#   lib/libMagick*.so.*        and every library the programs and modules need (export-closure.sh)
# Both OSes take ImageMagick 6 from their own packages; only the paths differ:
#   debian12  programs /usr/bin/<tool>-im6.q16, modules /usr/lib/<triplet>/ImageMagick-6.9.11/modules-Q16
#   al2023    programs /usr/bin/<tool>,         modules /usr/lib64/ImageMagick-6.9.12/modules-Q16
#   al2       programs /usr/bin/<tool>,         modules /usr/lib64/ImageMagick-6.9.10/modules-Q16
# (Debian's libmagickcore-6.q16-6 file list; for Amazon Linux, Fedora's ImageMagick.spec, which
# puts %{_libdir}/ImageMagick-%{VER} and /etc/ImageMagick-6 in its packages: that Amazon's keep
# Fedora's layout is assumed, not checked, so the script checks what it relies on.)
# Shell globs, not find: AL2023's find-less images (sam/build-provided.al2023) must run this too.
set -eu

im="$PREFIX/lib/ImageMagick"
mkdir -p "$im/bin" "$im/config" "$PREFIX/bin"

case "$LAYERFORGE_OS" in
debian12)
  coders=$(dirname "$(dpkg -L libmagickcore-6.q16-6 | grep '/modules-Q16/coders/png\.so$')")
  programs=/usr/bin
  suffix=-im6.q16
  ;;
al2023 | al2)
  # On paper only (no Amazon Linux image can be pulled where this was written): ImageMagick and
  # libtool-ltdl from install.packages.
  coders=
  for dir in /usr/lib64/ImageMagick-6.*/modules-Q16/coders; do
    if [ -e "$dir/png.so" ]; then coders=$dir; fi
  done
  programs=/usr/bin
  suffix=
  ;;
*)
  echo "imagemagick recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac
if [ -z "$coders" ] || [ ! -e "$coders/png.so" ]; then
  echo "imagemagick recipe: ImageMagick 6's PNG coder module was not found" >&2
  exit 3
fi
# The recipe promises WebP. AL2's ImageMagick 6.9.10 is built without it, so the AL2 build ends
# here, with a reason, instead of in two failed smoke tests (or, without --test, a quiet layer
# that cannot read WebP).
if [ ! -e "$coders/webp.so" ]; then
  echo "imagemagick recipe: the ImageMagick of $LAYERFORGE_OS's packages has no WebP coder ($coders/webp.so), which this layer promises; build for an AL2023 runtime instead" >&2
  exit 3
fi
# libltdl opens each module through its .la file (no coder loads without them, checked on
# debian12); Fedora's spec keeps them on purpose. Fail here rather than ship a layer without coders.
if [ ! -e "$coders/png.la" ]; then
  echo "imagemagick recipe: $coders has no .la files, which libltdl needs to load the coders" >&2
  exit 3
fi
modules=${coders%/coders}

for tool in compare composite conjure convert identify mogrify montage stream; do
  install -m 0755 "$programs/$tool$suffix" "$im/bin/$tool"
done
cp -a "$modules/coders" "$im/coders"
cp -a "$modules/filters" "$im/filters"
cp -L /etc/ImageMagick-6/*.xml /usr/share/ImageMagick-6/*.xml "${modules%/modules-Q16}"/config-Q16/*.xml "$im/config/"

if [ "$LAYERFORGE_OS" != debian12 ]; then
  # Fedora's spec, which Amazon's packages are assumed to follow, builds these coders against
  # delegates that would outweigh the rest of the layer: Ghostscript (ps, pdf, ept), librsvg with
  # cairo and pango (svg), OpenEXR (exr), libwmf (wmf), Graphviz (dot), LibRaw (dng), DjVuLibre
  # (djvu). None of them is what the layer is for; the debian12 path does not install Debian's
  # libmagickcore-6.q16-6-extra either.
  for coder in ps pdf ept svg exr wmf dot dng djvu; do
    rm -f "$im/coders/$coder.so" "$im/coders/$coder.la"
  done
fi

# HEIC pulls in libheif with the x265, aom and dav1d codecs (~25 MB): left out on purpose.
rm -f "$im/coders/heic.so" "$im/coders/heic.la"

for name in magick convert identify mogrify composite montage compare; do
  install -m 0755 "$RECIPE_DIR/magick.sh" "$PREFIX/bin/$name"
done

# Programs and modules live below lib/: have export-closure.sh scan them too.
printf '%s\n' "$im/bin" "$im/coders" "$im/filters" >> "$WORK/closure-dirs"
