#!/bin/sh
# bin/git in the layer: git runs its helpers (git-upload-pack, git-remote-https ...) from its exec
# path and copies templates into new repositories; both are in the layer, not where git was
# built to look.
case "$0" in
*/bin/*) root=${0%/bin/*} ;;
*) root=/opt ;;
esac
GIT_EXEC_PATH="$root/lib/git-core"
GIT_TEMPLATE_DIR="${GIT_TEMPLATE_DIR:-$root/lib/git-core/templates}"
# Lambda lists /opt/lib after the OS's folders: the layer's libcurl must win for the helpers.
LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GIT_EXEC_PATH GIT_TEMPLATE_DIR LD_LIBRARY_PATH
exec "$GIT_EXEC_PATH/git" "$@"
