# layerforge debian12 build image: the toolchain, pip and apt, in Lambda's layout.
FROM {{rootfs}}
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin \
    LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib \
    LAMBDA_TASK_ROOT=/var/task \
    LAMBDA_RUNTIME_DIR=/var/runtime \
    PIP_BREAK_SYSTEM_PACKAGES=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config python3-pip python3-dev \
      ca-certificates file binutils patchelf xz-utils bzip2 unzip \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/task /var/runtime /var/lang/bin /opt
WORKDIR /var/task
