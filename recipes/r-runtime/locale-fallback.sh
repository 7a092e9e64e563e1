# layerforge: Lambda sets LANG=en_US.UTF-8, which minimal runtime images may lack; R would then
# warn "Setting LC_CTYPE failed" on every start. Fall back to C.UTF-8 (or C) when it is missing.
if [ -z "${LC_ALL:-}" ] && command -v locale >/dev/null 2>&1 && [ -n "$(locale 2>&1 >/dev/null)" ]; then
  LC_ALL=C.UTF-8
  export LC_ALL
  if [ -n "$(locale 2>&1 >/dev/null)" ]; then LC_ALL=C; fi
fi
