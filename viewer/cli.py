"""`tpacs`: the one command line of township-pacs (see DESIGN.md; tests call it exactly as written)."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from viewer import __version__


def _cmd_phantom(args: argparse.Namespace) -> int:
    from ai_models.phantom import write_phantom

    kwargs = {}
    if args.modality.upper() == "CT":
        kwargs = dict(slices=args.slices, thickness_mm=args.thickness, rows=args.rows)
        if args.nodules is not None:
            kwargs["n_nodules"] = args.nodules
    truth = write_phantom(args.outdir, seed=args.seed, modality=args.modality, patient_name=args.patient_name,
                          patient_id=args.patient_id, charset=args.charset, **kwargs)
    print(f"{truth['modality']} phantom: {len(truth['files'])} files, {len(truth['nodules'])} nodules -> {args.outdir}")
    return 0


def _cmd_node(args: argparse.Namespace) -> int:
    from dicom_node.config import load_config
    from dicom_node.service import run_node

    cfg = load_config(args.config, {"storage.path": args.storage, "node.port": args.port, "node.ae_title": args.aet})
    return run_node(cfg)


def _cmd_detect(args: argparse.Namespace) -> int:
    from ai_models.detect import detect_main

    return detect_main(args.path, json_out=args.json, device=args.device, model=args.model)


def _cmd_view(args: argparse.Namespace) -> int:
    from dicom_node.config import load_config
    from viewer.app import run_viewer

    cfg = load_config(args.config)
    return run_viewer(cfg, path=args.path, screenshot=args.screenshot, language=args.lang)


def _cmd_jobs(args: argparse.Namespace) -> int:
    from dicom_node.config import load_config
    from dicom_node.jobs_cli import jobs_main

    cfg = load_config(args.config, {"storage.path": args.storage})
    return jobs_main(cfg, args.action, args.job_id)


def _cmd_reports(args: argparse.Namespace) -> int:
    from dicom_node.config import load_config
    from reports.cli import reports_main

    return reports_main(load_config(args.config), as_json=args.json)


def _cmd_report(args: argparse.Namespace) -> int:
    from dicom_node.config import load_config
    from reports.cli import report_main

    return report_main(load_config(args.config), args.study_uid, args.report_json)


def _cmd_worklist(args: argparse.Namespace) -> int:
    from county.cli import worklist_main
    from dicom_node.config import load_config

    return worklist_main(load_config(args.config), as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tpacs", description="township-pacs: DICOM node, AI pre-annotation and viewer")
    p.add_argument("--version", action="version", version=f"tpacs {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    n = sub.add_parser("node", help="run the DICOM node (receive, AI, forward) until SIGINT/SIGTERM")
    n.add_argument("--config", type=Path)
    n.add_argument("--storage", type=Path, help="archive folder (files + SQLite index)")
    n.add_argument("--port", type=int)
    n.add_argument("--aet", help="the node's AE title")
    n.set_defaults(func=_cmd_node)

    v = sub.add_parser("view", help="open the workstation viewer")
    v.add_argument("--config", type=Path)
    v.add_argument("path", nargs="?", type=Path, help="a folder of DICOM files or a storage folder")
    v.add_argument("--screenshot", type=Path, help="draw PATH, write the window to this PNG and exit")
    v.add_argument("--lang", choices=["zh_CN", "en"], help="user interface language")
    v.set_defaults(func=_cmd_view)

    d = sub.add_parser("detect", help="run the lung-nodule model on the CT series in PATH")
    d.add_argument("path", type=Path)
    d.add_argument("--json", type=Path, help="write the findings JSON here instead of stdout")
    d.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    d.add_argument("--model", type=Path, help="a model folder (card + weights) instead of the shipped model")
    d.set_defaults(func=_cmd_detect)

    ph = sub.add_parser("phantom", help="write a synthetic study with known nodules")
    ph.add_argument("outdir", type=Path)
    ph.add_argument("--seed", type=int, default=0)
    ph.add_argument("--modality", choices=["CT", "DX", "ct", "dx"], default="CT")
    ph.add_argument("--slices", type=int, default=240)
    ph.add_argument("--thickness", type=float, default=1.25, help="slice thickness and spacing in mm")
    ph.add_argument("--rows", type=int, default=512)
    ph.add_argument("--nodules", type=int, help="number of nodules (default: 3-6 from the seed)")
    ph.add_argument("--patient-name", help="DICOM PN, e.g. 王^小明 (default: from the seed)")
    ph.add_argument("--patient-id")
    ph.add_argument("--charset", default="GB18030", help="Specific Character Set (GB18030, GBK, ISO_IR 192)")
    ph.set_defaults(func=_cmd_phantom)

    j = sub.add_parser("jobs", help="list forwarding and AI jobs, or requeue one")
    j.add_argument("--config", type=Path)
    j.add_argument("--storage", type=Path)
    j.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    j.add_argument("job_id", nargs="?", type=int)
    j.set_defaults(func=_cmd_jobs)

    r = sub.add_parser("report", help="file a report for a study on the county PACS, as the editor would")
    r.add_argument("study_uid")
    r.add_argument("--from", dest="report_json", type=Path, required=True, help="REPORT.json (DESIGN.md)")
    r.add_argument("--config", type=Path)
    r.set_defaults(func=_cmd_report)

    rs = sub.add_parser("reports", help="the reports received from the county (township)")
    rs.add_argument("--config", type=Path)
    rs.add_argument("--json", action="store_true", help="print JSON (DESIGN.md)")
    rs.set_defaults(func=_cmd_reports)

    w = sub.add_parser("worklist", help="the county worklist (county reading station), in reading order")
    w.add_argument("--config", type=Path)
    w.add_argument("--json", action="store_true", help="JSON: {\"studies\": [...]} (UTF-8, ISO 8601 times)")
    w.set_defaults(func=_cmd_worklist)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error for the user; details with -v
        from dicom_node.config import ConfigError
        from dicom_node.schema import SchemaError

        if isinstance(exc, (ConfigError, SchemaError, FileNotFoundError, ValueError)) and not args.verbose:
            print(f"tpacs: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
