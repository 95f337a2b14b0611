<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddNoduleDialog</name>
    <message>
        <source>Add nodule</source>
        <translation>Add nodule</translation>
    </message>
    <message>
        <source>Position:</source>
        <translation>Position:</translation>
    </message>
    <message>
        <source>Diameter (mm):</source>
        <translation>Diameter (mm):</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Kind:</translation>
    </message>
</context>
<context>
    <name>BrowserWidget</name>
    <message>
        <source>Search:</source>
        <translation>Search:</translation>
    </message>
    <message>
        <source>Patient name or ID</source>
        <translation>Patient name or ID</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Modality:</source>
        <translation>Modality:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>AI pending</source>
        <translation>AI pending</translation>
    </message>
    <message>
        <source>AI running</source>
        <translation>AI running</translation>
    </message>
    <message>
        <source>AI done</source>
        <translation>AI done</translation>
    </message>
    <message>
        <source>AI failed</source>
        <translation>AI failed</translation>
    </message>
    <message>
        <source>Forwarding queued</source>
        <translation>Forwarding queued</translation>
    </message>
    <message>
        <source>Forwarding now</source>
        <translation>Forwarding now</translation>
    </message>
    <message>
        <source>Forwarded</source>
        <translation>Forwarded</translation>
    </message>
    <message>
        <source>Forwarding failed</source>
        <translation>Forwarding failed</translation>
    </message>
    <message>
        <source>%1 studies</source>
        <translation>%1 studies</translation>
    </message>
