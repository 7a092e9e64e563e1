# layerforge debian12 runtime image: Debian 12 with python3 and nothing else, so a library the
# layer forgot is missing here too. Lambda's environment and layout, layers mounted at /opt.
# Like the AL2023 Lambda images (built on AL2023-minimal), it has no findutils: no find, no
# xargs. Nothing layerforge runs, and no smoke test, may count on them.
FROM {{rootfs}}
ENV LANG=C.UTF-8 \
    PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin \
    LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib \
    LAMBDA_TASK_ROOT=/var/task \
    LAMBDA_RUNTIME_DIR=/var/runtime \
    TZ=:/etc/localtime
RUN mkdir -p /var/task /var/runtime /var/lang/bin /var/lang/lib /opt \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && PATH=/usr/sbin:/sbin:$PATH dpkg --purge --force-remove-essential findutils \
 && ! command -v find && ! command -v xargs
WORKDIR /var/task
