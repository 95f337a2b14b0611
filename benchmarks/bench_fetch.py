"""Fetching a 300-slice CT from a real Orthanc: tpacs beside DCMTK getscu and beside a bare dicomweb-client.

    python benchmarks/bench_fetch.py [--slices 300] [--repeat 3]

One Orthanc (with DICOMweb) holds the CT; in one run of this script each client fetches the whole study
into a fresh folder, `--repeat` times, alternating:
  tpacs C-GET   dicom_node.sources.DimseSource.fetch_study   vs  getscu (DCMTK) -S STUDY
  tpacs WADO-RS dicom_node.sources.DicomwebSource.fetch_study vs  dicomweb-client retrieve_study + save_as
The median wall times and the ratios tpacs / peer are printed (target <= 1.0). The phantom is written
once to the temp folder (not timed).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.county.helpers import county_pacs, send, station_cfg  # noqa: E402
from _orthanc import use_private_orthanc  # noqa: E402

GETSCU = next((p for p in ("/usr/bin/getscu", "/usr/local/bin/getscu") if Path(p).is_file()), "getscu")


def phantom(slices: int) -> Path:
    from ai_models.phantom import write_phantom

    out = Path(tempfile.gettempdir()) / f"tpacs-bench-fetch-ct{slices}"
    if not (out / "ground_truth.json").is_file():
        shutil.rmtree(out, ignore_errors=True)
        write_phantom(out, seed=300, modality="CT", slices=slices, thickness_mm=1.0)
    return out


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--slices", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    use_private_orthanc()
    files = sorted(phantom(args.slices).glob("*.dcm"))
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    work = Path(tempfile.mkdtemp(prefix="tpacs-bench-fetch-"))
    from dicom_node.sources import source_from_entry

    try:
        with county_pacs(work) as county:
            send(county, files)
            cfg_dimse = station_cfg(county, "dicom")
            cfg_web = station_cfg(county, "dicomweb")
            dimse = source_from_entry(cfg_dimse["county"]["sources"][0], cfg_dimse)
            web = source_from_entry(cfg_web["county"]["sources"][0], cfg_web)
            study = dimse.find_studies()[0].study_uid
            from dicomweb_client.api import DICOMwebClient

            bare = DICOMwebClient(f"{county.base_url}/dicom-web")
            times: dict[str, list[float]] = {k: [] for k in ("tpacs C-GET", "getscu", "tpacs WADO-RS",
                                                              "dicomweb-client")}

            def fresh(name: str) -> Path:
                d = work / name
                shutil.rmtree(d, ignore_errors=True)
                d.mkdir()
                return d

            def getscu():
                d = fresh("getscu")
                r = subprocess.run([GETSCU, "-S", "-aet", "READING1", "-aec", county.aet, "-od", str(d),
                                    "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={study}",
                                    "127.0.0.1", str(county.dicom_port)], capture_output=True, text=True)
                assert r.returncode == 0 and len(list(d.iterdir())) == len(files), r.stderr[-500:]

            def tpacs_get():
                r = dimse.fetch_study(study, fresh("tpacs-get"))
                assert len(r.fetched) == len(files)

            def tpacs_wado():
                r = web.fetch_study(study, fresh("tpacs-wado"))
                assert len(r.fetched) == len(files)

            def bare_client():
                d = fresh("bare")
                n = 0
                for ds in bare.iter_study(study):
                    ds.save_as(d / f"{ds.SOPInstanceUID}.dcm", enforce_file_format=True)
                    n += 1
                assert n == len(files)

            for _ in range(args.repeat):
                for name, fn in (("getscu", getscu), ("tpacs C-GET", tpacs_get), ("dicomweb-client", bare_client),
                                 ("tpacs WADO-RS", tpacs_wado)):
                    times[name].append(timed(fn))
            med = {k: statistics.median(v) for k, v in times.items()}
            print(f"fetch a {len(files)}-slice CT ({size_mb:.0f} MB) from Orthanc, median of {args.repeat}:")
            for k, v in med.items():
                print(f"  {k:16s} {v:6.2f} s   (runs: {', '.join(f'{x:.2f}' for x in times[k])})")
            print(f"  ratio tpacs C-GET / getscu            = {med['tpacs C-GET'] / med['getscu']:.2f}  (target <= 1.0)")
            print(f"  ratio tpacs WADO-RS / dicomweb-client = {med['tpacs WADO-RS'] / med['dicomweb-client']:.2f}"
                  "  (target <= 1.0)")
            dimse.close()
            web.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
