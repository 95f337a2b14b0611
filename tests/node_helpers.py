"""Run a real `tpacs node` (as `python -m viewer node --config CFG`) for tests.

    with running_node(tmp_path, config={"stability": {"quiet_seconds": 2}}) as node:
        subprocess.run(["storescu", "-aec", node.aet, "127.0.0.1", str(node.port), *files], check=True)
        assert len(node.archive().instances()) == len(files)

Defaults written to the config (each can be overridden through `config`, a nested dict merged
over them): storage in `tmp_path/"storage"`, a free loopback port, AE title "TPACS",
stability.quiet_seconds = 1, min_free_bytes = 0, **ai.enabled = false** (pass
`config={"ai": {"enabled": True}}` to have the node run the AI step), no forwarding destinations.
The node's stdout+stderr go to `node.log_path`; `node.log_text()` reads them.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def echo(host: str, port: int, aet: str, calling: str = "ECHOSCU", timeout: float = 5,
         rejected_ok: bool = False) -> bool:
    """True when a C-ECHO to host:port answers 0x0000 (pynetdicom SCU, quick to call in a loop).
    rejected_ok: an association rejection also counts (the node is up, `calling` is not allowed)."""
    from pynetdicom import AE

    ae = AE(ae_title=calling)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = timeout
    ae.add_requested_context("1.2.840.10008.1.1")
    assoc = ae.associate(host, port, ae_title=aet)
    if not assoc.is_established:
        return rejected_ok and assoc.is_rejected
    try:
        status = assoc.send_c_echo()
        return bool(status) and status.Status == 0
    finally:
        assoc.release()


@dataclass
class RunningNode:
    folder: Path
    config_path: Path
    storage: Path
    port: int
    aet: str
    log_path: Path
    proc: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)

    def archive(self):
        """A fresh `dicom_node.archive.Archive` on the node's storage (reads the live index)."""
        from dicom_node.archive import Archive

        return Archive(self.storage)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 60) -> None:
        """Start the node process and wait until it answers C-ECHO."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "viewer", "node", "--config", str(self.config_path)],
                                     stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, env=self.env)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tpacs node exited with {self.proc.returncode}:\n{self.log_text()[-4000:]}")
            try:
                # With an allow-list, the probe's AE may be refused: a rejection also shows the node is up.
                if echo("127.0.0.1", self.port, self.aet, timeout=3, rejected_ok=True):
                    return
            except Exception:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"tpacs node did not answer C-ECHO within {timeout} s:\n{self.log_text()[-4000:]}")

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM and wait (a clean shutdown); SIGKILL if it does not stop in time."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise RuntimeError(f"tpacs node ignored SIGTERM for {timeout} s:\n{self.log_text()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a power cut of the program (not of the disk)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def write_node_config(folder: Path, port: int | None = None, config: dict | None = None) -> tuple[Path, dict]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    base = {
        "node": {"ae_title": "TPACS", "port": port or _free_port(), "bind_address": "127.0.0.1",
                 "min_free_bytes": 0, "allowed_peers": []},
        "storage": {"path": str(folder / "storage")},
        "stability": {"quiet_seconds": 1},
        "ai": {"enabled": False},
        "forwarding": {"destinations": []},
        "logging": {"level": "INFO"},
    }
    cfg = _merge(base, config or {})
    if port is not None:
        cfg["node"]["port"] = port
    path = folder / "node_config.toml"
    path.write_bytes(tomli_w.dumps(cfg).encode())
    return path, cfg


@contextlib.contextmanager
def running_node(tmp_path: Path, port: int | None = None, config: dict | None = None, start_timeout: float = 60):
    """Start `python -m viewer node --config CFG`, wait for C-ECHO, yield a RunningNode, SIGTERM on exit."""
    folder = Path(tmp_path)
    config_path, cfg = write_node_config(folder, port, config)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("PYTHONUNBUFFERED", "1")
    node = RunningNode(folder=folder, config_path=config_path, storage=Path(cfg["storage"]["path"]),
                       port=cfg["node"]["port"], aet=cfg["node"]["ae_title"], log_path=folder / "node.log", env=env)
    node.start(start_timeout)
    try:
        yield node
    finally:
        try:
            node.stop()
        finally:
            node.kill()


def copy_with_new_uids(files: list[Path], dst: Path, k: int) -> list[Path]:
    """Copies of a series with new Study/Series/Frame-of-Reference/SOP Instance UIDs (variant k, 1-9).

    Quick: each UID keeps its length (only its last digit changes), so the bytes are swapped in
    place with no re-encoding and no pixel decoding. The copies are otherwise byte-identical.
    """
    import pydicom

    def variant(uid: str) -> str:
        return uid[:-1] + str((int(uid[-1]) + k) % 10)

    dst = Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        ds = pydicom.dcmread(f, stop_before_pixels=True)
        data = Path(f).read_bytes()
        for kw in ("StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID", "SOPInstanceUID"):
            uid = str(ds.get(kw, "") or "")
            if uid:
                data = data.replace(uid.encode(), variant(uid).encode())
        p = dst / Path(f).name
        p.write_bytes(data)
        out.append(p)
    return out