</context>
<context>
    <name>CountyPanel</name>
    <message>
        <source>name or ID</source>
        <translation>name or ID</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>Search:</translation>
    </message>
    <message>
        <source>Township:</source>
        <translation>Township:</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>State:</translation>
    </message>
    <message>
        <source>Modality:</source>
        <translation>Modality:</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>to read</source>
        <translation>to read</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>unread</translation>
    </message>
    <message>
        <source>being read</source>
        <translation>being read</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>preliminary</translation>
    </message>
    <message>
        <source>final</source>
        <translation>final</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>amended</translation>
    </message>
    <message>
        <source>Examined:</source>
        <translation>Examined:</translation>
    </message>
    <message>
        <source>any day</source>
        <translation>any day</translation>
    </message>
    <message>
        <source>today</source>
        <translation>today</translation>
    </message>
    <message>
        <source>last 2 days</source>
        <translation>last 2 days</translation>
    </message>
    <message>
        <source>last 7 days</source>
        <translation>last 7 days</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI-detected, for reference only</translation>
    </message>
    <message>
        <source>Double-click a study to fetch and read it.</source>
        <translation>Double-click a study to fetch and read it.</translation>
    </message>
    <message>
        <source>%1 studies shown, %2 to read, %3 overdue</source>
        <translation>%1 studies shown, %2 to read, %3 overdue</translation>
    </message>
    <message>
        <source>not reachable: %1</source>
        <translation>not reachable: %1</translation>
    </message>
    <message>
        <source>Worklist not refreshed: %1</source>
        <translation>Worklist not refreshed: %1</translation>
    </message>
    <message>
        <source>Being read</source>
        <translation>Being read</translation>
    </message>
    <message>
        <source>%1 is already reading this study at %2. Open it anyway, without claiming it?</source>
        <translation>%1 is already reading this study at %2. Open it anyway, without claiming it?</translation>
    </message>
    <message>
        <source>Could not claim the study: %1</source>
        <translation>Could not claim the study: %1</translation>
    </message>
    <message>
        <source>Fetching…</source>
        <translation>Fetching…</translation>
    </message>
    <message>
        <source>Fetching %1 of %2 images…</source>
        <translation>Fetching %1 of %2 images…</translation>
    </message>
    <message>
        <source>Fetch failed (what arrived is kept; try again): %1</source>
        <translation>Fetch failed (what arrived is kept; try again): %1</translation>
    </message>
    <message>
        <source>Fetch failed</source>
        <translation>Fetch failed</translation>
    </message>
    <message>
        <source>Fetched; opening.</source>
        <translation>Fetched; opening.</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <source>AI findings</source>
        <translation>AI findings</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Long/mean (mm)</source>
        <translation>Long/mean (mm)</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Probability</translation>
    </message>
    <message>
        <source>Lung-RADS</source>
        <translation>Lung-RADS</translation>
    </message>
    <message>
        <source>Slice</source>
        <translation>Slice</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>Show outlines</source>
        <translation>Show outlines</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>Correct diameter…</source>
        <translation>Correct diameter…</translation>
    </message>
    <message>
        <source>Add nodule at crosshair…</source>
        <translation>Add nodule at crosshair…</translation>
    </message>
    <message>
        <source>Save review</source>
        <translation>Save review</translation>
    </message>
    <message>
        <source>solid</source>
        <translation>solid</translation>
    </message>
    <message>
        <source>part-solid</source>
        <translation>part-solid</translation>
    </message>
    <message>
        <source>ground-glass</source>
        <translation>ground-glass</translation>
    </message>
    <message>
        <source>calcified</source>
        <translation>calcified</translation>
    </message>
    <message>
        <source>mass</source>
        <translation>mass</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>right lung</source>
        <translation>right lung</translation>
    </message>
    <message>
        <source>left lung</source>
        <translation>left lung</translation>
    </message>
    <message>
        <source>upper zone</source>
        <translation>upper zone</translation>
    </message>
    <message>
        <source>middle zone</source>
        <translation>middle zone</translation>
    </message>
    <message>
        <source>lower zone</source>
        <translation>lower zone</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI-detected, for reference only</translation>
    </message>
    <message>
        <source>not clinically validated</source>
        <translation>not clinically validated</translation>
    </message>
    <message>
        <source>not validated on real scans</source>
        <translation>not validated on real scans</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>accepted</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rejected</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>not reviewed</translation>
    </message>
    <message>
        <source>added</source>
        <translation>added</translation>
    </message>
    <message>
        <source>corrected</source>
        <translation>corrected</translation>
    </message>
    <message>
        <source>Findings review is for CT studies.</source>
        <translation>Findings review is for CT studies.</translation>
    </message>
    <message>
        <source>No study open.</source>
        <translation>No study open.</translation>
    </message>
    <message>
        <source>No AI findings for this study.</source>
        <translation>No AI findings for this study.</translation>
    </message>
    <message>
        <source>%1 accepted, %2 rejected, %3 not reviewed</source>
        <translation>%1 accepted, %2 rejected, %3 not reviewed</translation>
    </message>
    <message>
        <source>Correct diameter</source>
        <translation>Correct diameter</translation>
    </message>
    <message>
        <source>Select a finding first.</source>
        <translation>Select a finding first.</translation>
    </message>
    <message>
        <source>Diameter (mm):</source>
        <translation>Diameter (mm):</translation>
    </message>
    <message>
        <source>Add nodule</source>
        <translation>Add nodule</translation>
    </message>
    <message>
        <source>Click the nodule in the image first to place the crosshair.</source>
        <translation>Click the nodule in the image first to place the crosshair.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>township-pacs workstation</source>
        <translation>township-pacs workstation</translation>
    </message>
    <message>
        <source>Worklist</source>
        <translation>Worklist</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>Studies</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>Reading</translation>
    </message>
    <message>
        <source>Series:</source>
        <translation>Series:</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open folder…</source>
        <translation>&amp;Open folder…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Export report &amp;turnaround (CSV)…</source>
        <translation>Export report &amp;turnaround (CSV)…</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>County reading station %1 — PACS: %2</source>
        <translation>County reading station %1 — PACS: %2</translation>
    </message>
    <message>
        <source>Receiving through the DICOM node service (%1 on port %2)</source>
        <translation>Receiving through the DICOM node service (%1 on port %2)</translation>
    </message>
    <message>
        <source>Receiving as %1 on port %2</source>
        <translation>Receiving as %1 on port %2</translation>
    </message>
    <message>
        <source>Starting the DICOM node…</source>
        <translation>Starting the DICOM node…</translation>
    </message>
    <message>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>Port %1 is already in use: this workstation is not receiving (is another node running?)</translation>
    </message>
    <message>
        <source>DICOM node not running: %1</source>
        <translation>DICOM node not running: %1</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>Folder: %1</translation>
    </message>
    <message>
        <source>DICOM node not running</source>
        <translation>DICOM node not running</translation>
    </message>
    <message>
        <source>Unsaved review</source>
        <translation>Unsaved review</translation>
    </message>
    <message>
        <source>The review has not been saved. Close anyway?</source>
        <translation>The review has not been saved. Close anyway?</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <source>Critical result in the report of %1: open the report now.</source>
        <translation>Critical result in the report of %1: open the report now.</translation>
    </message>
    <message>
        <source>Report received: %1</source>
        <translation>Report received: %1</translation>
    </message>
    <message>
        <source>Export report turnaround</source>
        <translation>Export report turnaround</translation>
    </message>
    <message>
        <source>Cannot compute the turnaround: %1</source>
        <translation>Cannot compute the turnaround: %1</translation>
    </message>
    <message>
        <source>Turnaround written to %1</source>
        <translation>Turnaround written to %1</translation>
    </message>
    <message>
        <source>No county PACS in the settings holds this study</source>
        <translation>No county PACS in the settings holds this study</translation>
    </message>
    <message>
        <source>Cannot start the report: %1</source>
        <translation>Cannot start the report: %1</translation>
    </message>
    <message>
        <source>Cannot open the study: %1</source>
        <translation>Cannot open the study: %1</translation>
    </message>
    <message>
        <source>No images to show in %1</source>
        <translation>No images to show in %1</translation>
    </message>
    <message>
        <source>(%1 images)</source>
        <translation>(%1 images)</translation>
    </message>
    <message>
        <source>Unsigned report</source>
        <translation>Unsigned report</translation>
    </message>
    <message>
        <source>The report has not been signed. Discard it?</source>
        <translation>The report has not been signed. Discard it?</translation>
    </message>
    <message>
        <source>The review has not been saved. Discard it?</source>
        <translation>The review has not been saved. Discard it?</translation>
    </message>
    <message>
        <source>Open a folder of DICOM files</source>
        <translation>Open a folder of DICOM files</translation>
    </message>
    <message>
        <source>Loaded %1 images</source>
        <translation>Loaded %1 images</translation>
    </message>
    <message>
        <source>%1 unreadable files skipped: %2</source>
        <translation>%1 unreadable files skipped: %2</translation>
    </message>
    <message>
        <source>No study open.</source>
        <translation>No study open.</translation>
    </message>
    <message>
        <source>Review saved by %1</source>
        <translation>Review saved by %1</translation>
    </message>
    <message>
        <source>Save review</source>
        <translation>Save review</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&amp;apos;s name:</translation>
    </message>
    <message>
        <source>Review not saved</source>
        <translation>Review not saved</translation>
    </message>
    <message>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>A review needs the reviewer&amp;apos;s name.</translation>
    </message>
    <message>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>Settings saved; the DICOM node is restarting.</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Settings saved.</translation>
    </message>
