# layerforge debian12 invoke image for Node functions: the nodejs runtime image plus AWS's runtime
# interface client (aws-lambda-ric, from npm) in /var/runtime/node_modules, started by
# /var/runtime/bootstrap as the official images start theirs. Built by `layerforge invoke`
# (src/core/invoke/invoke-image.ts), which fills in the {{...}} fields. The client's native part
# (curl and aws-lambda-cpp, then a node-gyp addon against /var/lang/include/node) compiles in a
# build stage, so the runtime image stays as lean.
FROM {{buildImage}} AS ric
{{caBundle}}
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake autoconf automake libtool \
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /ric \
 && cd /ric \
 && npm install --no-package-lock --omit=dev 'aws-lambda-ric@4.0.2' \
 && test -f /ric/node_modules/aws-lambda-ric/rapid-client.node

FROM {{runtimeImage}}
COPY --from=ric /ric/node_modules /var/runtime/node_modules
# The layers' folders come first on NODE_PATH (set by layerforge, as on Lambda); the handler is $_HANDLER or $1.
RUN printf '%s\n' '#!/bin/sh' \
      'export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/var/runtime/node_modules:/var/runtime:/var/task"' \
      'exec /var/lang/bin/node /var/runtime/node_modules/aws-lambda-ric/index.mjs "${1:-$_HANDLER}"' > /var/runtime/bootstrap \
 && chmod 0755 /var/runtime/bootstrap
