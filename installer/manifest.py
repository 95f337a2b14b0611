"""The bundle's manifest: every file with its size and SHA-256, written at build time, checked before install.

Standard library only: install.sh runs this file with the clinic's bare Python 3.11
(`python3 manifest.py verify BUNDLE_DIR`) before anything is installed. install.ps1 does the same
check with Get-FileHash, reading the same manifest.json.

A file that differs, is missing, or a wheel that is not listed (pip would pick it up) stops the
install; the message names the file. The manifest guards against a damaged or altered copy of the
bundle on a USB stick; it is not a signature.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

MANIFEST_NAME = "manifest.json"
FORMAT = "township-pacs-bundle/1"
# Folders where an unlisted file is an error, not a warning: pip installs whatever wheel it finds there.
STRICT_DIRS = ("wheels",)
# Files an operating system or a file manager may drop onto a USB stick; never a reason to refuse.
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class ManifestError(Exception):
    """The bundle does not match its manifest; str() names the file(s) and what is wrong."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _bundle_files(root: Path) -> list[str]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name not in IGNORED_NAMES and "__pycache__" not in p.parts:
            rel = p.relative_to(root).as_posix()
            if rel != MANIFEST_NAME:
                out.append(rel)
    return out


def write_manifest(root: Path, meta: dict) -> dict:
    """Hash every file under root and write root/manifest.json; returns the manifest dict."""
    root = Path(root)
    files = []
    for rel in _bundle_files(root):
        p = root / rel
        files.append({"path": rel, "size": p.stat().st_size, "sha256": sha256_file(p)})
    manifest = {"format": FORMAT, **meta, "total_bytes": sum(f["size"] for f in files), "files": files}
    tmp = root / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    tmp.replace(root / MANIFEST_NAME)
    return manifest


def load_manifest(root: Path) -> dict:
    path = Path(root) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing: this folder is not a complete township-pacs bundle") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path} is damaged (not valid JSON: {exc})") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise ManifestError(f"{path}: unknown manifest format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def verify(root: Path) -> tuple[dict, list[str]]:
    """Check every listed file; raise ManifestError naming each bad file. Returns (manifest, warnings)."""
    root = Path(root).resolve()
    manifest = load_manifest(root)
    problems, warnings, listed = [], [], set()
    for entry in manifest["files"]:
        rel = entry.get("path", "")
        # A manifest entry must stay inside the bundle (no absolute paths, no "..").
        if not rel or rel.startswith("/") or "\\" in rel or ".." in rel.split("/"):
            problems.append(f"{rel!r}: not a relative path inside the bundle")
            continue
        listed.add(rel)
        p = root / rel
        if not p.is_file():
            problems.append(f"{rel}: missing")
            continue
        size = p.stat().st_size
        if size != entry["size"]:
            problems.append(f"{rel}: size {size} bytes, expected {entry['size']} (damaged or altered)")
            continue
        digest = sha256_file(p)
        if digest != entry["sha256"]:
            problems.append(f"{rel}: SHA-256 {digest} does not match the manifest's {entry['sha256']} "
                            "(damaged or altered)")
    for rel in _bundle_files(root):
        if rel in listed:
            continue
        if rel.split("/", 1)[0] in STRICT_DIRS:
            problems.append(f"{rel}: not in the manifest (an extra file where pip looks for packages)")
        else:
            warnings.append(f"{rel}: not in the manifest; ignored")
    if problems:
        raise ManifestError("\n".join(problems))
    return manifest, warnings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("verify", "write"):
        print("usage: manifest.py verify BUNDLE_DIR | manifest.py write BUNDLE_DIR", file=sys.stderr)
        return 2
    root = Path(args[1])
    if args[0] == "write":
        m = write_manifest(root, {})
        print(f"manifest: {len(m['files'])} files, {m['total_bytes'] / 1e6:.1f} MB")
        return 0
    try:
        manifest, warnings = verify(root)
    except ManifestError as exc:
        print("BUNDLE CHECK FAILED - the bundle is damaged or was altered; nothing was installed.\n"
              + "\n".join(f"  {line}" for line in str(exc).splitlines())
              + "\nCopy the bundle again from the original (or rebuild it) and run the installer again.",
              file=sys.stderr)
        return 1
    for w in warnings:
        print(f"manifest: warning: {w}", file=sys.stderr)
    print(f"manifest: OK, {len(manifest['files'])} files verified "
          f"({manifest.get('name', '?')} {manifest.get('version', '?')}, {manifest.get('platform', '?')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
