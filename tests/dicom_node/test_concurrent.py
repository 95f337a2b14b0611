"""Four real storescu processes at once, 240 slices each, into one running node: nothing lost."""
from __future__ import annotations

import shutil
import subprocess

import pydicom

from dicom_node.archive import split_file
from tests.conftest import dicom_files
from tests.node_helpers import copy_with_new_uids, running_node

STORESCU = shutil.which("storescu") or "storescu"


def test_four_senders_at_once(tmp_path, ct_phantom_240):
    src = dicom_files(ct_phantom_240)
    copies = [copy_with_new_uids(src, tmp_path / f"copy{k}", k) for k in (1, 2, 3, 4)]
    with running_node(tmp_path / "node", config={"stability": {"quiet_seconds": 300}}) as node:
        procs = [subprocess.Popen([STORESCU, "-aet", f"MOBILE_{k}", "-aec", node.aet, "127.0.0.1", str(node.port),
                                   *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for k, files in enumerate(copies)]
        outs = [p.communicate(timeout=600)[0] for p in procs]
        for p, out in zip(procs, outs):
            assert p.returncode == 0 and "Failed" not in out, out[-2000:]
        archive = node.archive()
        assert len(archive.instances()) == 960
        studies = archive.studies()
        assert len(studies) == 4 and all(s.num_instances == 240 for s in studies)
        assert sorted(s.calling_ae for s in studies) == ["MOBILE_0", "MOBILE_1", "MOBILE_2", "MOBILE_3"]
        for files in copies:
            for f in files:
                data = f.read_bytes()
                rec = archive.instance(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID)
                stored = rec.path.read_bytes()
                assert stored[split_file(stored)[1]:] == data[split_file(data)[1]:]
        assert list((node.storage / "tmp").iterdir()) == []
