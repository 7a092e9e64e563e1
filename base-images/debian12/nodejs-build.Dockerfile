# layerforge debian12 build image for a nodejs runtime: the debian12 build image plus the pinned
# Node (bin/node, include/node) and npm at /var/lang, where AWS's nodejs images keep them.
# Built by src/core/base-images/nodejs-images.ts, which fills in the {{...}} fields; node.tgz and
# npm.tgz are the checked tarballs. The tarballs are unpacked in a stage of their own, so the
# image holds only what is copied out of it.
FROM {{buildImage}} AS unpack
ADD node.tgz /unpack/node/
ADD npm.tgz /unpack/npm/
RUN mkdir -p /out/bin /out/include /out/lib/node_modules \
 && cp /unpack/node/package/bin/node /out/bin/node \
 && cp -a /unpack/node/package/include/node /out/include/node \
 && cp -a /unpack/npm/package /out/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

FROM {{buildImage}}
COPY --from=unpack /out/ /var/lang/
# node-gyp builds addons against these headers instead of downloading them.
ENV npm_config_nodedir=/var/lang \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# The pinned binary must answer for itself: nothing else may stand in for it.
RUN test "$(/var/lang/bin/node --version)" = "v{{nodeVersion}}" \
 && test "$(/var/lang/bin/npm --version)" = "{{npmVersion}}" \
 && test "$(command -v node)" = /var/lang/bin/node
