# layerforge debian12 runtime image for a nodejs runtime: the debian12 runtime image plus the
# pinned Node binary at /var/lang/bin/node, as in AWS's nodejs images. Built by
# src/core/base-images/nodejs-images.ts from the checked tarball node.tgz.
FROM {{buildImage}} AS unpack
ADD node.tgz /unpack/

FROM {{runtimeImage}}
COPY --from=unpack /unpack/package/bin/node /var/lang/bin/node
# The pinned binary must answer for itself: nothing else may stand in for it.
RUN test "$(/var/lang/bin/node --version)" = "v{{nodeVersion}}" \
 && test "$(command -v node)" = /var/lang/bin/node
