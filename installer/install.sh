#!/usr/bin/env bash
# township-pacs offline installer for Linux. Run it from the bundle folder (USB stick); no network needed.
#
#   ./install.sh [--prefix DIR] [--python EXE] [--config FILE] [--no-shortcuts] [--no-autostart]
#
# 1. checks every file of the bundle against manifest.json (SHA-256); any difference stops here;
# 2. creates an isolated Python environment in the app folder (default
#    ~/.local/share/township-pacs/app) and installs the bundle's wheels into it with pip --no-index;
# 3. adds a desktop shortcut and a menu entry, and a systemd --user unit that starts the DICOM node.
# The archive (~/.local/share/township-pacs/storage) and the settings (~/.config/township-pacs/)
# live outside the app folder: an upgrade (running a newer bundle's install.sh) replaces only the app
# folder, and uninstall.sh leaves them in place.
set -euo pipefail

BUNDLE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP=township-pacs
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
CONFIG_HOME=${XDG_CONFIG_HOME:-$HOME/.config}
PREFIX=$DATA_HOME/$APP/app
PYTHON=${TPACS_PYTHON:-}
SEED_CONFIG=""
SHORTCUTS=1
AUTOSTART=1
UNIT=township-pacs-node.service
MARKER=.township-pacs-app

say() { echo "install.sh: $*"; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    --python) PYTHON=${2:?--python needs a Python 3.11 executable}; shift 2 ;;
    --config) SEED_CONFIG=${2:?--config needs a file}; shift 2 ;;
    --no-shortcuts) SHORTCUTS=0; shift ;;
    --no-autostart) AUTOSTART=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -f "$BUNDLE/manifest.json" ] || die "$BUNDLE/manifest.json is missing: this is not a complete township-pacs bundle"
[ -z "$SEED_CONFIG" ] || [ -f "$SEED_CONFIG" ] || die "--config $SEED_CONFIG: no such file"
PREFIX=$(realpath -m "$PREFIX")
unset PYTHONPATH PYTHONHOME  # the clinic's Python, as it is, with nothing of another environment

# --- Python: exactly the version the bundle's wheels were built for ------------------------------------
want=$(sed -n 's/^ *"python": *"\([0-9.]*\)".*/\1/p' "$BUNDLE/manifest.json" | head -1)
[ -n "$want" ] || die "manifest.json names no Python version"
version_ok() { "$1" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" >/dev/null 2>&1; }
if [ -n "$PYTHON" ]; then
  version_ok "$PYTHON" || die "$PYTHON is not Python $want (the bundle's wheels need exactly $want)"
else
  for cand in "python$want" python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && version_ok "$(command -v "$cand")"; then PYTHON=$(command -v "$cand"); break; fi
  done
  [ -n "$PYTHON" ] || die "Python $want was not found. Install it first (Debian/Ubuntu: apt install python$want python$want-venv), or name it with --python EXE."
fi
"$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1 || die "$PYTHON lacks venv/ensurepip (Debian/Ubuntu: apt install python$want-venv)"

# --- 1. the manifest, before anything is touched ---------------------------------------------------------
"$PYTHON" "$BUNDLE/manifest.py" verify "$BUNDLE" || { echo "install.sh: stopped; nothing was installed or changed." >&2; exit 1; }

# --- 2. the app environment ------------------------------------------------------------------------------
# pip must see the bundle and nothing else: no pip.conf, no PIP_* variables, no index.
for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if [ -e "$PREFIX" ] && [ -n "$(ls -A "$PREFIX" 2>/dev/null)" ] && [ ! -f "$PREFIX/$MARKER" ]; then
  die "$PREFIX exists and is not a township-pacs app folder; choose another --prefix (nothing was changed)"
fi
case "$PREFIX" in "$DATA_HOME/$APP"|"$DATA_HOME/$APP/storage"*|"$CONFIG_HOME"*) die "--prefix $PREFIX would mix the app with data or settings";; esac

node_was_active=0
systemd_user_ok() { command -v systemctl >/dev/null 2>&1 && systemctl --user show-environment >/dev/null 2>&1; }
if systemd_user_ok && systemctl --user is-active --quiet "$UNIT" 2>/dev/null; then
  node_was_active=1
  say "stopping the running node for the upgrade"
  systemctl --user stop "$UNIT" || true
fi

OLD=""
if [ -e "$PREFIX" ]; then
  OLD="$PREFIX.previous"
  rm -rf "$OLD"
  mv "$PREFIX" "$OLD"
  say "upgrading: the previous app is kept at $OLD until the new one works"
fi
rollback() {
  rm -rf "$PREFIX"
  if [ -n "$OLD" ]; then mv "$OLD" "$PREFIX"; echo "install.sh: the previous installation was restored." >&2; fi
  [ $node_was_active -eq 1 ] && systemctl --user start "$UNIT" 2>/dev/null || true
}
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "install.sh: failed (exit $rc)." >&2; rollback; fi' EXIT

