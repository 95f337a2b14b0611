"""`python -m dicom_node.forward --config FILE`: only the forwarding worker (no SCP, no AI)."""
from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from dicom_node.archive import Archive
from dicom_node.config import load_config, storage_path
from dicom_node.forward.worker import Forwarder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dicom_node.forward")
    p.add_argument("--config", type=Path)
    p.add_argument("--storage", type=Path)
    p.add_argument("--enqueue", action="append", default=[], help="a study UID to route and enqueue first")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = load_config(args.config, {"storage.path": args.storage})
    fw = Forwarder(cfg, Archive(storage_path(cfg)))
    for uid in args.enqueue:
        fw.on_study_ready(uid)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    fw.start()
    stop.wait()
    fw.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
