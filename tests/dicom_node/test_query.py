"""Query/retrieve against a running `tpacs node`, driven by the real DCMTK tools.

One node per module: storescu sends a 40-slice phantom CT (GB18030 Chinese patient name) and two
real JPEG 2000 lossless CR images from pydicom-data; findscu, movescu and getscu then play the
county doctor's workstation.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pydicom
import pytest

from tests.conftest import dicom_files, free_port, ground_truth, pydicom_data
from tests.node_helpers import running_node

pytestmark = pytest.mark.slow

CR_FILES = ("RG1_J2KR.dcm", "RG3_J2KR.dcm")
MOVE_AET = "DOCTOR_WS"
TIMEOUT = 120


def run(args: list, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) if not isinstance(a, bytes) else a for a in args], cwd=cwd,
                          capture_output=True, timeout=TIMEOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args[0]} exited {proc.returncode}:\n{proc.stdout.decode(errors='replace')}\n"
                             f"{proc.stderr.decode(errors='replace')}")
    return proc


def dataset_bytes(path: Path) -> bytes:
    """The data set bytes after the File Meta group (the meta is each writer's own)."""
    from pynetdicom.dsutils import split_dataset

    _, offset = split_dataset(Path(path))
    return Path(path).read_bytes()[offset:]


@pytest.fixture(scope="module")
def cr_files() -> list[Path]:
    return [pydicom_data(n) for n in CR_FILES]


@pytest.fixture(scope="module")
def qr_node(tmp_path_factory, ct_phantom_small, cr_files):
    """A node holding the phantom CT and the CR images, sent by storescu; movescu's port configured."""
    move_port = free_port()
    folder = tmp_path_factory.mktemp("qrnode")
    # DCMTK's tools call as STORESCU, FINDSCU, GETSCU, MOVESCU: each listed with the rights it needs
    peers = [{"ae_title": "STORESCU", "host": "127.0.0.1", "rights": ["store"]},
             {"ae_title": "FINDSCU", "host": "127.0.0.1", "rights": ["find"]},
             {"ae_title": "GETSCU", "host": "127.0.0.1", "rights": ["get"]},
             {"ae_title": "MOVESCU", "host": "127.0.0.1", "rights": ["move"]},
             {"ae_title": MOVE_AET, "host": "127.0.0.1", "rights": ["find", "move"]},
             {"ae_title": "ECHOSCU", "host": "127.0.0.1", "rights": []}]
    cfg = {"move_destinations": {MOVE_AET: {"host": "127.0.0.1", "port": move_port}},
           "node": {"allowed_peers": peers}}
    with running_node(folder, config=cfg) as node:
        node.move_port = move_port
        ct = dicom_files(ct_phantom_small)
        run(["storescu", "-aec", node.aet, "127.0.0.1", node.port, *ct])
        # -xv: propose JPEG 2000 lossless, the files' own syntax, as a CR unit would
        run(["storescu", "-aec", node.aet, "-xv", "127.0.0.1", node.port, *cr_files])
        archive = node.archive()
        assert len(archive.instances()) == len(ct) + len(cr_files)
        yield node


def findscu(node, tmp_path: Path, keys: list, model: str = "-S") -> list[pydicom.Dataset]:
    out = tmp_path / f"find{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    args = ["findscu", model, "-aec", node.aet, "-X", "-od", out]
    for k in keys:
        args += ["-k", k]
    run(args + ["127.0.0.1", node.port])
    return [pydicom.dcmread(p) for p in sorted(out.glob("rsp*.dcm"))]


def test_findscu_finds_the_patient_by_chinese_name(qr_node, tmp_path, ct_phantom_small):
    truth = ground_truth(ct_phantom_small)
    name = truth["patient_name"]  # e.g. "王^伟", stored as GB18030
    surname = name.split("^")[0]
    # a UTF-8 query with a wildcard
    rsps = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=STUDY", "(0008,0005)=ISO_IR 192",
                                       f"PatientName={surname}*", "PatientID", "StudyInstanceUID",
                                       "NumberOfStudyRelatedInstances", "ModalitiesInStudy"])
    assert len(rsps) == 1
    rsp = rsps[0]
    assert rsp.SpecificCharacterSet == "ISO_IR 192"
    assert str(rsp.PatientName) == name
    assert name.encode("utf-8") in Path(rsp.filename).read_bytes()  # the bytes findscu got: UTF-8
    assert rsp.PatientID == truth["patient_id"]
    assert int(rsp.NumberOfStudyRelatedInstances) == len(dicom_files(ct_phantom_small))
    assert rsp.ModalitiesInStudy == "CT"
    # the exact name, sent as GB18030 bytes the way a Chinese-language workstation would
    rsps = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=PATIENT", "(0008,0005)=GB18030",
                                       b"PatientName=" + name.encode("gb18030"), "PatientID",
                                       "NumberOfPatientRelatedStudies"], model="-P")
    assert [str(r.PatientName) for r in rsps] == [name]
    assert int(rsps[0].NumberOfPatientRelatedStudies) == 1
    # a name that is not there
    assert findscu(qr_node, tmp_path, ["QueryRetrieveLevel=STUDY", "(0008,0005)=ISO_IR 192",
                                       "PatientName=李^无此人", "StudyInstanceUID"]) == []


