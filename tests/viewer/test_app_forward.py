"""The whole clinic loop through the workstation: receive (embedded node), forward to a real Orthanc
(the county), review in the viewer, and the review SR reaching the county too."""
from __future__ import annotations

import subprocess

import pytest

from tests.conftest import dicom_files, free_port
from tests.orthanc_helpers import running_orthanc
from tests.viewer.shell_helpers import GB18030_ID, gb18030_study, reset_language, shell_cfg  # noqa: F401
from viewer.i18n import install_language

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def test_review_sr_reaches_the_county(qtbot, shell_cfg, gb18030_study, tmp_path):
    from viewer.app import build_window

    install_language("zh_CN")
    with running_orthanc(tmp_path) as county:
        port = free_port()
        shell_cfg["node"].update(port=port, bind_address="127.0.0.1")
        shell_cfg["stability"]["quiet_seconds"] = 1
        shell_cfg["ai"]["enabled"] = False  # the model's own tests cover it; here the study is ready at once
        shell_cfg["forwarding"].update(poll_s=0.5, destinations=[{
            "name": "county", "kind": "dicom", "ae_title": county.aet, "host": "127.0.0.1",
            "port": county.dicom_port}])
        win = build_window(shell_cfg)
        qtbot.addWidget(win)
        try:
            assert win.wait_for_node(60), win.node_error
            files = dicom_files(gb18030_study)
            res = subprocess.run(["storescu", "-aet", "MOBILE_CT", "-aec", "TPACS", "127.0.0.1", str(port),
                                  *map(str, files)], capture_output=True, text=True, timeout=60)
            assert res.returncode == 0, res.stderr

            def row():
                return next((r for r in win.browser.model.rows if r.patient_id == GB18030_ID), None)

            qtbot.waitUntil(lambda: row() is not None and row().forward_state == "sent", timeout=30000)
            assert county.rest("/statistics")["CountInstances"] == len(files)
            assert win.browser.model.forward_text(row()) == "已上传"

            win.open_study(row().study_uid)
            qtbot.waitUntil(win.reading.is_loaded, timeout=30000)
            assert win.panel.table.rowCount() == 0  # no AI ran: the reader adds the nodule they see
            win.panel.add_at(win.crosshair_lps(), 6.0)
            win.save_review("赵^医生")
            qtbot.waitUntil(lambda: county.rest("/statistics")["CountInstances"] == len(files) + 1, timeout=20000)
            srs = [i for i in county.rest("/instances?expand")
                   if county.rest(f"/instances/{i['ID']}/simplified-tags").get("Modality") == "SR"]
            assert len(srs) == 1
            tags = county.rest(f"/instances/{srs[0]['ID']}/simplified-tags")
            assert tags["VerificationFlag"] == "VERIFIED"
        finally:
            win.close()
