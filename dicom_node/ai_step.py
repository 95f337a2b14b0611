"""The node's AI step, run by the pipeline as a worker process (so the node keeps receiving):

    python -m dicom_node.ai_step --storage DIR --study UID [--config FILE|-] [--device auto|cpu|cuda]
                                 [--model NAME|PATH] [--min-score S]

The node passes its own configuration as JSON on stdin (`--config -`): `[ai] model` (a folder, or a
model's name found under `[ai] user_models_dir`), `device` and `min_score` are then read from it, the
same way `tpacs detect` reads them; a flag given on the command line wins.

Reads the study's CT series from the archive, runs the lung-nodule detector, stores an SR, a SEG and a
GSPS as new series of the same study (`Archive.add_file`) and prints one JSON line
`{"n_findings": N, "written": ["<sop uid>", ...]}` on stdout. On failure it prints a one-line reason
on stderr and exits non-zero:

  2  bad arguments, or the study is not in the archive
  3  the study has no CT series the model can read (none, tilted, irregular, too few slices, ...)
  4  the detector failed (or is not installed)
  5  the results could not be written to the archive
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_BAD_INPUT, EXIT_NO_SERIES, EXIT_DETECT, EXIT_WRITE = 2, 3, 4, 5
CT_SOP_CLASSES = {"1.2.840.10008.5.1.4.1.1.2"}


class StepError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def _ct_series_candidates(archive, study_uid: str) -> list:
    """CT series of the study, largest first (a scout or a dose page is smaller than the volume)."""
    series = [s for s in archive.series(study_uid) if (s.modality or "").upper() == "CT"]
    return sorted(series, key=lambda s: s.num_instances, reverse=True)


def pick_series(archive, study_uid: str):
    """(series record, file paths, header datasets) of the first CT series that forms a usable volume."""
    import pydicom

    from ai_models.series import SeriesError, sort_and_check

    candidates = _ct_series_candidates(archive, study_uid)
    if not candidates:
        mods = sorted({s.modality for s in archive.series(study_uid)})
        raise StepError(EXIT_NO_SERIES, f"study {study_uid} has no CT series (modalities: {', '.join(mods) or 'none'})")
    reasons = []
    for s in candidates:
        insts = [i for i in archive.instances(series_uid=s.series_uid) if i.sop_class_uid in CT_SOP_CLASSES]
        paths = [Path(i.path) for i in insts]
        try:
            headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in paths]
            sort_and_check(headers)
        except SeriesError as exc:
            reasons.append(f"series {s.series_number or s.series_uid} ({len(paths)} images): {exc}")
            continue
        except (OSError, pydicom.errors.InvalidDicomError) as exc:
            reasons.append(f"series {s.series_number or s.series_uid}: unreadable file: {exc}")
            continue
        return s, paths, headers
    raise StepError(EXIT_NO_SERIES, "no usable CT series: " + "; ".join(reasons))


def keep_reportable(report, masks, min_score: float):
    """Drop findings scored below min_score (and their masks): the detector returns low-score candidates
    for FROC evaluation, but a reader should not get a circle for each of them. min_score 0: the model's
    own operating point (its card's operating_score, carried in the report)."""
    if min_score <= 0:
        min_score = getattr(report, "operating_score", 0.0)
    keep = [i for i, f in enumerate(report.findings) if f.score >= min_score]
    if len(keep) == len(report.findings):
        return report, masks
    if masks is not None:
        import numpy as np

        relabelled = np.zeros_like(masks)
        for new, old in enumerate(keep, start=1):  # label k+1 is finding k
            relabelled[masks == old + 1] = new
        masks = relabelled
    report.findings = [report.findings[i] for i in keep]
    return report, masks


def run(storage: str | Path, study_uid: str, device: str = "auto", model: str | None = None,
        source_ae: str = "TPACS", min_score: float = 0.0, cfg: dict | None = None) -> dict:
    """Detect on the study's CT and store the results. `cfg`: the node's configuration (model lookup)."""
    from dicom_node.archive import Archive

    storage = Path(storage)
    if not (storage / "index.sqlite").is_file():
        raise StepError(EXIT_BAD_INPUT, f"no archive at {storage} (index.sqlite missing)")
    archive = Archive(storage)
    try:
        if archive.study(study_uid) is None:
            raise StepError(EXIT_BAD_INPUT, f"study {study_uid} is not in the archive at {storage}")
        series, paths, headers = pick_series(archive, study_uid)
        try:
            from ai_models.detect import detect_series
        except ImportError as exc:
            raise StepError(EXIT_DETECT, f"the lung-nodule detector is not available: {exc}") from exc
        import inspect

        try:
            if "with_masks" in inspect.signature(detect_series).parameters:
                # The detector's own masks: a label volume on the geometry-sorted grid.
                report, masks = detect_series(paths, device=device, model=model, with_masks=True, cfg=cfg)
            else:
                report, masks = detect_series(paths, device=device, model=model, cfg=cfg), None
        except Exception as exc:  # the detector's own message says what went wrong
            from ai_models.series import SeriesError

            code = EXIT_NO_SERIES if isinstance(exc, SeriesError) else EXIT_DETECT
            raise StepError(code, f"detection failed on series {series.series_uid}: "
                                  f"{type(exc).__name__}: {exc}") from exc
        if report.status != "ok":
            # Outside what the model reads (e.g. 8 mm slices): no findings and no result objects; the
            # study's AI state says why in words.
            return {"n_findings": 0, "written": [], "status": report.status, "reason": report.reason,
                    "message": report.message, "slice_thickness_mm": report.slice_thickness_mm}
        report, masks = keep_reportable(report, masks, min_score)
        try:
            from dicom_objects.ai_results import write_results

            # Same study + series + model: same UIDs, so a re-run after a crash adds no second result set.
            seed = "|".join([study_uid, series.series_uid, report.model.name, report.model.version])
            objects = write_results(report, headers, masks=masks, uid_seed=seed)
            written = []
            for ds in objects:
                archive.add_file(ds, source_ae=source_ae)
                written.append(str(ds.SOPInstanceUID))
        except Exception as exc:
            raise StepError(EXIT_WRITE, f"could not store the AI results: {type(exc).__name__}: {exc}") from exc
        return {"n_findings": len(report.findings), "written": written}
    finally:
        close = getattr(archive, "close", None)
        if close is not None:
            close()


def _config(source: str | None) -> dict:
    """The configuration: JSON on stdin ("-", what the node sends), a TOML file, or the user's."""
    from dicom_node.config import load_config, validate_config

    if source == "-":
        cfg = json.loads(sys.stdin.read())
        validate_config(cfg)
        return cfg
    return load_config(source)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dicom_node.ai_step",
                                description="run the lung-nodule model on a stored study and store SR/SEG/GSPS")
    p.add_argument("--storage", required=True, help="the node's storage folder (holds index.sqlite)")
    p.add_argument("--study", required=True, help="Study Instance UID")
    p.add_argument("--config", help="the node's configuration: a TOML file, or - for JSON on stdin "
                                    "(default: the user's configuration)")
    p.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    p.add_argument("--model", default=None, help="a model folder, or a model's name under [ai] user_models_dir "
                                                 "(default: the config's [ai] model, else the shipped model)")
    p.add_argument("--source-ae", default="TPACS", help="AE title recorded as the source of the stored results")
    p.add_argument("--min-score", type=float, default=None,
                   help="store only findings scored at least this (0..1); default: the config's ai.min_score")
    args = p.parse_args(argv)
    try:
        cfg = _config(args.config)
    except (ValueError, OSError) as exc:
        print(f"ai_step: bad configuration: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    ai = cfg.get("ai", {})
    device = args.device or str(ai.get("device", "auto"))
    min_score = args.min_score if args.min_score is not None else float(ai.get("min_score", 0.0))
    try:
        result = run(args.storage, args.study, device=device, model=args.model or None,
                     source_ae=args.source_ae, min_score=min_score, cfg=cfg)
    except StepError as exc:
        print(f"ai_step: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # a bug or an archive fault: the traceback, then one line that says what failed
        import traceback

        traceback.print_exc()
        # Last, because the pipeline records the last stderr line as the study's failure reason.
        print(f"ai_step: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
