"""The offline bundle: built for Linux and Windows, installed offline, checked, tampered with, upgraded.

The tests share one Linux bundle, one Windows bundle and one installation (session fixtures in
conftest.py); the lifecycle test (upgrade, uninstall) runs last in this file and changes that
installation.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, ground_truth, require_tool
from tests.installer.conftest import NETNS, clinic_env, manifest, run_install

pytestmark = pytest.mark.slow

BUNDLE_CFG = tomllib.loads((PROJECT_ROOT / "installer" / "bundle.toml").read_text(encoding="utf-8"))
VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
WEIGHTS = PROJECT_ROOT / "ai_models" / "weights"


def _isolated_pip_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def _wheel_names(bundle: Path) -> set[str]:
    return {p.name.split("-")[0].lower().replace("_", "-") for p in (bundle / "wheels").glob("*.whl")}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(root: Path) -> dict[str, str]:
    """Every file under root with its SHA-256 (SQLite's transient -wal/-shm files aside)."""
    return {p.relative_to(root).as_posix(): _sha(p) for p in root.rglob("*")
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def _project_wheel(bundle: Path) -> Path:
    (wheel,) = (bundle / "wheels").glob(f"township_pacs-{VERSION}-*.whl")
    return wheel


# --- building ---------------------------------------------------------------------------------------------

def test_linux_bundle_lists_every_file_is_within_budget_and_carries_no_torch(linux_bundle):
    m = manifest(linux_bundle)
    on_disk = {p.relative_to(linux_bundle).as_posix() for p in linux_bundle.rglob("*") if p.is_file()} - {"manifest.json"}
    assert {f["path"] for f in m["files"]} == on_disk
    for f in m["files"][:5] + [f for f in m["files"] if f["path"].endswith(".sh")]:
        assert _sha(linux_bundle / f["path"]) == f["sha256"]
    assert m["platform"] == "linux_x86_64" and m["python"] == BUNDLE_CFG["python_version"]
    assert m["total_bytes"] <= BUNDLE_CFG["targets"]["linux_x86_64"]["budget_mb"] * 1_000_000
    names = _wheel_names(linux_bundle)
    assert {"onnxruntime", "pyside6-essentials", "vtk", "pydicom", "township-pacs"} <= names
    assert not names & {"torch", "monai", "torchvision", "onnxruntime-gpu", "onnxruntime-directml"}
    print(f"linux bundle: {m['total_bytes'] / 1e6:.1f} MB")


def test_project_wheel_carries_config_translations_and_model(linux_bundle):
    names = set(zipfile.ZipFile(_project_wheel(linux_bundle)).namelist())
    assert "resources/default_config.toml" in names
    for qm in (PROJECT_ROOT / "resources" / "translations").glob("*.qm"):
        assert f"resources/translations/{qm.name}" in names
    shipped = [p for p in WEIGHTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts
               and p.suffix not in (".pt", ".pth", ".ckpt")] if WEIGHTS.is_dir() else []
    assert not [n for n in names if n.endswith((".pt", ".pth", ".ckpt"))], "torch checkpoints do not belong in a clinic bundle"
    for p in shipped:
        assert p.relative_to(PROJECT_ROOT).as_posix() in names
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(_project_wheel(linux_bundle)).read(meta).decode().splitlines()
                if line.startswith("Requires-Dist: onnxruntime")]
    assert requires and all(r.split()[1].startswith("onnxruntime") and "directml" not in r for r in requires)


# --- installing -------------------------------------------------------------------------------------------

def test_installed_tpacs_runs_from_its_own_isolated_environment(installed):
    prefix, env = installed["prefix"], installed["env"]
    assert "manifest: OK" in installed["log"]
    out = subprocess.run([str(prefix / "bin" / "tpacs"), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"tpacs {VERSION}"
    probe = ("import sys, importlib.util as u, viewer, ai_models, onnxruntime; "
             "print(sys.prefix); print(viewer.__file__); print(u.find_spec('torch') is None, u.find_spec('monai') is None)")
    out = subprocess.run([str(prefix / "bin" / "python"), "-c", probe], env=env, capture_output=True, text=True,
                         timeout=60, cwd=installed["home"])
    assert out.returncode == 0, out.stderr
    sys_prefix, viewer_file, no_torch = out.stdout.split("\n")[:3]
    assert Path(sys_prefix) == prefix and Path(viewer_file).is_relative_to(prefix)
    assert no_torch == "True True", "torch/monai must not be in the clinic install"
    # Shortcuts, menu entry, settings and the node's unit file, each pointing at this prefix.
    home = installed["home"]
    for f in (home / "Desktop" / "township-pacs.desktop", home / ".local/share/applications/township-pacs.desktop"):
        assert f'Exec="{prefix}/bin/tpacs" view' in f.read_text(encoding="utf-8")
    assert os.access(home / "Desktop" / "township-pacs.desktop", os.X_OK)
    unit = (home / ".config/systemd/user/township-pacs-node.service").read_text()
    assert f'ExecStart="{prefix}/bin/tpacs" node' in unit
    cfg = home / ".config/township-pacs/config.toml"
    assert cfg.read_text(encoding="utf-8") == (PROJECT_ROOT / "resources" / "default_config.toml").read_text(encoding="utf-8")
    assert cfg.stat().st_mode & 0o077 == 0  # it will hold STOW tokens and passwords: the user's alone


def _shipped_model_present() -> bool:
    return (WEIGHTS / "model_card.json").is_file() and any(WEIGHTS.glob("*.onnx"))


def test_installed_detect_finds_nodules_in_a_phantom(installed, ct_phantom_small, tmp_path):
    assert _shipped_model_present(), "ai_models/weights has no shipped model (model_card.json + .onnx)"
    out = tmp_path / "findings.json"
    proc = subprocess.run([str(installed["prefix"] / "bin" / "tpacs"), "detect", str(ct_phantom_small), "--json", str(out),
                           "--device", "cpu"], env=installed["env"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    truth = ground_truth(ct_phantom_small)
    assert report["series_uid"] == truth["series_uid"] and report["model"]["name"]
    assert report["findings"], "the shipped model found nothing in a phantom with 4 nodules"
    for f in report["findings"]:
        assert len(f["center_lps_mm"]) == 3 and f["diameter_mm"] > 0 and 0 <= f["score"] <= 1
    # At least one finding sits on a true nodule: the installed model is the real one, not a stub.
    def hit(f, n):
        return sum((a - b) ** 2 for a, b in zip(f["center_lps_mm"], n["center_lps_mm"])) ** 0.5 <= max(n["diameter_mm"], 5.0)
    assert any(hit(f, n) for f in report["findings"] for n in truth["nodules"])


def test_installed_viewer_writes_a_screenshot_under_xvfb(installed, ct_phantom_small, tmp_path):
    require_tool("xvfb-run")
    png = tmp_path / "shot.png"
    env = dict(installed["env"], QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", str(installed["prefix"] / "bin" / "tpacs"),
                           "view", str(ct_phantom_small), "--screenshot", str(png)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from PIL import Image

    img = Image.open(png).convert("L")
    assert img.width >= 400 and img.height >= 300
    lo, hi = img.getextrema()
    assert hi - lo > 50, "the screenshot is blank"
    # A CT image is drawn: many distinct grey levels, not just flat UI colours.
    assert len([c for c in img.histogram() if c]) > 40


def test_windows_bundle_resolves_completely_offline_and_is_under_600_mb(win_bundle, tmp_path):
    m = manifest(win_bundle)
    size_mb = m["total_bytes"] / 1e6
    print(f"windows bundle: {size_mb:.1f} MB (budget {BUNDLE_CFG['targets']['win_amd64']['budget_mb']} MB)")
    assert m["total_bytes"] < 600 * 1_000_000
    assert {"install.ps1", "uninstall.ps1", "install.cmd", "manifest.py", "INSTALL.txt"} <= {f["path"] for f in m["files"]}
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(win_bundle / "wheels"),
           "--platform", "win_amd64", "--python-version", "3.11", "--only-binary=:all:", "--target", str(tmp_path / "x"),
           "--report", str(report), "township-pacs"]
    if NETNS:
        cmd = ["unshare", "-n"] + cmd
    proc = subprocess.run(cmd, env=_isolated_pip_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = json.loads(report.read_text())["install"]
    wheels_uri = (win_bundle / "wheels").as_uri()
    assert all(i["download_info"]["url"].startswith(wheels_uri) for i in items), "something came from outside the bundle"
    resolved = {i["metadata"]["name"].lower().replace("_", "-") for i in items}
    assert "onnxruntime-directml" in resolved and "onnxruntime" not in resolved
    assert not resolved & {"torch", "monai"}
    assert all(i["download_info"]["url"].endswith(("-win_amd64.whl", "-any.whl")) for i in items)
    # Every wheel in the bundle is used: nothing dead weight, nothing a stray pip run would pick instead.
    assert len(items) == len(list((win_bundle / "wheels").glob("*.whl")))


def test_shipped_model_loads_in_the_windows_bundles_onnxruntime_version(win_bundle, tmp_path):
    """The Windows bundle carries an older ONNX Runtime (DirectML builds lag the CPU ones): the shipped
    model's opset must load in that version. Checked with the Linux CPU build of the same version (same
    operator kernels; DirectML itself needs Windows)."""
    assert _shipped_model_present(), "ai_models/weights has no shipped model (model_card.json + .onnx)"
    from installer.build_bundle import default_cache

    (dml,) = (win_bundle / "wheels").glob("onnxruntime_directml-*.whl")
    version = dml.name.split("-")[1]
    target = tmp_path / "ort"
    cache = default_cache() / "wheels"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--only-binary=:all:", "--target",
                           str(target), "--find-links", str(cache), f"onnxruntime=={version}"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (model,) = WEIGHTS.glob("*.onnx")
    probe = ("import sys, numpy as np, onnxruntime as ort\n"
             "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
             "i = s.get_inputs()[0]\n"
             "x = np.zeros([d if isinstance(d, int) else (1 if k == 0 else 32) for k, d in enumerate(i.shape)], np.float32)\n"
             "s.run(None, {i.name: x}); print(ort.__version__)")
    run = subprocess.run([sys.executable, "-c", probe, str(model)], env=dict(os.environ, PYTHONPATH=str(target)),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == version


# --- refusing a damaged bundle ----------------------------------------------------------------------------

def _copy_bundle(src: Path, dst: Path) -> Path:
    """A cheap copy (hard links) of the bundle; a file to be altered must be copied first (see _own)."""
    for p in src.rglob("*"):
        target = dst / p.relative_to(src)
        if p.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(p, target)
    return dst


def _own(path: Path) -> Path:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)
    return path


def test_tampered_bundle_stops_before_installing_anything(linux_bundle, tmp_path):
    bundle = _copy_bundle(linux_bundle, tmp_path / "bundle")
    wheel = _own(_project_wheel(bundle))
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the wheel that carries the model
    wheel.write_bytes(bytes(data))
    home, prefix = tmp_path / "home", tmp_path / "home" / "app"
    home.mkdir()
    proc = run_install(bundle, prefix, home)
    assert proc.returncode != 0
    assert "BUNDLE CHECK FAILED" in proc.stderr and f"wheels/{wheel.name}" in proc.stderr
    assert "SHA-256" in proc.stderr and "nothing was installed" in proc.stderr
    assert not prefix.exists()
    assert not (home / ".config").exists() and not (home / ".local").exists()


def test_extra_wheel_or_missing_file_stops_the_install(linux_bundle, tmp_path):
    bundle = _copy_bundle(linux_bundle, tmp_path / "bundle")
    (bundle / "wheels" / "evil-1.0-py3-none-any.whl").write_bytes(b"PK\x05\x06" + bytes(18))
    (bundle / "INSTALL.txt").unlink()
    home = tmp_path / "home"
    home.mkdir()
    proc = run_install(bundle, home / "app", home, netns=False)
    assert proc.returncode != 0
    assert "wheels/evil-1.0-py3-none-any.whl: not in the manifest" in proc.stderr
    assert "INSTALL.txt: missing" in proc.stderr
    assert not (home / "app").exists()


def test_install_refuses_a_prefix_holding_other_files(linux_bundle, tmp_path):
    """--prefix pointed at a folder with someone's files: refused, the files untouched (an upgrade would
    otherwise replace the folder)."""
    home, prefix = tmp_path / "home", tmp_path / "clinic-data"
    home.mkdir()
    prefix.mkdir()
    (prefix / "study.dcm").write_bytes(b"not ours")
    proc = run_install(linux_bundle, prefix, home, netns=False)
    assert proc.returncode != 0
    assert "is not a township-pacs app folder" in proc.stderr
    assert [p.name for p in prefix.iterdir()] == ["study.dcm"] and (prefix / "study.dcm").read_bytes() == b"not ours"


def test_failed_upgrade_puts_the_previous_app_back(installed, tmp_path):
    """A bundle that passes its manifest but cannot install (a dependency's wheel left out at build time)."""
    from installer import manifest as manifest_mod

    bundle = _copy_bundle(installed["bundle"], tmp_path / "bundle")
    (wheel,) = (bundle / "wheels").glob("tomli_w-*.whl")
    wheel.unlink()
    meta = {k: v for k, v in manifest(bundle).items() if k not in ("format", "files", "total_bytes")}
    manifest_mod.write_manifest(bundle, meta)
    prefix, home = installed["prefix"], installed["home"]
    proc = run_install(bundle, prefix, home)
    assert proc.returncode != 0
    assert "previous installation was restored" in proc.stderr, proc.stdout + proc.stderr
    version = subprocess.run([str(prefix / "bin" / "tpacs"), "--version"], env=installed["env"],
                             capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"tpacs {VERSION}"
    assert not Path(f"{prefix}.previous").exists()


# --- upgrade and uninstall keep the archive, the index and the settings (runs last: it changes `installed`)

def test_upgrade_then_uninstall_keep_archive_index_and_config(installed):
    prefix, home, env = installed["prefix"], installed["home"], installed["env"]
    py = str(prefix / "bin" / "python")
    # The clinic's settings: a changed AE title, as an administrator would edit it.
    cfg = home / ".config/township-pacs/config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('ae_title = "TPACS"', 'ae_title = "CLINIC_A"'), encoding="utf-8")
    # The archive and its SQLite index, written by the installed program's own Archive class.
    storage = subprocess.run([py, "-c", "from dicom_node.config import load_config, storage_path; "
                              "print(storage_path(load_config()))"], env=env, capture_output=True, text=True, timeout=60)
    assert storage.returncode == 0, storage.stderr
    storage = Path(storage.stdout.strip())
    assert storage.is_relative_to(home) and not storage.is_relative_to(prefix)
    phantom = home / "incoming"
    write = subprocess.run([str(prefix / "bin" / "tpacs"), "phantom", str(phantom), "--seed", "3", "--slices", "4",
                            "--rows", "64", "--nodules", "1"], env=env, capture_output=True, text=True, timeout=120)
    assert write.returncode == 0, write.stderr
    storage.mkdir(parents=True, exist_ok=True)
    store = ("import sys; from pathlib import Path; from dicom_node.archive import Archive; "
             "a = Archive(Path(sys.argv[1])); [a.add_file(p) for p in sorted(Path(sys.argv[2]).glob('*.dcm'))]; a.close()")
    stored = subprocess.run([py, "-c", store, str(storage), str(phantom)], env=env, capture_output=True, text=True, timeout=120)
    assert stored.returncode == 0, stored.stderr
    before = _tree(storage)
    assert "index.sqlite" in before and len([k for k in before if k.endswith(".dcm")]) == 4, sorted(before)
    marker = prefix / "old-app-file"
    marker.write_text("from the previous install")

    proc = run_install(installed["bundle"], prefix, home)  # the upgrade: the same installer over the old app
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "upgrading" in proc.stdout and "keeping the settings" in proc.stdout
    assert not marker.exists(), "the app environment was not replaced"
    assert not Path(f"{prefix}.previous").exists()
    assert _tree(storage) == before
    # The new app reads the old archive: one study, four instances, through its own index.
    count = subprocess.run([py, "-c", "import sys; from dicom_node.archive import Archive; a = Archive(sys.argv[1]); "
                            "print(len(a.studies()), len(a.instances())); a.close()", str(storage)],
                           env=env, capture_output=True, text=True, timeout=60)
    assert count.stdout.split() == ["1", "4"], count.stdout + count.stderr
    kept = _tree(storage)
    aet = subprocess.run([py, "-c", "from dicom_node.config import load_config; print(load_config()['node']['ae_title'])"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert aet.stdout.strip() == "CLINIC_A"
    version = subprocess.run([str(prefix / "bin" / "tpacs"), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"tpacs {VERSION}"

    # Uninstall (the copy the installer left in the app folder): app and shortcuts go, data and settings stay.
    un = subprocess.run(["bash", str(prefix / "uninstall.sh"), "--prefix", str(prefix)], env=clinic_env(home),
                        capture_output=True, text=True, timeout=120)
    assert un.returncode == 0, un.stdout + un.stderr
    assert not prefix.exists()
    assert not (home / "Desktop/township-pacs.desktop").exists()
    assert not (home / ".local/share/applications/township-pacs.desktop").exists()
    assert not (home / ".config/systemd/user/township-pacs-node.service").exists()
    assert _tree(storage) == kept
    assert 'ae_title = "CLINIC_A"' in cfg.read_text(encoding="utf-8")
