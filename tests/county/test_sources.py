"""Remote sources against a real Orthanc (the county PACS): DICOM Q/R and DICOMweb, the same answers."""
from __future__ import annotations

import io
import socket

import pydicom
import pytest
import requests

from dicom_node.archive import split_file
from dicom_node.config import ConfigError
from dicom_node.sources import SourceError, source_from_entry, source_named, sources_from_config
from tests.conftest import dicom_files
from tests.county.helpers import county_pacs, send, station_cfg
from tests.orthanc_helpers import make_test_pki

pytestmark = pytest.mark.slow


def _dataset_bytes(data: bytes) -> bytes:
    return bytes(data[split_file(data)[1]:])


def _orthanc_datasets(orthanc) -> dict[str, bytes]:
    """SOP Instance UID -> the data set bytes Orthanc holds (after its own File Meta)."""
    out = {}
    for oid in orthanc.rest("/instances"):
        raw = orthanc.rest(f"/instances/{oid}/file")
        out[str(pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True).SOPInstanceUID)] = _dataset_bytes(raw)
    return out


@pytest.fixture(scope="module")
def county(tmp_path_factory, ct_phantom_small, dx_phantom):
    with county_pacs(tmp_path_factory.mktemp("county")) as o:
        send(o, dicom_files(ct_phantom_small), aet="TOWN_A")
        send(o, dicom_files(dx_phantom), aet="TOWN_B")
        o.held = _orthanc_datasets(o)
        yield o


def _source(orthanc, kind, **entry):
    cfg = station_cfg(orthanc, kind, **entry)
    return source_from_entry(cfg["county"]["sources"][0], cfg)


@pytest.mark.parametrize("kind", ["dicom", "dicomweb"])
def test_query_lists_studies_series_and_instances_with_chinese_names(county, ct_phantom_small, kind):
    ct_uid = pydicom.dcmread(dicom_files(ct_phantom_small)[0], stop_before_pixels=True)
    with _source(county, kind) as src:
        studies = {s.study_uid: s for s in src.find_studies(date_from="20000101")}
        assert len(studies) == 2
        ct = studies[str(ct_uid.StudyInstanceUID)]
        assert ct.patient_name == str(ct_uid.PatientName)  # GB18030 in the file, Unicode here
        assert any("\u4e00" <= ch <= "\u9fff" for ch in ct.patient_name)
        assert ct.modalities == ("CT",) and ct.num_instances == len(dicom_files(ct_phantom_small))
        assert ct.institution_name == str(ct_uid.InstitutionName)
        assert [s.study_uid for s in src.find_studies(study_uid=ct.study_uid)] == [ct.study_uid]
        surname = str(ct_uid.PatientName).split("^")[0]
        assert ct.study_uid in {s.study_uid for s in src.find_studies(patient=surname)}
        assert src.find_studies(date_to="19991231") == []
        series = src.find_series(ct.study_uid)
        assert [str(s.Modality) for s in series] == ["CT"]
        rows = src.find_instances(ct.study_uid, modality="CT", keys=("InstanceNumber",))
        assert {str(r.SOPInstanceUID) for r in rows} == {
            str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in dicom_files(ct_phantom_small)}
        assert src.find_instances(ct.study_uid, modality="SR") == []
        many = src.find_instances_of_studies(list(studies), modality="CT")
        assert len(many[ct.study_uid]) == len(rows) and all(not v for k, v in many.items() if k != ct.study_uid)


@pytest.mark.parametrize("kind,retrieve,streamed", [("dicom", "get", False), ("dicom", "get", True),
                                                     ("dicomweb", None, False), ("dicom", "move", True)])
def test_fetch_writes_the_pacs_bytes_and_never_twice(county, tmp_path, monkeypatch, kind, retrieve, streamed):
    """streamed: a node runs in this process (the station's embedded node, a township's report puller), so
    pynetdicom writes every received data set to a temp file instead of a buffer."""
    from pynetdicom import _config

    monkeypatch.setattr(_config, "STORE_RECV_CHUNKED_DATASET", streamed)
    entry = {"retrieve": retrieve} if retrieve else {}
    with _source(county, kind, **entry) as src:
        study = next(s for s in src.find_studies() if "CT" in s.modalities)
        seen = []
        res = src.fetch_study(study.study_uid, tmp_path / "cache", progress=lambda d, t: seen.append((d, t)))
        assert len(res.fetched) == study.num_instances and not res.already and not res.failed
        assert seen[-1] == (study.num_instances, study.num_instances)
        for p in res.fetched:  # byte-identical data sets, whole Part 10 files
            uid = p.name[:-4]
            assert _dataset_bytes(p.read_bytes()) == county.held[uid]
            assert str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID) == uid
        again = src.fetch_study(study.study_uid, tmp_path / "cache")
        assert again.fetched == [] and len(again.already) == study.num_instances