</context>
<context>
    <name>MprController</name>
    <message>
        <source>Axial</source>
        <translation>Axial</translation>
    </message>
    <message>
        <source>Coronal</source>
        <translation>Coronal</translation>
    </message>
    <message>
        <source>Sagittal</source>
        <translation>Sagittal</translation>
    </message>
</context>
<context>
    <name>ReadingWidget</name>
    <message>
        <source>No images loaded</source>
        <translation>No images loaded</translation>
    </message>
    <message>
        <source>Crosshair</source>
        <translation>Crosshair</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>W/L</source>
        <translation>W/L</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Ellipse ROI</source>
        <translation>Ellipse ROI</translation>
    </message>
    <message>
        <source>Magnifier</source>
        <translation>Magnifier</translation>
    </message>
    <message>
        <source>Lung</source>
        <translation>Lung</translation>
    </message>
    <message>
        <source>Mediastinum</source>
        <translation>Mediastinum</translation>
    </message>
    <message>
        <source>Bone</source>
        <translation>Bone</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>Abdomen</translation>
    </message>
    <message>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <source>Thick-slab maximum intensity projection</source>
        <translation>Thick-slab maximum intensity projection</translation>
    </message>
    <message>
        <source>Slab thickness</source>
        <translation>Slab thickness</translation>
    </message>
    <message>
        <source>Cine</source>
        <translation>Cine</translation>
    </message>
    <message>
        <source>Rotate left</source>
        <translation>Rotate left</translation>
    </message>
    <message>
        <source>Rotate right</source>
        <translation>Rotate right</translation>
    </message>
    <message>
        <source>Flip H</source>
        <translation>Flip H</translation>
    </message>
    <message>
        <source>Flip V</source>
        <translation>Flip V</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>Invert</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>Clear measurements</source>
        <translation>Clear measurements</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>Show or hide the AI findings&apos; outlines</source>
        <translation>Show or hide the AI findings&amp;apos; outlines</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>No images to show</source>
        <translation>No images to show</translation>
    </message>
    <message>
        <source>no files to load</source>
        <translation>no files to load</translation>
    </message>
    <message>
        <source>Loading %1 / %2</source>
        <translation>Loading %1 / %2</translation>
    </message>
    <message>
        <source>Cannot show this series: %1</source>
        <translation>Cannot show this series: %1</translation>
    </message>