mkdir -p "$(dirname "$PREFIX")"
say "creating the app environment in $PREFIX with $PYTHON"
"$PYTHON" -m venv "$PREFIX"
say "installing from $BUNDLE/wheels (offline)"
# --no-compile: Python compiles each module on first import into the (user-writable) app folder;
# compiling all ~20,000 files of Qt, VTK and SciPy up front doubles the install time on a clinic PC.
"$PREFIX/bin/python" -m pip install --no-index --find-links "$BUNDLE/wheels" --only-binary=:all: \
  --no-cache-dir --no-compile -q township-pacs
version=$("$PREFIX/bin/tpacs" --version)
touch "$PREFIX/$MARKER"
cp "$BUNDLE/uninstall.sh" "$PREFIX/uninstall.sh"; chmod +x "$PREFIX/uninstall.sh"
trap - EXIT
rm -rf "$OLD"
# A previous app left behind by an upgrade that was cut off (power loss) is not needed any more.
[ -f "$PREFIX.previous/$MARKER" ] && rm -rf "$PREFIX.previous"
say "installed $version"

# --- settings and data: created once, never replaced -----------------------------------------------------
CONF_DIR=$CONFIG_HOME/$APP
mkdir -p "$CONF_DIR" "$DATA_HOME/$APP"
if [ -f "$CONF_DIR/config.toml" ]; then
  say "keeping the settings in $CONF_DIR/config.toml"
else
  if [ -n "$SEED_CONFIG" ]; then src=$SEED_CONFIG; else
    src=$("$PREFIX/bin/python" -c "from resources import DEFAULT_CONFIG; print(DEFAULT_CONFIG)"); fi
  cp "$src" "$CONF_DIR/config.toml"
  chmod 600 "$CONF_DIR/config.toml"  # it will hold STOW tokens and passwords: the user's alone
  say "settings: $CONF_DIR/config.toml (edit node.ae_title, node.port, the county destination)"
fi
storage=$("$PREFIX/bin/python" -c "from dicom_node.config import load_config, storage_path; print(storage_path(load_config()))" 2>/dev/null || echo "$DATA_HOME/$APP/storage")
say "archive: $storage (kept across upgrades and uninstall)"

# --- shortcuts -------------------------------------------------------------------------------------------
if [ $SHORTCUTS -eq 1 ]; then
  icon=$("$PREFIX/bin/python" -c "
from pathlib import Path; import resources
icons = sorted(Path(resources.RESOURCES_DIR, 'icons').glob('*.png')) + sorted(Path(resources.RESOURCES_DIR, 'icons').glob('*.svg'))
print(icons[0] if icons else 'applications-science')" 2>/dev/null || echo applications-science)
  entry="[Desktop Entry]
Type=Application
Name=township-pacs
Name[zh_CN]=乡镇 PACS 工作站
Comment=DICOM workstation with AI lung-nodule pre-annotation
Comment[zh_CN]=DICOM 影像工作站（AI 肺结节预标注）
Exec=\"$PREFIX/bin/tpacs\" view
Icon=$icon
Terminal=false
Categories=Science;MedicalSoftware;Graphics;
"
  mkdir -p "$DATA_HOME/applications"
  printf '%s' "$entry" > "$DATA_HOME/applications/$APP.desktop"
  say "menu entry: $DATA_HOME/applications/$APP.desktop"
  desktop_dir=$(command -v xdg-user-dir >/dev/null 2>&1 && xdg-user-dir DESKTOP 2>/dev/null || echo "$HOME/Desktop")
  if [ -d "$desktop_dir" ] && [ "$desktop_dir" != "$HOME" ]; then
    printf '%s' "$entry" > "$desktop_dir/$APP.desktop"
    chmod +x "$desktop_dir/$APP.desktop"
    command -v gio >/dev/null 2>&1 && gio set "$desktop_dir/$APP.desktop" metadata::trusted true 2>/dev/null || true
    say "desktop shortcut: $desktop_dir/$APP.desktop"
  else
    say "no desktop folder ($desktop_dir); only the menu entry was added"
  fi
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
fi

# --- the node starts with the PC -------------------------------------------------------------------------
if [ $AUTOSTART -eq 1 ]; then
  unit_dir=$CONFIG_HOME/systemd/user
  mkdir -p "$unit_dir"
  cat > "$unit_dir/$UNIT" <<EOF
[Unit]
Description=township-pacs DICOM node (receive, AI pre-annotation, forward to the county)
After=network-online.target

[Service]
ExecStart="$PREFIX/bin/tpacs" node
Restart=on-failure
RestartSec=10

[Install]
WantedBy=default.target
EOF
  if systemd_user_ok; then
    systemctl --user daemon-reload
    if systemctl --user enable "$UNIT" >/dev/null 2>&1; then say "node service enabled: $unit_dir/$UNIT"
    else say "could not enable $UNIT; enable it with: systemctl --user enable --now $UNIT"; fi
    if [ $node_was_active -eq 1 ]; then systemctl --user start "$UNIT" && say "node restarted"; fi
    say "to start the node at boot before anyone logs in: sudo loginctl enable-linger $(id -un)"
  else
    say "systemd --user is not available here: the node service was written to $unit_dir/$UNIT but not enabled."
    say "  enable it from a desktop session with: systemctl --user enable --now $UNIT"
    say "  (or run \"$PREFIX/bin/tpacs\" node yourself)"
  fi
fi
say "done. Start the workstation from the menu or with: \"$PREFIX/bin/tpacs\" view"
