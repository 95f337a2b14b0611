"""The DICOM objects township-pacs writes (with highdicom) and reads back, one module per object kind.

  ===========================  ===============================================================
  module                       object
  ===========================  ===============================================================
  ai_results                   the AI's result set for a CT series: SR + SEG + GSPS (write_results)
  measurement_report           nodule SR, TID 1500 (the AI's, and the reader's review: write_review_sr)
  measurement_report_reader    findings back from a TID 1500 SR (findings_from_sr, is_review_sr)
  segmentation                 nodule SEG, and findings back from any SEG (findings_from_seg)
  presentation_state           nodule GSPS
  codes, geometry, identity    shared: coded concepts, the source grid, new-series identity
  ===========================  ===============================================================

Findings as standard DICOM objects: a Comprehensive 3D SR (TID 1500), a SEG and a GSPS, and back.

What each object holds (all three are new series of the source study, made by highdicom):

* **SR** (Comprehensive 3D SR, TID 1500 "Imaging Measurement Report"): one TID 1411 volumetric ROI
  measurement group per finding with
  - tracking identifier ("Nodule 1") and tracking unique identifier (shared with the SEG segment and
    the GSPS graphic of the same nodule),
  - the centre as an SCOORD3D POINT in the source frame of reference (volume surface, source series),
  - Long axis (SCT 103339001) in mm, Volume (SCT 118565006) in mm3,
  - Certainty of Finding (DCM 111012) in % = the model's score x 100,
  - finding type Nodule (SCT 27925004), finding site Lung (SCT 39607008),
  - nodule type and Lung-RADS category as qualitative evaluations (codes below),
  - the model as algorithm identification (TID 4019: name, version, "trained_on: ..." parameter).
  The review SR written by the viewer has the same structure, plus a "Reader decision" evaluation per
  reviewed finding, the reader as person observer, and VerificationFlag VERIFIED with the reader in
  VerifyingObserverSequence.
* **SEG** (binary, one segment per finding, algorithm type AUTOMATIC): the nodule masks. Without
  masks from the model, each nodule is drawn as a sphere of its long-axis diameter on the source grid.
  Only the slices a nodule touches are encoded.
* **GSPS**: a circle and a short text label on each nodule's central slice, for viewers that ignore SR.

Coded concepts without a standard code use the private coding scheme ``99TPACS`` (declared in the
SR's Coding Scheme Identification Sequence):

  ======================  =====================================  ==========================
  code value (99TPACS)     meaning                                used as
  ======================  =====================================  ==========================
  NODULE_TYPE              Nodule type                            evaluation name
  SOLID                    Solid                                  nodule type value
  PART_SOLID               Part-solid                             nodule type value
  LUNG_RADS                Lung-RADS v2022 category               evaluation name
  LR_2, LR_3, LR_4A, ...   Lung-RADS 2, 3, 4A, ...                Lung-RADS value
  READER_DECISION          Reader decision                        evaluation name (review SR)
  ACCEPTED / REJECTED      Accepted / Rejected                    reader decision value
  ======================  =====================================  ==========================

Ground-glass nodules use DCM 112120 "Ground glass opacity"; an unknown type uses SCT 261665006 "Unknown".
All objects are written with SpecificCharacterSet ISO_IR 192 (UTF-8) so Chinese names survive.
"""
