"""Storage commitment reports are believed only from the destination they were asked of (issue 15.2):
a forged N-EVENT-REPORT - right transaction UID, wrong AE title or wrong host - is refused and changes
nothing (a "committed" lets retention delete the local copy); the node's SCP also speaks TLS (BCP 195)."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from pydicom.dataset import Dataset
from pynetdicom import AE, build_role

from dicom_node.archive import Archive
from dicom_node.forward.commitment import STORAGE_COMMITMENT, STORAGE_COMMITMENT_INSTANCE
from dicom_node.jobs import JobQueue
from dicom_node.tls import client_context
from tests.conftest import free_port
from tests.node_helpers import running_node
from tests.orthanc_helpers import make_test_pki

STUDY = "1.2.826.0.1.3680043.10.1001.1"
UIDS = [f"{STUDY}.1.{i}" for i in range(1, 4)]
TUID = "1.2.826.0.1.3680043.10.1001.99"
ECHOSCU = shutil.which("echoscu") or "echoscu"


def _pending_commitment(storage) -> JobQueue:
    """What the forwarder leaves after sending a study to "county" and asking it to commit."""
    Archive(storage)  # a new index at the current schema
    q = JobQueue(storage / "index.sqlite", {})
    q.enqueue(STUDY, "county")
    job, attempt = q.claim("county")
    for uid in UIDS:
        q.record_delivery(job, uid, 0)
    q.add_commitment(job, TUID, UIDS)
    q.finish(job, attempt, len(UIDS))
    return q


def _report(port: int, calling: str, source: str = "127.0.0.1", tls: dict | None = None) -> int | None:
    """An N-EVENT-REPORT "all committed" for TUID, as the county sends it; its status (None: no association)."""
    ae = AE(ae_title=calling)
    ae.add_requested_context(STORAGE_COMMITMENT)
    ds = Dataset()
    ds.TransactionUID = TUID
    ds.ReferencedSOPSequence = []
    for uid in UIDS:
        item = Dataset()
        item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        item.ReferencedSOPInstanceUID = uid
        ds.ReferencedSOPSequence.append(item)
    kwargs = {"tls_args": (client_context(tls), None)} if tls else {}
    assoc = ae.associate("127.0.0.1", port, ae_title="TPACS", bind_address=(source, 0),
                         ext_neg=[build_role(STORAGE_COMMITMENT, scp_role=True)], **kwargs)
    if not assoc.is_established:
        return None
    try:
        status, _ = assoc.send_n_event_report(ds, 1, STORAGE_COMMITMENT, STORAGE_COMMITMENT_INSTANCE)
        return int(status.Status) if status is not None and "Status" in status else None
    finally:
        assoc.release()


def _county(port: int = 104) -> dict:
    return {"name": "county", "kind": "dicom", "ae_title": "COUNTY", "host": "127.0.0.2", "port": port,
            "storage_commitment": True}


def test_forged_commitment_reports_are_ignored(tmp_path):
    q = _pending_commitment(tmp_path / "storage")
    with running_node(tmp_path, config={"forwarding": {"destinations": [_county()]}}) as node:
        # the right transaction UID from another AE, and from the county's AE title at another address
        assert _report(node.port, "INTRUDER") == 0x0124
        assert _report(node.port, "COUNTY", source="127.0.0.1") == 0x0124
        assert q.commitments(STUDY)[0]["state"] == "pending" and q.committed_uids("county", STUDY) == set()
        log = node.log_text()
        assert f"transaction {TUID} from INTRUDER at 127.0.0.1 refused" in log
        assert f"transaction {TUID} from COUNTY at 127.0.0.1 refused" in log
        # the county itself, from its own address: believed
        assert _report(node.port, "COUNTY", source="127.0.0.2") == 0x0000
        assert q.commitments(STUDY)[0]["state"] == "committed"
        assert q.committed_uids("county", STUDY) == set(UIDS)


def test_the_node_scp_speaks_tls(tmp_path):
    pki = make_test_pki(tmp_path / "pki")
    tls_port = free_port()
    q = _pending_commitment(tmp_path / "storage")
    node_tls = {"port": tls_port, "cert": str(pki["server_cert"]), "key": str(pki["server_key"]), "ca": str(pki["ca"])}
    with running_node(tmp_path, config={"node": {"tls": node_tls},
                                        "forwarding": {"destinations": [_county()]}}) as node:
        def echo(*tls_args):
            return subprocess.run([ECHOSCU, *tls_args, "-aec", node.aet, "127.0.0.1", str(tls_port)],
                                  capture_output=True, text=True, timeout=30)
        ok = echo("+tls", str(pki["client_key"]), str(pki["client_cert"]), "+cf", str(pki["ca"]))
        assert ok.returncode == 0, ok.stderr
        assert echo("+tls", str(pki["wrong_key"]), str(pki["wrong_cert"]), "+cf", str(pki["ca"])).returncode != 0
        assert echo().returncode != 0  # plain TCP on the TLS port
        # the county's report over TLS, with its client certificate
        county_tls = {"ca": str(pki["ca"]), "cert": str(pki["client_cert"]), "key": str(pki["client_key"]),
                      "verify_hostname": False}
        assert _report(tls_port, "COUNTY", source="127.0.0.2", tls=county_tls) == 0x0000
        assert q.committed_uids("county", STUDY) == set(UIDS)


@pytest.mark.parametrize("missing", ["cert", "key", "ca"])
def test_a_tls_listener_needs_its_certificates(tmp_path, missing):
    from dicom_node.config import ConfigError, load_config
    import tomli_w

    tls = {"port": 11113, "cert": "c.pem", "key": "k.pem", "ca": "ca.pem"}
    del tls[missing]
    path = tmp_path / "c.toml"
    path.write_bytes(tomli_w.dumps({"node": {"tls": tls}}).encode())
    with pytest.raises(ConfigError, match=f"node.tls: a TLS listener .* needs {missing}"):
        load_config(path)
