"""The reading state every station derives from a study's report SRs (reports/state.py)."""
from __future__ import annotations

from pydicom import Dataset
from pydicom.sequence import Sequence

from reports.state import study_report_state


def _sr(uid, date, time, completion, verification, concept=("18748-4", "LN"), verifier=""):
    ds = Dataset()
    ds.SOPInstanceUID, ds.ContentDate, ds.ContentTime = uid, date, time
    ds.CompletionFlag, ds.VerificationFlag = completion, verification
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator = concept
    ds.ConceptNameCodeSequence = Sequence([code])
    if verifier:
        obs = Dataset()
        obs.VerifyingObserverName = verifier
        ds.VerifyingObserverSequence = Sequence([obs])
    return ds


def test_no_report_is_unread_and_other_srs_do_not_count():
    ai_sr = _sr("1", "20261201", "080000", "COMPLETE", "UNVERIFIED", concept=("126000", "DCM"))
    assert study_report_state([]).state == "unread"
    assert study_report_state([ai_sr]).state == "unread"
    # The printed report (Encapsulated PDF) has the report's title but is no version of it.
    pdf = _sr("2", "20261201", "090000", "", "VERIFIED")
    pdf.SOPClassUID, pdf.Modality = "1.2.840.10008.5.1.4.1.1.104.1", "DOC"
    assert study_report_state([pdf]).state == "unread"


def test_preliminary_then_final_then_amended():
    pre = _sr("1", "20261201", "090000", "PARTIAL", "UNVERIFIED")
    fin = _sr("2", "20261201", "093000", "COMPLETE", "VERIFIED", verifier="李^审核")
    amd = _sr("3", "20261202", "080000", "COMPLETE", "VERIFIED", verifier="李^审核")
    assert study_report_state([pre]).state == "preliminary"
    s = study_report_state([fin, pre])  # order of arrival does not matter, content time does
    assert (s.state, s.sop_instance_uid, s.verifier, s.versions) == ("final", "2", "李^审核", 2)
    assert study_report_state([amd, pre, fin]).state == "amended"
    # A later preliminary correction of a final report shows as preliminary (being corrected).
    redo = _sr("4", "20261203", "080000", "PARTIAL", "UNVERIFIED")
    assert study_report_state([pre, fin, redo]).state == "preliminary"
