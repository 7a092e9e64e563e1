#!/bin/sh
# Lays out the git layer:
#   bin/git                  the wrapper (git.sh): names the exec path and templates in the layer
#   lib/git-core/            git and its helpers (git-remote-http, git-upload-pack ...), the
#                            builtins as the OS ships them (symlinks to git)
#   lib/git-core/templates/  what `git init` copies into a new repository
# export-closure.sh adds the libraries git and its helpers need (libcurl, libpcre2 ...).
# Shell globs, not find: the find-less AL2023 build image runs this too.
set -eu

case "$LAYERFORGE_OS" in
debian12 | al2023 | al2)
  # Debian's git, and (on paper) Amazon Linux's git-core, put the helpers in /usr/libexec/git-core
  # or /usr/lib/git-core, and the templates in /usr/share/git-core/templates.
  exec_path=$(git --exec-path)
  templates=/usr/share/git-core/templates
  ;;
*)
  echo "git recipe: no steps for $LAYERFORGE_OS" >&2
  exit 3
  ;;
esac
[ -x "$exec_path/git-upload-pack" ] || { echo "git recipe: $exec_path has no git-upload-pack" >&2; exit 3; }
[ -d "$templates" ] || { echo "git recipe: no templates at $templates" >&2; exit 3; }

mkdir -p "$PREFIX/bin" "$PREFIX/lib/git-core"
cp -a "$exec_path/." "$PREFIX/lib/git-core/"
# The builtins may link to /usr/bin/git (an absolute path outside the layer): make each one a
# relative link to the layer's git, and git itself a real file.
for entry in "$PREFIX"/lib/git-core/*; do
  [ -L "$entry" ] || continue
  case "$(readlink "$entry")" in
  git | ./git) ;;
  */git) ln -sf git "$entry" ;;
  esac
done
if [ -L "$PREFIX/lib/git-core/git" ]; then
  rm "$PREFIX/lib/git-core/git"
  cp -L "$(command -v git)" "$PREFIX/lib/git-core/git"
fi
# Helpers in Perl, Python or Tcl (git-svn, git-p4, gitk, git-gui ...) need an interpreter no
# Lambda runtime image has for them; the shell ones (git-sh-setup ...) stay.
for entry in "$PREFIX"/lib/git-core/*; do
  [ -f "$entry" ] && [ ! -L "$entry" ] && [ "$(head -c 2 "$entry")" = '#!' ] || continue
  case "$(head -n 1 "$entry")" in
  '#!'*perl* | '#!'*python* | '#!'*wish* | '#!'*tclsh*) rm "$entry" ;;
  esac
done
rm -rf "$PREFIX/lib/git-core/mergetools"
cp -a "$templates" "$PREFIX/lib/git-core/templates"
install -m 0755 "$RECIPE_DIR/git.sh" "$PREFIX/bin/git"

# The helpers live below lib/: have export-closure.sh scan them too.
printf '%s\n' "$PREFIX/lib/git-core" >> "$WORK/closure-dirs"
