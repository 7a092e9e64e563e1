# layerforge debian12 invoke image for Python functions: the runtime image plus AWS's runtime
# interface client (awslambdaric, from PyPI) in /var/runtime, started by /var/runtime/bootstrap
# as the official images start theirs. Built by `layerforge invoke` (src/core/invoke/invoke-image.ts),
# which fills in the {{...}} fields. pip runs in a build stage, so the runtime image stays as lean.
FROM {{buildImage}} AS ric
{{caBundle}}
RUN python3 -m pip install --no-cache-dir --target /ric 'awslambdaric==4.2.2'

FROM {{runtimeImage}}
COPY --from=ric /ric /var/runtime
# The layers' folders come before the client's, as on Lambda; the handler is $_HANDLER or $1.
RUN printf '%s\n' '#!/bin/sh' \
      'export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}/var/runtime"' \
      'exec /usr/bin/python3 -m awslambdaric "${1:-$_HANDLER}"' > /var/runtime/bootstrap \
 && chmod 0755 /var/runtime/bootstrap