def test_findscu_series_and_image_levels_and_matching(qr_node, tmp_path, ct_phantom_small, cr_files):
    truth = ground_truth(ct_phantom_small)
    study = truth["study_uid"]
    series = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=SERIES", f"StudyInstanceUID={study}",
                                         "SeriesInstanceUID", "Modality", "NumberOfSeriesRelatedInstances"])
    assert [(s.Modality, int(s.NumberOfSeriesRelatedInstances)) for s in series] == [
        ("CT", len(dicom_files(ct_phantom_small)))]
    images = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=IMAGE", f"StudyInstanceUID={study}",
                                         f"SeriesInstanceUID={series[0].SeriesInstanceUID}", "SOPInstanceUID",
                                         "InstanceNumber", "SliceLocation"])
    sent = {pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID for f in dicom_files(ct_phantom_small)}
    assert {i.SOPInstanceUID for i in images} == sent
    assert all("SliceLocation" in i and i.SliceLocation is not None for i in images)  # read from the file
    # wildcard matching across studies: the two CR images (two studies) and not the CT
    cr = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=SERIES", "Modality=?R", "SeriesInstanceUID",
                                     "NumberOfSeriesRelatedInstances"])
    assert [s.Modality for s in cr] == ["CR", "CR"]
    assert sum(int(s.NumberOfSeriesRelatedInstances) for s in cr) == len(cr_files)
    # date ranges
    date = pydicom.dcmread(dicom_files(ct_phantom_small)[0], stop_before_pixels=True).StudyDate
    hit = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=STUDY", f"StudyDate={date}-", "StudyInstanceUID"])
    assert study in {r.StudyInstanceUID for r in hit}
    year = int(date[:4])
    miss = findscu(qr_node, tmp_path, ["QueryRetrieveLevel=STUDY", f"StudyDate={year - 3}0101-{year - 2}1231",
                                       "StudyInstanceUID"])
    assert study not in {r.StudyInstanceUID for r in miss}


def test_movescu_retrieves_byte_identical(qr_node, tmp_path, ct_phantom_small, cr_files):
    ct = dicom_files(ct_phantom_small)
    out = tmp_path / "moved"
    out.mkdir()
    studies = {pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID for f in [ct[0], *cr_files]}
    for study in sorted(studies):
        run(["movescu", "-S", "-aec", qr_node.aet, "-aet", MOVE_AET, "-aem", MOVE_AET, "+P", qr_node.move_port,
             "+xa", "+B", "-od", out, "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={study}",
             "127.0.0.1", qr_node.port], cwd=out)  # +B writes into the working folder, whatever -od says
    _assert_identical(qr_node, out, [*ct, *cr_files], same_as_file=ct)


def test_getscu_retrieves_byte_identical(qr_node, tmp_path, ct_phantom_small, cr_files):
    ct = dicom_files(ct_phantom_small)
    ct_study = pydicom.dcmread(ct[0], stop_before_pixels=True).StudyInstanceUID
    cr_studies = sorted({pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID for f in cr_files})
    out = tmp_path / "got"
    out.mkdir()
    run(["getscu", "-S", "-aec", qr_node.aet, "+B", "-od", out, "-k", "QueryRetrieveLevel=STUDY",
         "-k", f"StudyInstanceUID={ct_study}", "127.0.0.1", qr_node.port], cwd=out)
    for study in cr_studies:  # getscu proposes one context per SOP class: +xv puts JPEG 2000 in it
        run(["getscu", "-S", "-aec", qr_node.aet, "+xv", "+B", "-od", out, "-k", "QueryRetrieveLevel=STUDY",
             "-k", f"StudyInstanceUID={study}", "127.0.0.1", qr_node.port], cwd=out)
    _assert_identical(qr_node, out, [*ct, *cr_files], same_as_file=ct)
    assert "sent decompressed" not in qr_node.log_text()


