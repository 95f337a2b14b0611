"""The DICOM node, `tpacs node`: the DICOM server (dicom_node.scp), the archive, stable-study detection,
the AI pipeline and forwarding, in one process, started and stopped here.

Start-up order: the storage lock (one node per storage folder), the index schema upgrade (the node
alone does it, dicom_node.schema), temp-file clean-up and, after an unclean stop, re-indexing of whole
files without a row; then forwarding (studies the pipeline resumes must reach it), the DICOM server,
stability detection and the AI pipeline.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Callable

from dicom_node import schema
from dicom_node.archive import Archive
from dicom_node.config import storage_path
from dicom_node.forward.worker import attach as attach_forwarding
from dicom_node.pipeline import Pipeline
from dicom_node.scp import Scp
from dicom_node.stability import StabilityMonitor

log = logging.getLogger("dicom_node.node")


class NodeError(RuntimeError):
    """The node cannot run as configured; the message says why."""


def _try_lock(fh) -> bool:
    """An exclusive, non-blocking lock on an open file (flock; msvcrt on Windows); False when held."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def running_node_pid(storage) -> int | None:
    """The PID of the node that runs on this storage folder right now (e.g. the installed service), or
    None. The workstation asks before it starts an embedded node: never a second node on one archive."""
    from pathlib import Path

    storage = Path(storage)
    if not (storage / "node.lock").exists():
        return None
    with open(storage / "node.lock", "a+") as fh:
        if _try_lock(fh):
            return None  # closing the file releases the lock at once
    try:
        return int((storage / "node.running").read_text().strip())
    except (OSError, ValueError):
        return 0  # held, but the holder has not written its PID yet


class Node:
    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.config = cfg
        node = cfg["node"]
        self.archive = Archive(storage_path(cfg), on_conflict=node.get("on_conflict", "keep_first"), check=False)
        try:  # browsable at once when current (or new); an older index waits for start() to upgrade it
            self.archive.check()
        except schema.SchemaError:
            pass
        self.stable_listeners: list[Callable[[str], None]] = []
        self.ready_listeners: list[Callable[[str], None]] = []
        self.pipeline = Pipeline(self.archive, cfg, self._on_ready)
        self.stable_listeners.append(self.pipeline.on_stable)
        self.stability = StabilityMonitor(self.archive, cfg, self._on_stable)
        self.allowed_peers = list(node.get("allowed_peers", []))
        self.scp: Scp | None = None
        self.forwarder = None
        self.report_inbox = None  # set by dicom_node.report_pull.attach at start-up
        self.report_puller = None
        self._stopping = threading.Event()
        self._lock_fh = None
        self._running_marker = self.archive.root / "node.running"

    # --- listeners ------------------------------------------------------------------------------
    def _on_stable(self, study_uid: str) -> None:
        for fn in list(self.stable_listeners):
            try:
                fn(study_uid)
            except Exception:
                log.exception("stable-listener %r failed for %s", fn, study_uid)

    def _on_ready(self, study_uid: str) -> None:
        for fn in list(self.ready_listeners):
            try:
                fn(study_uid)
            except Exception:
                log.exception("ready-listener %r failed for %s", fn, study_uid)

    # --- life cycle -----------------------------------------------------------------------------
    def _take_lock(self) -> None:
        """One node per storage folder: a second one would clean the first one's temp files."""
        self._lock_fh = open(self.archive.root / "node.lock", "a+")
        if not _try_lock(self._lock_fh):
            self._lock_fh.close()
            self._lock_fh = None
            raise NodeError(f"another tpacs node is already using {self.archive.root}")

    def start(self) -> None:
        self._take_lock()
        try:  # the node alone upgrades the index, once, under its lock, before anything reads it
            schema.upgrade(self.archive.db_path)
            self.archive.check()
        except schema.SchemaError as exc:
            self._lock_fh.close()
            self._lock_fh = None
            raise NodeError(str(exc)) from exc
        self.archive.clean_tmp()
        if self._running_marker.exists():
            log.warning("the previous node run did not stop cleanly; checking the archive for unindexed files")
            self.archive.reindex_orphans()
        self._running_marker.write_text(str(os.getpid()))
        if not self.allowed_peers:
            log.warning("node.allowed_peers is empty: ANY peer may send to this node; "
                        "fill in the allow-list in the settings")
        node = self.cfg["node"]
        # Forwarding first: studies the pipeline resumes at start-up must reach its ready-listener.
        attach_forwarding(self)
        from dicom_node import report_pull

        report_pull.attach(self)  # the township's inbox, and the puller when [reports] from names a destination
        self.scp = Scp(self.archive, self.cfg)
        self.scp.receiver.report_inbox = self.report_inbox
        try:
            self.scp.start()
        except OSError as exc:
            address = f"{node.get('bind_address', '0.0.0.0')}:{node['port']}"
            raise NodeError(f"cannot listen on {address}: {exc.strerror or exc}") from exc
        log.info("node %s listening on %s:%d%s, archive %s", node["ae_title"], node.get("bind_address", "0.0.0.0"),
                 int(node["port"]), f" (TLS on {node['tls']['port']})" if (node.get("tls") or {}).get("port") else "",
                 self.archive.root)
        self.stability.start()
        self.pipeline.start()
        self._janitor = threading.Thread(target=self._sweep_tmp, name="tmp-janitor", daemon=True)
        self._janitor.start()

    def _sweep_tmp(self) -> None:
        """Partial temp files of transfers cut off half-way go within twice the network + DIMSE timeouts."""
        node = self.cfg["node"]
        age = max(10.0, 2 * (float(node.get("network_timeout_s", 60)) + float(node.get("dimse_timeout_s", 60))))
        while not self._stopping.wait(min(60.0, age / 2)):
            try:
                self.archive.sweep_tmp(age)
            except Exception:
                log.exception("sweeping %s", self.archive.tmp_dir)

    def stop(self) -> None:
        if self._lock_fh is None:  # never started (or the storage belongs to another node): touch nothing
            return
        self._stopping.set()
        if self.scp is not None:
            self.scp.stop()
            self.scp = None
        self.stability.stop()
        self.pipeline.stop()
        if self.report_puller is not None:
            self.report_puller.stop()
        fw = self.forwarder
        if fw is not None:
            try:
                fw.stop()
            except Exception:
                log.exception("forwarder did not stop cleanly")
        self._running_marker.unlink(missing_ok=True)
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None
        log.info("node stopped")


def run_node(cfg: dict) -> int:
    """Run the node in the foreground until SIGINT/SIGTERM; returns 0 after a clean stop."""
    level = str(cfg.get("logging", {}).get("level", "INFO")).upper()
    logging.getLogger().setLevel(getattr(logging, level, logging.INFO))
    logging.getLogger("pynetdicom").setLevel(logging.WARNING)
    node = Node(cfg)
    stop = threading.Event()

    def _signal(signum, frame):
        log.info("signal %d: stopping", signum)
        stop.set()

    old = {s: signal.signal(s, _signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            node.start()
        except (NodeError, OSError) as exc:  # storage in use, port taken, ...: one clear line
            log.error("the node cannot start: %s", exc)
            print(f"tpacs node: error: {exc}", file=sys.stderr)
            return 2
        while not stop.wait(0.5):
            pass
    finally:
        node.stop()
        for s, h in old.items():
            signal.signal(s, h)
    return 0
