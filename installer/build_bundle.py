"""Build the offline installation bundle for a clinic PC.

    python -m installer.build_bundle --platform linux_x86_64|win_amd64 --out DIR
        [--cache DIR] [--offline | --prefer-cache] [--onnxruntime onnxruntime-gpu] [--extra FILE ...]

The bundle holds every runtime wheel for the target platform and Python 3.11 (no torch: inference
runs on ONNX Runtime), the project's own wheel (model weights, default config, translations),
the install/uninstall scripts and manifest.json (every file with its SHA-256). The build fails
when the bundle is over the budget in installer/bundle.toml.

Downloads go through pip (it resolves against PyPI for the target platform) into a cache folder,
$TPACS_BUNDLE_CACHE or ~/.cache/township-pacs-bundle, so a second build downloads nothing;
`--offline` resolves from that cache alone.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python installer/build_bundle.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from installer import manifest as manifest_mod

INSTALLER_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = INSTALLER_DIR.parent
BUNDLE_CONFIG = INSTALLER_DIR / "bundle.toml"
# Shipped into every bundle next to the platform's install scripts.
COMMON_FILES = ["manifest.py", "INSTALL.txt"]
# Data files that must reach the installed program; the build fails when the wheel lacks one.
REQUIRED_DATA = ["ai_models/weights/**", "ai_models/cards/**", "resources/translations/*.qm", "resources/*.toml"]


TRAINING_ONLY = ("*.pt", "*.pth", "*.ckpt")


class BuildError(Exception):
    pass


def log(msg: str) -> None:
    print(f"build_bundle: {msg}", flush=True)


def default_cache() -> Path:
    env = os.environ.get("TPACS_BUNDLE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "township-pacs-bundle"


def load_bundle_config() -> dict:
    with open(BUNDLE_CONFIG, "rb") as fh:
        return tomllib.load(fh)


def isolated_pip_env() -> dict:
    """Environment in which pip sees no pip.conf and no PIP_* variables: only what we pass it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(cmd: list[str], env: dict | None = None, what: str = "") -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"{what or cmd[0]} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc


def target_tag_args(target: dict, python_version: str) -> list[str]:
    nodot = python_version.replace(".", "")
    args = ["--only-binary=:all:", "--python-version", python_version, "--implementation", "cp", "--abi", f"cp{nodot}"]
    for plat in target["platforms"]:
        args += ["--platform", plat]
    return args


# ---------------------------------------------------------------------------------------------
# The project's own wheel
# ---------------------------------------------------------------------------------------------

