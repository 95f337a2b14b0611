"""The county worklist of 5,000 studies: first screen and whole list, over QIDO-RS and over C-FIND, beside
Orthanc's own REST listing of the same studies, in one run.

    python benchmarks/bench_worklist.py [--studies 5000] [--ai-every 5] [--repeat 3]

One Orthanc (with DICOMweb) is filled with small studies of two townships (one 32x32 image each; every
`--ai-every`-th is a CT with a township AI SR, TID 1500) before timing (not timed). Then, per protocol:
  first screen, cold  Worklist.refresh(read_srs=False) on an empty cache: every study, ordered, with what
                      the queries say (what the station draws at once)
  whole list, cold    Worklist.refresh() on an empty cache: also reads every AI SR, the series (township)
                      and the sending AE, and keeps them
  first screen/whole list, warm: the same with the cache filled (every later refresh)
  station start       Worklist.load_last(): the last complete list, shown before any query answers
  Orthanc REST        GET /studies?expand (Orthanc's own listing, main tags of every study)
Medians of --repeat runs (cold runs start from a fresh cache each time). Target: first screen <= 1 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.county.helpers import county_pacs, send, station_cfg  # noqa: E402
from _orthanc import use_private_orthanc  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def make_studies(folder: Path, n: int, ai_every: int) -> list[Path]:
    """n one-image studies (CT with an AI SR every ai_every-th, else DX), two townships, Chinese names."""
    import numpy as np
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    from dicom_objects.ai_results import write_results
    from ai_models.findings import Finding, FindingsReport, ModelInfo
    from ai_models.phantom import write_phantom

    folder.mkdir(parents=True, exist_ok=True)
    tpl_dir = folder / "template"
    write_phantom(tpl_dir, seed=1, modality="CT", slices=2, thickness_mm=5.0, rows=32, n_nodules=1)
    tpls = [pydicom.dcmread(p) for p in sorted(tpl_dir.glob("*.dcm"))]
    for tpl in tpls:
        tpl.PixelData = np.zeros((32, 32), dtype=np.int16).tobytes()
        tpl.Rows = tpl.Columns = 32
        tpl.SpecificCharacterSet = "ISO_IR 192"
    files = []
    base = dt.datetime(2026, 1, 1, 8, 0)
    model = ModelInfo("tpacs-lung-nodule", "0.3", "synthetic phantoms")
    cats = [4.0, 7.0, 10.0, 16.0]
    for i in range(n):
        ct = i % ai_every == 0
        study, series, frame = generate_uid(), generate_uid(), generate_uid()
        when = base + dt.timedelta(minutes=i)
        slices = []
        for k, tpl in enumerate(tpls if ct else tpls[:1]):
            ds = tpl.copy()
            ds.file_meta = FileMetaDataset(tpl.file_meta)
            ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
            ds.PatientName = f"{SURNAMES[i % 20]}^{GIVEN[(i // 20) % 20]}"
            ds.PatientID = f"BW{i:06d}"
            ds.StudyDate = ds.SeriesDate = ds.ContentDate = when.strftime("%Y%m%d")
            ds.StudyTime = ds.SeriesTime = ds.ContentTime = when.strftime("%H%M%S")
            ds.InstitutionName = "东岗镇卫生院" if i % 2 else "西山乡卫生院"
            if not ct:
                ds.Modality = "DX"
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            p = folder / f"s{i:05d}_{k}.dcm"
            ds.save_as(p, enforce_file_format=True)
            files.append(p)
            slices.append(ds)
        if ct:  # the SR is made on both slices; one image is enough for the listing
            files.pop()
            z = float(slices[0].ImagePositionPatient[2])
            f = Finding(center_lps_mm=(0.0, 0.0, z), diameter_mm=cats[(i // ai_every) % 4], volume_mm3=100.0,
                        score=0.9, kind="solid")
            sr = write_results(FindingsReport(study, series, model, [f]), slices)[0]
            q = folder / f"s{i:05d}_sr.dcm"
            sr.save_as(q, enforce_file_format=True)
            files.append(q)
    shutil.rmtree(tpl_dir)
    return files


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--studies", type=int, default=5000)
    ap.add_argument("--ai-every", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    use_private_orthanc()
    from county.worklist import Worklist

    work = Path(tempfile.mkdtemp(prefix="tpacs-bench-worklist-"))
    try:
        t0 = time.perf_counter()
        files = make_studies(work / "studies", args.studies, args.ai_every)
        print(f"made {args.studies} studies ({len(files)} files) in {time.perf_counter() - t0:.0f} s")
        with county_pacs(work, extra={"SyncStorageArea": False}) as county:
            t0 = time.perf_counter()
            for i in range(0, len(files), 500):
                try:
                    send(county, files[i:i + 500])
                except AssertionError as exc:  # a busy machine: Orthanc dropped the association; once more
                    print(f"storing again from file {i}: {str(exc).splitlines()[0]}")
                    send(county, files[i:i + 500])
            print(f"stored in Orthanc in {time.perf_counter() - t0:.0f} s")
            now = dt.datetime(2026, 1, 5, 8, 0).astimezone().timestamp()

            def worklist(kind: str, cache: Path) -> Worklist:
                cfg = station_cfg(county, kind)
                if kind == "dicom":
                    cfg["county"]["sources"][0]["orthanc_url"] = county.base_url
                cfg["county"].update({"worklist_days": 30, "cache_dir": str(cache), "claims_dir": str(work / "cl")})
                return Worklist(cfg, clock=lambda: now)

            times: dict[str, list[float]] = {}

            def timed(name, fn):
                t = time.perf_counter()
                out = fn()
                times.setdefault(name, []).append(time.perf_counter() - t)
                return out

            for r in range(args.repeat):
                timed("Orthanc REST /studies?expand", lambda: county.rest("/studies?expand", timeout=600))
                for kind, label in (("dicomweb", "QIDO-RS"), ("dicom", "C-FIND")):
                    cache = work / f"cache-{kind}-{r}"
                    wl = worklist(kind, cache)
                    rows = timed(f"{label} first screen, cold", lambda: wl.refresh(read_srs=False))
                    assert len(rows) == args.studies, (len(rows), wl.errors)
                    rows = timed(f"{label} whole list, cold", lambda: wl.refresh())
                    assert sum(1 for x in rows if x.ai_findings) == (args.studies + args.ai_every - 1) // args.ai_every
                    timed(f"{label} first screen, warm", lambda: wl.refresh(read_srs=False))
                    timed(f"{label} whole list, warm", lambda: wl.refresh())
                    wl.close()
                    again = worklist(kind, cache)  # the station starts again: the last list, before any query
                    timed(f"{label} station start (last list)", lambda: again.load_last())
                    assert len(again.rows) == args.studies
                    again.close()
            print(f"worklist of {args.studies} studies (median of {args.repeat}; first screen target <= 1 s):")
            rest = statistics.median(times["Orthanc REST /studies?expand"])
            for name, v in times.items():
                m = statistics.median(v)
                print(f"  {name:32s} {m:7.2f} s  ({m / rest:5.2f} x Orthanc REST)   runs: "
                      + ", ".join(f"{x:.2f}" for x in v))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