@pytest.mark.parametrize("tool", ["getscu", "movescu"])
def test_a_peer_that_accepts_only_uncompressed_gets_decompressed_pixels(qr_node, tmp_path, cr_files, tool):
    """getscu proposing only uncompressed syntaxes gets explicit VR LE; a movescu destination that
    accepts implicit VR LE only (+xi) gets exactly that. Both: the same pixels as the JPEG 2000 original."""
    src = cr_files[1]
    orig = pydicom.dcmread(src)
    out = tmp_path / "plain"
    out.mkdir()
    keys = ["-k", "QueryRetrieveLevel=IMAGE", "-k", f"StudyInstanceUID={orig.StudyInstanceUID}",
            "-k", f"SeriesInstanceUID={orig.SeriesInstanceUID}", "-k", f"SOPInstanceUID={orig.SOPInstanceUID}"]
    if tool == "getscu":
        run(["getscu", "-S", "-aec", qr_node.aet, "+B", "-od", out, *keys, "127.0.0.1", qr_node.port], cwd=out)
    else:
        run(["movescu", "-S", "-aec", qr_node.aet, "-aet", MOVE_AET, "-aem", MOVE_AET, "+P", qr_node.move_port,
             "+xi", "+B", "-od", out, *keys, "127.0.0.1", qr_node.port], cwd=out)
    got = [pydicom.dcmread(p) for p in out.iterdir()]
    assert len(got) == 1
    ts = got[0].file_meta.TransferSyntaxUID
    assert ts == ("1.2.840.10008.1.2.1" if tool == "getscu" else "1.2.840.10008.1.2")
    assert (got[0].pixel_array == orig.pixel_array).all()  # lossless: the same pixels


def test_move_to_an_unknown_destination_is_refused(qr_node, tmp_path, cr_files):
    study = pydicom.dcmread(cr_files[0], stop_before_pixels=True).StudyInstanceUID
    proc = run(["movescu", "-v", "-S", "-aec", qr_node.aet, "-aem", "NOBODY", "-k", "QueryRetrieveLevel=STUDY",
                "-k", f"StudyInstanceUID={study}", "127.0.0.1", qr_node.port], cwd=tmp_path, check=False)
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    assert "MoveDestinationUnknown" in text, text  # status 0xA801
    assert "unknown destination 'NOBODY'" in qr_node.log_text()


def _assert_identical(node, out: Path, sent: list[Path], same_as_file: list[Path] = ()) -> None:
    """Each retrieved data set is byte for byte what storescu put on the wire. (storescu re-encodes
    what it reads, e.g. undefined-length sequences get explicit lengths, so "what was sent" is the
    node's stored copy, whose bytes after our meta group are those received.) The pixel data, the
    JPEG 2000 code stream included, is also byte for byte that of the original file; for the phantom CT
    (nothing for storescu to re-encode) the whole data set is."""
    got = {pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID: p for p in out.iterdir()}
    assert len(got) == len(sent)
    stored = {i.sop_instance_uid: i for i in node.archive().instances()}
    for src in sent:
        orig = pydicom.dcmread(src)
        uid = orig.SOPInstanceUID
        assert uid in got, f"{src.name} not retrieved"
        assert dataset_bytes(got[uid]) == dataset_bytes(stored[uid].path), f"{src.name}: retrieved bytes differ"
        if src in same_as_file:  # storescu sent these files' bytes unchanged: so must the node
            assert dataset_bytes(got[uid]) == dataset_bytes(src), f"{src.name}: differs from the file sent"
        back = pydicom.dcmread(got[uid])
        assert back.file_meta.TransferSyntaxUID == orig.file_meta.TransferSyntaxUID
        assert back.get_item("PixelData").value == orig.get_item("PixelData").value


@pytest.mark.parametrize("keyword, stored, pattern, expected", [
    ("PatientName", "王^伟", "王*", True),
    ("PatientName", "Wang^Wei=王^伟", "王^伟", True),          # any component group
    ("PatientName", "王^伟", "Wang^Wei=王^伟=", True),
    ("PatientName", "wang^wei", "WANG^*", True),             # names: case-insensitive
    ("PatientName", "王^伟", "王^伟^^", True),                 # trailing empty components
    ("PatientName", "Wang^Wei", "Wang", False),              # single value matching is exact
    ("PatientID", "PH000040", "PH?????0", True),
    ("PatientID", "ph000040", "PH000040", False),            # other strings: case-sensitive
    ("StudyDate", "20260101", "20250101-20261231", True),
    ("StudyDate", "20260101", "-20251231", False),
    ("StudyDate", "20260101", "20260101-", True),
    ("StudyDate", "", "20260101-", False),
    ("StudyTime", "101010.123", "1000-1100", True),
    ("StudyTime", "111010", "1000-1100", False),
    ("ModalitiesInStudy", "CT\\SR", "SR", True),             # multi-valued stored value
    ("Modality", "CR", "CT\\MR", False),
    ("StudyInstanceUID", "1.2.3", "1.2\\1.2.3", True),       # UID list
    ("StudyInstanceUID", "1.2.3", "1.2.*", False),           # no wildcards for UIDs
    ("SeriesNumber", "2", "02", True),
])
def test_matching_rules(keyword, stored, pattern, expected):
    from dicom_node.query import match

    assert match(keyword, stored, pattern) is expected