def _copy_source(dst: Path) -> dict:
    """Copy what the wheel is built from (pyproject, README, the packages) to dst; returns pyproject."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {}).get("include", ["*"])
    # Torch checkpoints are for training and the torch backend; a clinic runs the ONNX weights only.
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", *TRAINING_ONLY)
    for name in ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "MANIFEST.in"):
        if (PROJECT_ROOT / name).is_file():
            shutil.copy2(PROJECT_ROOT / name, dst / name)
    for child in sorted(PROJECT_ROOT.iterdir()):
        if child.is_dir() and (child / "__init__.py").is_file() and any(fnmatch.fnmatch(child.name, pat) for pat in include):
            shutil.copytree(child, dst / child.name, ignore=ignore)
    return pyproject


def _retarget_onnxruntime(pyproject_path: Path, pyproject: dict, ort_name: str) -> None:
    """Make the wheel require the target's ONNX Runtime build (all import as `onnxruntime`).

    pip evaluates environment markers for the machine it runs on, not for --platform, so a marker
    like `; sys_platform == 'win32'` could not be resolved from Linux; the bundle's wheel names its
    target's build directly instead.
    """
    deps = pyproject["project"]["dependencies"]
    text = pyproject_path.read_text(encoding="utf-8")
    hits = [d for d in deps if _norm(re.match(r"[A-Za-z0-9._-]+", d).group(0)) == "onnxruntime"]
    if not hits:
        raise BuildError("pyproject.toml has no onnxruntime dependency to retarget")
    for dep in hits:
        name = re.match(r"[A-Za-z0-9._-]+", dep).group(0)
        new = ort_name + dep[len(name):]
        if f'"{dep}"' not in text:
            raise BuildError(f"cannot find the dependency string {dep!r} in pyproject.toml")
        text = text.replace(f'"{dep}"', f'"{new}"')
    pyproject_path.write_text(text, encoding="utf-8")


def _check_wheel_data(wheel: Path, src: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for pattern in REQUIRED_DATA:
        for f in src.glob(pattern):
            rel = f.relative_to(src).as_posix()
            if f.is_file() and "__pycache__" not in f.parts and rel not in names:
                missing.append(rel)
    if missing:
        raise BuildError("the project's wheel lacks data files the program needs (fix package-data in "
                         "pyproject.toml): " + ", ".join(missing[:20]))
    # Any other non-Python file in the packages that the wheel leaves out: worth a look.
    packages = [d for d in src.iterdir() if (d / "__init__.py").is_file()]
    left_out = [f.relative_to(src).as_posix() for d in packages for f in d.rglob("*")
                if f.is_file() and f.suffix not in (".py", ".pyc")
                and "__pycache__" not in f.parts and f.relative_to(src).as_posix() not in names]
    if left_out:
        log("note: not in the wheel (not listed in package-data): " + ", ".join(sorted(left_out)[:10])
            + (" ..." if len(left_out) > 10 else ""))


def _local_build_backend_ok() -> bool:
    """The builder's setuptools can make this wheel itself: >= 77 reads the SPDX `license` string of
    pyproject.toml (and has bdist_wheel built in)."""
    try:
        import setuptools
    except ImportError:
        return False
    major = int(re.findall(r"\d+", setuptools.__version__)[0])
    return major >= 77


def build_project_wheel(wheel_dir: Path, ort_name: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="tpacs-wheel-src-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        pyproject = _copy_source(src)
        _retarget_onnxruntime(src / "pyproject.toml", pyproject, ort_name)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(src)]
        if _local_build_backend_ok():  # no download, no isolated build environment
            cmd.insert(4, "--no-build-isolation")
        _run(cmd, what="building the project's wheel")
        name = _norm(pyproject["project"]["name"]).replace("-", "_")
        wheels = sorted(wheel_dir.glob(f"{name}-{pyproject['project']['version']}-*.whl"))
        if len(wheels) != 1:
            raise BuildError(f"expected one {name} wheel in {wheel_dir}, found {wheels}")
        _check_wheel_data(wheels[0], src)
        return wheels[0]


# ---------------------------------------------------------------------------------------------
# Resolving and fetching the runtime wheels
# ---------------------------------------------------------------------------------------------

def resolve(project_wheel: Path, target: dict, python_version: str, cache_wheels: Path, offline: bool) -> list[dict]:
    """pip's resolution of the project wheel and all its dependencies for the target platform."""
    with tempfile.TemporaryDirectory(prefix="tpacs-resolve-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q",
               "--report", str(report), "--target", str(Path(tmp) / "t"),
               *target_tag_args(target, python_version), "--find-links", str(project_wheel.parent)]
        if offline:
            cmd += ["--no-index", "--find-links", str(cache_wheels)]
            env = isolated_pip_env()
        else:
            env = None  # the builder's pip configuration (index, mirrors, certificates) applies
        cmd.append(str(project_wheel))
        _run(cmd, env=env, what="resolving the runtime wheels" + (" from the cache (--offline)" if offline else ""))
        return json.loads(report.read_text())["install"]


def _ssl_context() -> ssl.SSLContext:
    cafile = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or os.environ.get("REQUESTS_CA_BUNDLE")
    return ssl.create_default_context(cafile=cafile if cafile and Path(cafile).is_file() else None)


