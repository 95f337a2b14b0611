#!/usr/bin/env bash
# Remove the township-pacs app (environment, shortcuts, node service). The archive of studies and the
# settings are NOT removed: a later install finds them again. To delete them too, remove the folders
# this script names at the end yourself.
#
#   uninstall.sh [--prefix DIR]
set -euo pipefail

APP=township-pacs
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
CONFIG_HOME=${XDG_CONFIG_HOME:-$HOME/.config}
PREFIX=$DATA_HOME/$APP/app
UNIT=township-pacs-node.service
MARKER=.township-pacs-app

say() { echo "uninstall.sh: $*"; }
die() { echo "uninstall.sh: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
PREFIX=$(realpath -m "$PREFIX")

if command -v systemctl >/dev/null 2>&1 && systemctl --user show-environment >/dev/null 2>&1; then
  systemctl --user disable --now "$UNIT" >/dev/null 2>&1 || true
fi
# Only our own unit and shortcuts, and only when they point at this prefix.
for f in "$CONFIG_HOME/systemd/user/$UNIT" "$DATA_HOME/applications/$APP.desktop" "$HOME/Desktop/$APP.desktop" \
         "$(command -v xdg-user-dir >/dev/null 2>&1 && xdg-user-dir DESKTOP 2>/dev/null || echo "$HOME/Desktop")/$APP.desktop"; do
  if [ -f "$f" ] && grep -qF "$PREFIX/bin/tpacs" "$f"; then rm -f "$f"; say "removed $f"; fi
done
command -v systemctl >/dev/null 2>&1 && systemctl --user daemon-reload >/dev/null 2>&1 || true

if [ -d "$PREFIX" ]; then
  [ -f "$PREFIX/$MARKER" ] || die "$PREFIX is not a township-pacs app folder; not removing it"
  rm -rf "$PREFIX"
  say "removed the app $PREFIX"
else
  say "no app at $PREFIX"
fi
say "kept the settings: $CONFIG_HOME/$APP"
say "kept the archive and index: $DATA_HOME/$APP (delete these yourself if the studies are no longer needed)"
