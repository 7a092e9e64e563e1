#!/bin/sh
# Lays out the tesseract layer:
#   bin/tesseract            the wrapper (tesseract.sh): names the layer's tessdata
#   lib/tesseract/tesseract  the program
#   lib/tesseract/tessdata/  eng.traineddata, and the configs (txt, hocr, tsv, pdf ...) with pdf.ttf
#   lib/                     libtesseract, leptonica and the image libraries (export-closure.sh)
# Shell globs, not find: the find-less AL2023 build image runs this too.
set -eu

case "$LAYERFORGE_OS" in
debian12)
  # tesseract-ocr 5.3 and tesseract-ocr-eng: /usr/share/tesseract-ocr/5/tessdata.
  tessdata=/usr/share/tesseract-ocr/5/tessdata
  ;;
al2023)
  # On paper only: Fedora's tesseract packaging, which AL2023's is assumed to follow (not checked),
  # puts the language packs in /usr/share/tesseract/tessdata.
  tessdata=/usr/share/tesseract/tessdata
  ;;
*)
  echo "tesseract recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac
[ -e "$tessdata/eng.traineddata" ] || { echo "tesseract recipe: no eng.traineddata in $tessdata" >&2; exit 3; }

mkdir -p "$PREFIX/bin" "$PREFIX/lib/tesseract" "$PREFIX/lib/tesseract/tessdata"
install -m 0755 "$(command -v tesseract)" "$PREFIX/lib/tesseract/tesseract"
install -m 0755 "$RECIPE_DIR/tesseract.sh" "$PREFIX/bin/tesseract"
cp -L "$tessdata/eng.traineddata" "$PREFIX/lib/tesseract/tessdata/"
# The output configs (txt, hocr, tsv, pdf ...) and the font the pdf renderer embeds; osd
# (orientation and script detection, ~10 MB) stays out: it is a language pack of its own.
for part in configs tessconfigs pdf.ttf; do
  if [ -e "$tessdata/$part" ]; then cp -RL "$tessdata/$part" "$PREFIX/lib/tesseract/tessdata/"; fi
done

# The program lives below lib/: have export-closure.sh scan it too.
printf '%s\n' "$PREFIX/lib/tesseract" >> "$WORK/closure-dirs"