def _fetch_one(item: dict, cache_wheels: Path, ctx: ssl.SSLContext) -> tuple[Path, bool]:
    info = item["download_info"]
    url = info["url"]
    filename = urllib.parse.unquote(url.rsplit("/", 1)[-1].split("#", 1)[0])
    expected = info.get("archive_info", {}).get("hashes", {}).get("sha256")
    dst = cache_wheels / filename
    if dst.is_file() and (expected is None or manifest_mod.sha256_file(dst) == expected):
        return dst, False
    part = dst.with_name(f"{dst.name}.{os.getpid()}.part")  # two builds may share the cache
    if url.startswith("file:"):
        shutil.copyfile(urllib.request.url2pathname(urllib.parse.urlparse(url).path), part)
    else:
        for attempt in range(3):
            try:
                with urllib.request.urlopen(url, context=ctx, timeout=180) as resp, open(part, "wb") as out:
                    shutil.copyfileobj(resp, out, 1 << 20)
                break
            except OSError as exc:
                if attempt == 2:
                    raise BuildError(f"download of {filename} failed: {exc}") from exc
                time.sleep(2 * (attempt + 1))
    got = manifest_mod.sha256_file(part)
    if expected is not None and got != expected:
        part.unlink()
        raise BuildError(f"{filename}: downloaded SHA-256 {got} differs from the index's {expected}")
    part.replace(dst)
    return dst, True


def fetch(items: list[dict], cache_wheels: Path) -> list[Path]:
    cache_wheels.mkdir(parents=True, exist_ok=True)
    ctx = _ssl_context()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda it: _fetch_one(it, cache_wheels, ctx), items))
    fetched = [p.name for p, new in results if new]
    log(f"{len(results)} wheels: {len(fetched)} downloaded, {len(results) - len(fetched)} from the cache {cache_wheels}")
    return [p for p, _ in results]


def self_check(out: Path, target: dict, python_version: str) -> list[str]:
    """Resolve the bundle against its own wheels folder only, as the clinic PC will; returns the files used."""
    with tempfile.TemporaryDirectory(prefix="tpacs-check-") as tmp:
        report = Path(tmp) / "report.json"
        _run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--no-index",
              "--find-links", str(out / "wheels"), "--report", str(report), "--target", str(Path(tmp) / "t"),
              *target_tag_args(target, python_version), "township-pacs"],
             env=isolated_pip_env(), what="resolving the bundle offline (self-check)")
        return [urllib.parse.unquote(i["download_info"]["url"].rsplit("/", 1)[-1]) for i in json.loads(report.read_text())["install"]]


# ---------------------------------------------------------------------------------------------

def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _prepare_out(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / manifest_mod.MANIFEST_NAME).is_file() and not (out / "wheels").is_dir():
            raise BuildError(f"--out {out} is a non-empty folder that is not a bundle; refusing to overwrite it")
        shutil.rmtree(out)
    (out / "wheels").mkdir(parents=True)