</context>
<context>
    <name>ReportEditorWidget</name>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>Impression</source>
        <translation>Impression</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Recommendation</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>Preliminary</source>
        <translation>Preliminary</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>Final</translation>
    </message>
    <message>
        <source>Amended</source>
        <translation>Amended</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Template</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>Categories</translation>
    </message>
    <message>
        <source>Normal findings</source>
        <translation>Normal findings</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Long axis (mm)</source>
        <translation>Long axis (mm)</translation>
    </message>
    <message>
        <source>Mean (mm)</source>
        <translation>Mean (mm)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Phrases</source>
        <translation>Phrases</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Finding</translation>
    </message>
    <message>
        <source>Who was told</source>
        <translation>Who was told</translation>
    </message>
    <message>
        <source>How</source>
        <translation>How</translation>
    </message>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <source>By telephone</source>
        <translation>By telephone</translation>
    </message>
    <message>
        <source>In person</source>
        <translation>In person</translation>
    </message>
    <message>
        <source>Hospital information system</source>
        <translation>Hospital information system</translation>
    </message>
    <message>
        <source>Reporting doctor</source>
        <translation>Reporting doctor</translation>
    </message>
    <message>
        <source>Verifying doctor</source>
        <translation>Verifying doctor</translation>
    </message>
    <message>
        <source>Submit preliminary</source>
        <translation>Submit preliminary</translation>
    </message>
    <message>
        <source>Verify and release</source>
        <translation>Verify and release</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Send again</translation>
    </message>
    <message>
        <source>Keep the selected text as a phrase</source>
        <translation>Keep the selected text as a phrase</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>%1 report released at %2</source>
        <translation>%1 report released at %2</translation>
    </message>
    <message>
        <source>Enter the reporting doctor.</source>
        <translation>Enter the reporting doctor.</translation>
    </message>
    <message>
        <source>A final report needs the verifying doctor.</source>
        <translation>A final report needs the verifying doctor.</translation>
    </message>
    <message>
        <source>The verifying doctor must be another doctor than the reporting doctor.</source>
        <translation>The verifying doctor must be another doctor than the reporting doctor.</translation>
    </message>
    <message>
        <source>A critical result cannot be released before the report records who was told, how and when.</source>
        <translation>A critical result cannot be released before the report records who was told, how and when.</translation>
    </message>
    <message>
        <source>Findings and impression must not be empty.</source>
        <translation>Findings and impression must not be empty.</translation>
    </message>
    <message>
        <source>Sent to the county PACS</source>
        <translation>Sent to the county PACS</translation>
    </message>
