"""Study browser benchmark (run on demand, not in the test suite).

    python benchmarks/bench_browser.py [--studies 2000] [--repeat 5]

Fills a township-pacs archive and a real Orthanc (the peer, started on free loopback ports) with the same
N small studies (one 16x16 DX image each; GB18030 Chinese names; dates over two years), then times, side
by side on the same studies in the same run:
- listing every study with the browser's columns: tpacs `query_studies` + `study_row` against Orthanc's
  REST `/tools/find` (Level Study, Expand) — what a worklist asks either of them for;
- a name search for one surname: tpacs (substring in any script) against Orthanc `PatientName=*王*`;
- the browser's idle 2-second poll (one `PRAGMA data_version`), its refresh after a commit and its first
  fill (Qt model, offscreen), which have no peer and are printed for scale.
Medians of --repeat runs. Absolute times are noisy on a shared machine; the ratios are what to track.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳英敏静丽强磊军洋勇艳杰娟涛明超兰霞平"


def make_study(i: int):
    import numpy as np
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SpecificCharacterSet = "GB18030"
    ds.PatientName = f"{SURNAMES[i % len(SURNAMES)]}^{GIVEN[(i * 7) % len(GIVEN)]}{GIVEN[(i * 3) % len(GIVEN)]}"
    ds.PatientID = f"BR{i:06d}"
    ds.PatientBirthDate = f"{1940 + i % 60}0101"
    ds.PatientSex = "MF"[i % 2]
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.StudyDate = (np.datetime64("2024-01-01") + np.timedelta64(i % 730, "D")).astype(str).replace("-", "")
    ds.StudyTime = "101500"
    ds.StudyDescription = "胸部正位"
    ds.AccessionNumber = f"A{i:06d}"
    ds.Modality = "DX"
    ds.SeriesNumber = ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 16
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelData = (np.arange(256, dtype=np.uint16) * i % 4096).astype(np.uint16).tobytes()
    return ds


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from pydicom.filebase import DicomBytesIO
    import pydicom

    from dicom_node.archive import Archive
    from tests.orthanc_helpers import running_orthanc
    from viewer.logic.worklist import IndexWatch, StudyFilter, query_studies, study_row

    n = args.studies
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        arch = Archive(tmp / "storage")
        blobs = []
        t = time.perf_counter()
        for i in range(n):
            ds = make_study(i)
            buf = DicomBytesIO()
            pydicom.dcmwrite(buf, ds, enforce_file_format=True)
            blobs.append(buf.getvalue())
            arch.add_file(ds)
        fill_tpacs = time.perf_counter() - t
        with running_orthanc(tmp) as orthanc:
            t = time.perf_counter()
            for b in blobs:
                orthanc.rest("/instances", method="POST", data=b, headers={"Content-Type": "application/dicom"})
            fill_orthanc = time.perf_counter() - t
            assert orthanc.rest("/statistics")["CountStudies"] == n

            def ours_all():
                return [study_row(r) for r in query_studies(arch, StudyFilter(), limit=n)]

            def peer_all():
                body = json.dumps({"Level": "Study", "Query": {}, "Expand": True, "Limit": n}).encode()
                return orthanc.rest("/tools/find", method="POST", data=body)

            def ours_search():
                return query_studies(arch, StudyFilter(text="王"), limit=n)

            def peer_search():
                body = json.dumps({"Level": "Study", "Query": {"PatientName": "*王*"}, "Expand": True,
                                   "Limit": n}).encode()
                return orthanc.rest("/tools/find", method="POST", data=body)

            t_ours, rows = median_time(ours_all, args.repeat)
            t_peer, found = median_time(peer_all, args.repeat)
            assert len(rows) == n and len(found) == n, (len(rows), len(found))
            s_ours, hits = median_time(ours_search, args.repeat)
            s_peer, peer_hits = median_time(peer_search, args.repeat)

        watch = IndexWatch(arch)
        watch.changed()
        t_idle, _ = median_time(watch.changed, max(args.repeat, 20))

        from PySide6.QtWidgets import QApplication

        from viewer.browser import BrowserWidget

        app = QApplication.instance() or QApplication(["bench"])
        t = time.perf_counter()
        w = BrowserWidget(arch, {"viewer": {"browser_limit": n}})  # first fill: model reset + column sizing
        t_first = time.perf_counter() - t
        t_refresh, _ = median_time(w.refresh, args.repeat)
        w.timer.stop()
        del app

    print(f"{n} studies (one DX image each); fill: tpacs archive {fill_tpacs:.1f} s, Orthanc REST {fill_orthanc:.1f} s")
    print(f"list all studies with browser columns: tpacs {t_ours * 1000:.0f} ms, "
          f"Orthanc /tools/find {t_peer * 1000:.0f} ms  (tpacs/Orthanc = {t_ours / t_peer:.2f})")
    print(f"search surname 王 ({len(hits)} hits; Orthanc {len(peer_hits)}): tpacs {s_ours * 1000:.0f} ms, "
          f"Orthanc {s_peer * 1000:.0f} ms  (ratio {s_ours / s_peer:.2f})")
    print(f"browser idle poll (PRAGMA data_version): {t_idle * 1e6:.0f} us; after a commit (query + {n} rows): "
          f"{t_refresh * 1000:.0f} ms; first fill (+ model reset, column sizing): {t_first * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
