#!/bin/sh
# Lays out the openssl layer from the OS's packages (installed by the recipe's install.packages):
#   bin/openssl                  wrapper (openssl.sh) that picks the layer's libraries and config
#   lib/openssl/openssl          the program itself
#   lib/openssl/openssl.cnf      a minimal configuration (the recipe's openssl.cnf)
#   lib/libssl.so.*, lib/libcrypto.so.*   exported even where the runtime has its own copy
#   lib/ossl-modules/legacy.so   OpenSSL 3's legacy provider (MD4, DES, RC4 ...), when packaged
# export-closure.sh then adds whatever else these need that the runtime image lacks.
set -eu

case "$LAYERFORGE_OS" in
debian12)
  program=/usr/bin/openssl
  libdir=$(dirname "$(dpkg -L libssl3 | grep '/libssl\.so\.3$')")
  sonames="libssl.so.3 libcrypto.so.3"
  ;;
al2023)
  # On paper only: the openssl and openssl-libs packages (OpenSSL 3.2.2 since AL2023.7).
  program=/usr/bin/openssl
  libdir=/usr/lib64
  sonames="libssl.so.3 libcrypto.so.3"
  ;;
al2)
  # On paper only: AL2's system OpenSSL is 1.0.2 (end of life); openssl11 is Amazon's 1.1.1.
  program=/usr/bin/openssl11
  libdir=/usr/lib64
  sonames="libssl.so.1.1 libcrypto.so.1.1"
  ;;
*)
  echo "openssl recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac

mkdir -p "$PREFIX/bin" "$PREFIX/lib/openssl"
install -m 0755 "$program" "$PREFIX/lib/openssl/openssl"
install -m 0644 "$RECIPE_DIR/openssl.cnf" "$PREFIX/lib/openssl/openssl.cnf"
install -m 0755 "$RECIPE_DIR/openssl.sh" "$PREFIX/bin/openssl"

# The libraries by soname, real files rather than the OS's symlinks.
for soname in $sonames; do
  [ -e "$libdir/$soname" ] || { echo "openssl recipe: $libdir/$soname not found" >&2; exit 3; }
  cp -L "$libdir/$soname" "$PREFIX/lib/$soname"
  chmod 0644 "$PREFIX/lib/$soname"
done

if [ -e "$libdir/ossl-modules/legacy.so" ]; then
  mkdir -p "$PREFIX/lib/ossl-modules"
  cp -L "$libdir/ossl-modules/legacy.so" "$PREFIX/lib/ossl-modules/legacy.so"
  chmod 0644 "$PREFIX/lib/ossl-modules/legacy.so"
fi

# The program and the provider live below lib/: have export-closure.sh scan them too.
printf '%s\n' "$PREFIX/lib/openssl" >> "$WORK/closure-dirs"
if [ -d "$PREFIX/lib/ossl-modules" ]; then printf '%s\n' "$PREFIX/lib/ossl-modules" >> "$WORK/closure-dirs"; fi