def build(platform: str, out: Path, cache: Path | None = None, offline: bool = False,
          onnxruntime: str | None = None, extras: list[Path] | None = None, prefer_cache: bool = False) -> dict:
    t0 = time.monotonic()
    cfg = load_bundle_config()
    if platform not in cfg["targets"]:
        raise BuildError(f"unknown platform {platform!r}; bundle.toml knows {sorted(cfg['targets'])}")
    target = cfg["targets"][platform]
    python_version = cfg["python_version"]
    ort = onnxruntime or target["onnxruntime"]
    budget_mb = target["budget_mb_gpu"] if ort == "onnxruntime-gpu" and "budget_mb_gpu" in target else target["budget_mb"]
    cache_wheels = (cache or default_cache()) / "wheels"
    out = Path(out).resolve()
    _prepare_out(out)

    log(f"{platform}, Python {python_version}, {ort}: building the project's wheel")
    project_wheel = build_project_wheel(out / "wheels", ort)
    log(f"resolving runtime dependencies for {platform}")
    if prefer_cache and not offline and cache_wheels.is_dir():
        try:  # the cache alone satisfies the requirements: no index round trips
            resolved = resolve(project_wheel, target, python_version, cache_wheels, True)
            log("resolved from the cache alone (--prefer-cache)")
        except BuildError:
            resolved = resolve(project_wheel, target, python_version, cache_wheels, False)
    else:
        resolved = resolve(project_wheel, target, python_version, cache_wheels, offline)
    items = [i for i in resolved if not i["download_info"]["url"].startswith(project_wheel.parent.as_uri())]
    names = sorted(_norm(i["metadata"]["name"]) for i in items)
    for forbidden in ("torch", "monai", "torchvision"):
        if forbidden in names:
            raise BuildError(f"{forbidden} is in the runtime dependencies; the bundle must not carry it")
    for wheel in fetch(items, cache_wheels):
        try:  # a hard link costs nothing; the manifest hashes what is in the bundle either way
            os.link(wheel, out / "wheels" / wheel.name)
        except OSError:
            shutil.copy2(wheel, out / "wheels" / wheel.name)

    for name in target["install_scripts"] + COMMON_FILES:
        shutil.copy2(INSTALLER_DIR / name, out / name)
        if name.endswith(".sh"):
            (out / name).chmod(0o755)
    for extra in extras or []:
        (out / "extras").mkdir(exist_ok=True)
        shutil.copy2(extra, out / "extras" / Path(extra).name)

    used = set(self_check(out, target, python_version))
    present = {p.name for p in (out / "wheels").iterdir()}
    if present - used:
        raise BuildError(f"wheels in the bundle that the offline resolution does not use: {sorted(present - used)}")

    size = dir_size(out)
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    meta = {"name": pyproject["project"]["name"], "version": pyproject["project"]["version"],
            "platform": platform, "python": python_version, "onnxruntime": ort,
            "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "budget_mb": budget_mb}
    biggest = sorted(((p.stat().st_size, p.name) for p in (out / "wheels").iterdir()), reverse=True)[:5]
    log("largest wheels: " + ", ".join(f"{n} {s / 1e6:.0f} MB" for s, n in biggest))
    log(f"bundle size {platform} ({ort}): {size / 1e6:.1f} MB of a {budget_mb} MB budget")
    if size > budget_mb * 1_000_000:
        # No manifest: an over-budget bundle cannot be installed by mistake.
        raise BuildError(f"bundle {out} is {size / 1e6:.1f} MB, over the {budget_mb} MB budget for {platform} "
                         f"(installer/bundle.toml)")
    m = manifest_mod.write_manifest(out, meta)
    log(f"wrote {out / manifest_mod.MANIFEST_NAME}: {len(m['files'])} files; done in {time.monotonic() - t0:.0f} s")
    return m


def main(argv: list[str] | None = None) -> int:
    cfg = load_bundle_config()
    ap = argparse.ArgumentParser(prog="python -m installer.build_bundle", description=__doc__.split("\n\n")[0])
    ap.add_argument("--platform", required=True, choices=sorted(cfg["targets"]))
    ap.add_argument("--out", required=True, type=Path, help="the bundle folder to write (replaced if it is a bundle)")
    ap.add_argument("--cache", type=Path, help="download cache (default $TPACS_BUNDLE_CACHE or ~/.cache/township-pacs-bundle)")
    ap.add_argument("--offline", action="store_true", help="resolve from the cache only, no index")
    ap.add_argument("--prefer-cache", action="store_true",
                    help="resolve from the cache when it has everything (fast; may keep older versions), else the index")
    ap.add_argument("--onnxruntime", help="ONNX Runtime distribution to require instead of the target's default, "
                                          "e.g. onnxruntime-gpu on linux_x86_64")
    ap.add_argument("--extra", type=Path, action="append", default=[],
                    help="a file to carry in extras/ (e.g. the python.org installer python-3.11.9-amd64.exe)")
    args = ap.parse_args(argv)
    for extra in args.extra:
        if not extra.is_file():
            ap.error(f"--extra {extra}: no such file")
    try:
        build(args.platform, args.out, args.cache, args.offline, args.onnxruntime, args.extra, args.prefer_cache)
    except BuildError as exc:
        print(f"build_bundle: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