@pytest.mark.real_data
def test_real_series_round_trip(qr_node, tmp_path, real_data):
    """Real vendor files (a GE chest CT slab, an NIH radiograph in implicit VR) go in with storescu and
    come back with movescu as they went in."""
    files = sorted((real_data / "lidc" / "LIDC-IDRI-0001").glob("*.dcm")) + sorted((real_data / "cxr_nih").glob("*.dcm"))
    assert files
    run(["storescu", "-aec", qr_node.aet, "127.0.0.1", qr_node.port, *files])
    studies = sorted({pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID for f in files})
    out = tmp_path / "real"
    out.mkdir()
    for study in studies:
        run(["movescu", "-S", "-aec", qr_node.aet, "-aet", MOVE_AET, "-aem", MOVE_AET, "+P", qr_node.move_port,
             "+xa", "+B", "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={study}",
             "127.0.0.1", qr_node.port], cwd=out)
    _assert_identical(qr_node, out, files)


def _find_study(node, tmp_path, aet: str) -> subprocess.CompletedProcess:
    return run(["findscu", "-S", "-aet", aet, "-aec", node.aet, "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID", "-k", "PatientName", "127.0.0.1", node.port], cwd=tmp_path, check=False)


def _get_study(node, tmp_path, aet: str, study_uid: str) -> subprocess.CompletedProcess:
    out = tmp_path / f"get_{aet}"
    out.mkdir()
    return run(["getscu", "-S", "-aet", aet, "-aec", node.aet, "-od", out, "-k", "QueryRetrieveLevel=STUDY", "-k",
                f"StudyInstanceUID={study_uid}", "127.0.0.1", node.port], cwd=out, check=False)


def test_shipped_default_stores_from_anyone_but_answers_no_query_or_retrieve(tmp_path, ct_phantom_small):
    """Issue 15.1: with the shipped empty allow-list an unknown peer's C-STORE is accepted, its C-FIND
    and C-GET are refused (no Query/Retrieve context is accepted) and nothing leaves the node."""
    files = dicom_files(ct_phantom_small)[:3]
    study_uid = ground_truth(ct_phantom_small)["study_uid"]
    with running_node(tmp_path / "node") as node:
        run(["storescu", "-aet", "STRANGER", "-aec", node.aet, "127.0.0.1", node.port, *files])
        assert len(node.archive().instances()) == 3
        res = _find_study(node, tmp_path, "STRANGER")
        text = (res.stdout + res.stderr).decode(errors="replace")
        assert res.returncode != 0 and "No Acceptable Presentation Contexts" in text, text[-2000:]
        res = _get_study(node, tmp_path, "STRANGER", study_uid)
        assert res.returncode != 0
        assert list((tmp_path / "get_STRANGER").iterdir()) == []  # nothing was sent to the stranger
        log = node.log_text()
        assert "'STRANGER' at 127.0.0.1: find not allowed" in log and "get not allowed" in log


def test_rights_are_per_peer(qr_node, tmp_path, ct_phantom_small):
    study_uid = ground_truth(ct_phantom_small)["study_uid"]
    assert _find_study(qr_node, tmp_path, "FINDSCU").returncode == 0
    assert _find_study(qr_node, tmp_path, "GETSCU").returncode != 0  # may get, may not find
    assert _get_study(qr_node, tmp_path, "FINDSCU", study_uid).returncode != 0  # may find, may not get
    assert list((tmp_path / "get_FINDSCU").iterdir()) == []
    assert _get_study(qr_node, tmp_path, "GETSCU", study_uid).returncode == 0
    assert len(list((tmp_path / "get_GETSCU").iterdir())) == len(dicom_files(ct_phantom_small))
    res = run(["storescu", "-aet", "FINDSCU", "-aec", qr_node.aet, "127.0.0.1", qr_node.port,
               dicom_files(ct_phantom_small)[0]], check=False)
    assert res.returncode != 0 or b"Success" not in res.stdout + res.stderr  # may find, may not store
    res = run(["findscu", "-S", "-aet", "INTRUDER", "-aec", qr_node.aet, "-k", "QueryRetrieveLevel=STUDY",
               "127.0.0.1", qr_node.port], check=False)
    assert res.returncode != 0 and b"Rejected" in res.stdout + res.stderr  # unlisted: no association at all
