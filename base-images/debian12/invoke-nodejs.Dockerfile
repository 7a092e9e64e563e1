# layerforge debian12 invoke image for Node functions: the nodejs runtime image plus AWS's runtime
# interface client (aws-lambda-ric, from npm) in /var/runtime/node_modules, started by
# /var/runtime/bootstrap as the official images start theirs. Built by `layerforge invoke`
# (src/core/invoke/invoke-image.ts), which fills in the {{...}} fields. The client's native part
# (curl and aws-lambda-cpp, then a node-gyp addon against /var/lang/include/node) compiles in a
# build stage, so the runtime image stays as lean. That stage runs on the engine's own arch: when
# it is not the function's, the stage's image is that arch's nodejs build image (same Node), and
# its packages and environment bring and name cross compilers for the function's arch
# (cross-compilers.yaml; src/core/invoke/compile-stage.ts).
FROM {{compileImage}} AS ric
{{caBundle}}
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake autoconf automake libtool file {{compilePackages}} \
 && rm -rf /var/lib/apt/lists/*
{{compileEnv}}
RUN mkdir -p /ric \
 && cd /ric \
 && npm install --no-package-lock --omit=dev 'aws-lambda-ric@4.0.2' \
 && test -f /ric/node_modules/aws-lambda-ric/rapid-client.node
# Whichever arch compiled it, the addon must be for the function's arch: an ELF for another one
# would only fail when the function starts.
RUN file -b /ric/node_modules/aws-lambda-ric/rapid-client.node \
 && file -b /ric/node_modules/aws-lambda-ric/rapid-client.node | grep -q '^ELF 64-bit LSB .* {{elfMachine}}, version 1'

FROM {{runtimeImage}}
COPY --from=ric /ric/node_modules /var/runtime/node_modules
# The layers' folders come first on NODE_PATH (set by layerforge, as on Lambda); the handler is $_HANDLER or $1.
RUN printf '%s\n' '#!/bin/sh' \
      'export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/var/runtime/node_modules:/var/runtime:/var/task"' \
      'exec /var/lang/bin/node /var/runtime/node_modules/aws-lambda-ric/index.mjs "${1:-$_HANDLER}"' > /var/runtime/bootstrap \
 && chmod 0755 /var/runtime/bootstrap