class _SmallBuffers(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        kwargs["socket_options"] = [(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)]
        return super().init_poolmanager(*args, **kwargs)


@pytest.mark.parametrize("kind", ["dicom", "dicomweb"])
def test_pacs_stopped_mid_fetch_then_retry_fetches_only_the_rest(tmp_path, ct_phantom_small, kind):
    files = dicom_files(ct_phantom_small)
    with county_pacs(tmp_path) as county:
        send(county, files)
        held = _orthanc_datasets(county)
        with _source(county, kind) as src:
            study = src.find_studies()[0]
            dest = tmp_path / "cache"
            at = 10 if kind == "dicom" else 1
            if kind == "dicomweb":  # a thin link: loopback's buffers would otherwise hold the whole answer
                src.session.mount("http://", _SmallBuffers())

            def stop_after_some(done, total):
                if done == at:
                    county.stop(kill=True)

            with pytest.raises(SourceError) as err:
                src.fetch_study(study.study_uid, dest, progress=stop_after_some)
            assert src.name in str(err.value)
            kept = sorted(dest.glob("*.dcm"))
            assert at <= len(kept) < len(files)
            for p in kept:  # what arrived is whole
                assert _dataset_bytes(p.read_bytes()) == held[p.name[:-4]]
            county.start()
            res = src.fetch_study(study.study_uid, dest)
            assert len(res.already) == len(kept)
            assert len(res.fetched) == len(files) - len(kept)
            assert {p.name[:-4] for p in dest.glob("*.dcm")} == set(held)


@pytest.mark.parametrize("kind", ["dicom", "dicomweb"])
def test_store_counts_a_duplicate_as_stored(tmp_path, dx_phantom, kind):
    files = dicom_files(dx_phantom)
    with county_pacs(tmp_path) as county:
        with _source(county, kind) as src:
            first = src.store(files)
            assert first.ok and len(first.stored) == len(files)
            again = src.store(files)
            assert again.ok and len(again.stored) == len(files)
        assert county.rest("/statistics")["CountInstances"] == len(files)


def test_unreachable_pacs_is_a_clear_error(tmp_path):
    from tests.conftest import free_port

    cfg = {"node": {"ae_title": "READING1", "acse_timeout_s": 3, "dimse_timeout_s": 3, "network_timeout_s": 3},
           "county": {"sources": [
               {"name": "county", "kind": "dicom", "ae_title": "COUNTY", "host": "127.0.0.1", "port": free_port()},
               {"name": "county-web", "kind": "dicomweb", "url": f"http://127.0.0.1:{free_port()}/dicom-web"}]}}
    for src in sources_from_config(cfg):
        with pytest.raises(SourceError) as err:
            src.find_studies()
        assert src.name in str(err.value)


def test_entries_from_county_sources_and_forwarding_destinations():
    cfg = {"node": {"ae_title": "TOWN_A", "port": 11112},
           "county": {"sources": []},
           "forwarding": {"destinations": [
               {"name": "county", "kind": "stow", "url": "https://pacs.example/dicom-web/studies", "token": "t"},
               {"name": "county-dimse", "kind": "dicom", "ae_title": "COUNTY", "host": "10.0.0.1", "port": 104}]}}
    web = source_named(cfg, "county")
    assert web.kind == "dicomweb" and web.url == "https://pacs.example/dicom-web"
    assert web.session.headers["Authorization"] == "Bearer t"
    dimse = source_named(cfg, "county-dimse")
    assert dimse.kind == "dicom" and dimse.retrieve == "get" and dimse.ae_title == "COUNTY"
    for bad in ({"kind": "dicom"}, {"name": "x", "kind": "dicom", "host": "h"},
                {"name": "x", "kind": "dicomweb", "url": "ftp://x"}, {"name": "x", "kind": "wado"},
                {"name": "x", "kind": "dicom", "ae_title": "A", "host": "h", "port": 1, "retrieve": "push"}):
        with pytest.raises(ConfigError):
            source_from_entry(bad, cfg)
    with pytest.raises(ConfigError):
        source_named(cfg, "nowhere")


def test_dicom_source_over_tls_as_forwarding_does_it(tmp_path, dx_phantom):
    pki = make_test_pki(tmp_path / "pki")
    tls = {"cert": pki["server_cert"], "key": pki["server_key"], "trusted": pki["ca"]}
    with county_pacs(tmp_path, tls=tls) as county:
        entry = {"tls": {"ca": str(pki["ca"]), "cert": str(pki["client_cert"]), "key": str(pki["client_key"])}}
        with _source(county, "dicom", **entry) as src:
            assert src.store(dicom_files(dx_phantom)).ok
            study = src.find_studies()[0]
            res = src.fetch_study(study.study_uid, tmp_path / "cache")
            assert len(res.fetched) == len(dicom_files(dx_phantom))
        wrong = {"tls": {"ca": str(pki["ca"]), "cert": str(pki["wrong_cert"]), "key": str(pki["wrong_key"])}}
        with _source(county, "dicom", **wrong) as src:
            with pytest.raises(SourceError):
                src.find_studies()
