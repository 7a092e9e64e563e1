#!/bin/sh
# bin/openssl in the layer: runs the program in lib/openssl with the layer's own libssl and
# libcrypto and a configuration file that exists on every runtime.
# - Lambda's LD_LIBRARY_PATH lists /opt/lib last, after the OS's folders: an OS copy of
#   libssl.so.3 (Amazon Linux 2023 has one) would win over the layer's without this.
# - The program's compiled-in OPENSSLDIR may not exist on the runtime; OPENSSL_CONF and
#   OPENSSL_MODULES point into the layer unless the caller set them.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
export LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENSSL_CONF="${OPENSSL_CONF:-$root/lib/openssl/openssl.cnf}"
if [ -z "${OPENSSL_MODULES:-}" ] && [ -d "$root/lib/ossl-modules" ]; then
  export OPENSSL_MODULES="$root/lib/ossl-modules"
fi
# The runtime's CA bundle, wherever its OS keeps it, for `openssl s_client` and `verify`.
if [ -z "${SSL_CERT_FILE:-}" ]; then
  for bundle in /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/certs/ca-certificates.crt; do
    if [ -r "$bundle" ]; then
      export SSL_CERT_FILE="$bundle"
      break
    fi
  done
fi
exec "$root/lib/openssl/openssl" "$@"