</context>
<context>
    <name>ReportViewDialog</name>
    <message>
        <source>Preliminary report (not verified)</source>
        <translation>Preliminary report (not verified)</translation>
    </message>
    <message>
        <source>Final report</source>
        <translation>Final report</translation>
    </message>
    <message>
        <source>Amended report</source>
        <translation>Amended report</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patient ID</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>Exam</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <source>Who was told</source>
        <translation>Who was told</translation>
    </message>
    <message>
        <source>How</source>
        <translation>How</translation>
    </message>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Key images</source>
        <translation>Key images</translation>
    </message>
    <message>
        <source>Reporting doctor</source>
        <translation>Reporting doctor</translation>
    </message>
    <message>
        <source>Verifying doctor</source>
        <translation>Verifying doctor</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>Impression</source>
        <translation>Impression</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Recommendation</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Critical result: act on it now</source>
        <translation>Critical result: act on it now</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Save as PDF</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>%1: the AE title is empty</source>
        <translation>%1: the AE title is empty</translation>
    </message>
    <message>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1: the AE title has more than 16 characters</translation>
    </message>
    <message>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1: the AE title must not contain a backslash</translation>
    </message>
    <message>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1: the AE title must be plain ASCII letters and digits</translation>
    </message>
    <message>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1: the port must be a number from 1 to 65535</translation>
    </message>
    <message>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host rights&quot;</source>
        <translation>Allowed peers, line %1: write &amp;quot;AE_TITLE host rights&amp;quot;</translation>
    </message>
    <message>
        <source>Allowed peers, line %1</source>
        <translation>Allowed peers, line %1</translation>
    </message>
    <message>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>Allowed peers, line %1: give an AE title or a host</translation>
    </message>
    <message>
        <source>Node AE title</source>
        <translation>Node AE title</translation>
    </message>
    <message>
        <source>Node port</source>
        <translation>Node port</translation>
    </message>
    <message>
        <source>County AE title</source>
        <translation>County AE title</translation>
    </message>
    <message>
        <source>County host: the host name or address is empty</source>
        <translation>County host: the host name or address is empty</translation>
    </message>
    <message>
        <source>County host: the host name must not contain spaces</source>
        <translation>County host: the host name must not contain spaces</translation>
    </message>
    <message>
        <source>County port</source>
        <translation>County port</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>Reviewer&amp;apos;s name: at most 64 characters a part, no backslash</translation>
    </message>
    <message>
        <source>Device must be auto, cpu or cuda</source>
        <translation>Device must be auto, cpu or cuda</translation>
    </message>
    <message>
        <source>Model: the folder %1 does not exist</source>
        <translation>Model: the folder %1 does not exist</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>This workstation (DICOM node)</source>
        <translation>This workstation (DICOM node)</translation>
    </message>
    <message>
        <source>County reading centre (forwarding destination)</source>
        <translation>County reading centre (forwarding destination)</translation>
    </message>
    <message>
        <source>AI model</source>
        <translation>AI model</translation>
    </message>
    <message>
        <source>User interface</source>
        <translation>User interface</translation>
    </message>
    <message>
        <source>AE title:</source>
        <translation>AE title:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</source>
        <translation>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Model folder:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Device:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&amp;apos;s name:</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>empty: the model shipped with township-pacs</source>
        <translation>empty: the model shipped with township-pacs</translation>
    </message>
    <message>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>e.g. 王^医生; empty: asked when a review is saved</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>automatic (GPU when there is one)</source>
        <translation>automatic (GPU when there is one)</translation>
    </message>
    <message>
        <source>township workstation</source>
        <translation>township workstation</translation>
    </message>
    <message>
        <source>county reading station (restart to switch)</source>
        <translation>county reading station (restart to switch)</translation>
    </message>
    <message>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>Any device on the network may send studies: list the allowed peers.</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Model folder</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>Settings not saved</translation>
    </message>
    <message>
        <source>Please correct:</source>
        <translation>Please correct:</translation>
    </message>
</context>
<context>
    <name>StudyTableModel</name>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>Patient ID</translation>
    </message>
    <message>
        <source>Sex/Age</source>
        <translation>Sex/Age</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>Modality</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <source>Forwarding</source>
        <translation>Forwarding</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>F</source>
        <translation>F</translation>
    </message>
    <message>
        <source>O</source>
        <translation>O</translation>
    </message>
    <message>
        <source>%1 y</source>
        <translation>%1 y</translation>
    </message>
    <message>
        <source>receiving…</source>
        <translation>receiving…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>done</translation>
    </message>
    <message>
        <source>%1 findings</source>
        <translation>%1 findings</translation>
    </message>
    <message>
        <source>%1 mm slices: too thick for nodule detection</source>
        <translation>%1 mm slices: too thick for nodule detection</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pending</translation>
    </message>
    <message>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>not applicable</source>
        <translation>not applicable</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>queued</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>sending</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>sent</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critical</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>preliminary</translation>
    </message>
    <message>
        <source>final</source>
        <translation>final</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>amended</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Critical result; the report is %1</source>
        <translation>Critical result; the report is %1</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Sex/Age</source>
        <translation>Sex/Age</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>Exam</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>Arrived</translation>
    </message>
    <message>
        <source>Waited</source>
        <translation>Waited</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>Reading</translation>
    </message>
    <message>
        <source>being read by %1</source>
        <translation>being read by %1</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>unread</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>preliminary</translation>
    </message>
    <message>
        <source>final</source>
        <translation>final</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>amended</translation>
    </message>
    <message>
        <source>no nodules</source>
        <translation>no nodules</translation>
    </message>
    <message>
        <source>mass</source>
        <translation>mass</translation>
    </message>
    <message>
        <source>%1 findings, highest %2</source>
        <translation>%1 findings, highest %2</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>F</source>
        <translation>F</translation>
    </message>
    <message>
        <source>O</source>
        <translation>O</translation>
    </message>
    <message>
        <source>%1 y</source>
        <translation>%1 y</translation>
    </message>
    <message>
        <source>(overdue %1)</source>
        <translation>(overdue %1)</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI-detected, for reference only</translation>
    </message>
</context>
<context>
    <name>_NoReadingView</name>
    <message>
        <source>The image view is not available in this installation.</source>
        <translation>The image view is not available in this installation.</translation>
    </message>
</context>
</TS>
