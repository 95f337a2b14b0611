<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddNoduleDialog</name>
    <message>
        <location filename="../../viewer/findings_panel.py" line="235"/>
        <source>Add nodule</source>
        <translation>Add nodule</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="246"/>
        <source>Position:</source>
        <translation>Position:</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="247"/>
        <source>Diameter (mm):</source>
        <translation>Diameter (mm):</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="248"/>
        <source>Kind:</source>
        <translation>Kind:</translation>
    </message>
</context>
<context>
    <name>BrowserWidget</name>
    <message>
        <location filename="../../viewer/browser.py" line="233"/>
        <source>Search:</source>
        <translation>Search:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="234"/>
        <source>Patient name or ID</source>
        <translation>Patient name or ID</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="235"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="236"/>
        <source>Modality:</source>
        <translation>Modality:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="237"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="238"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="243"/>
        <location filename="../../viewer/browser.py" line="246"/>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="246"/>
        <source>AI pending</source>
        <translation>AI pending</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="246"/>
        <source>AI running</source>
        <translation>AI running</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="247"/>
        <source>AI done</source>
        <translation>AI done</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="247"/>
        <source>AI failed</source>
        <translation>AI failed</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="248"/>
        <source>Forwarding queued</source>
        <translation>Forwarding queued</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="248"/>
        <source>Forwarding now</source>
        <translation>Forwarding now</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="249"/>
        <source>Forwarded</source>
        <translation>Forwarded</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="249"/>
        <source>Forwarding failed</source>
        <translation>Forwarding failed</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="351"/>
        <source>%1 studies</source>
        <translation>%1 studies</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../viewer/findings_panel.py" line="71"/>
        <source>AI findings</source>
        <translation>AI findings</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Size (mm)</source>
        <translation>Size (mm)</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Lung-RADS</source>
        <translation>Lung-RADS</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Slice</source>
        <translation>Slice</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Review</source>
        <translation>Review</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="74"/>
        <source>Show outlines</source>
        <translation>Show outlines</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="75"/>
        <source>Accept</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="76"/>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="77"/>
        <source>Correct diameter…</source>
        <translation>Correct diameter…</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="78"/>
        <source>Add nodule at crosshair…</source>
        <translation>Add nodule at crosshair…</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="79"/>
        <source>Save review</source>
        <translation>Save review</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="88"/>
        <source>solid</source>
        <translation>solid</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="88"/>
        <source>part-solid</source>
        <translation>part-solid</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="89"/>
        <source>ground-glass</source>
        <translation>ground-glass</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="89"/>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>accepted</source>
        <translation>accepted</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>rejected</source>
        <translation>rejected</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>not reviewed</source>
        <translation>not reviewed</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="94"/>
        <source>added</source>
        <translation>added</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="96"/>
        <source>corrected</source>
        <translation>corrected</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="143"/>
        <source>Findings review is for CT studies.</source>
        <translation>Findings review is for CT studies.</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="145"/>
        <source>No study open.</source>
        <translation>No study open.</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="147"/>
        <source>No AI findings for this study.</source>
        <translation>No AI findings for this study.</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="150"/>
        <source>%1 accepted, %2 rejected, %3 not reviewed</source>
        <translation>%1 accepted, %2 rejected, %3 not reviewed</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="205"/>
        <location filename="../../viewer/findings_panel.py" line="208"/>
        <location filename="../../viewer/findings_panel.py" line="214"/>
        <source>Correct diameter</source>
        <translation>Correct diameter</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="205"/>
        <source>Select a finding first.</source>
        <translation>Select a finding first.</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="208"/>
        <source>Diameter (mm):</source>
        <translation>Diameter (mm):</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="219"/>
        <location filename="../../viewer/findings_panel.py" line="227"/>
        <source>Add nodule</source>
        <translation>Add nodule</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="220"/>
        <source>Click the nodule in the image first to place the crosshair.</source>
        <translation>Click the nodule in the image first to place the crosshair.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../viewer/main_window.py" line="193"/>
        <source>township-pacs workstation</source>
        <translation>township-pacs workstation</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="194"/>
        <source>Studies</source>
        <translation>Studies</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="195"/>
        <source>Reading</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="196"/>
        <source>Series:</source>
        <translation>Series:</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="201"/>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="202"/>
        <source>&amp;Open folder…</source>
        <translation>&amp;Open folder…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="203"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="204"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="205"/>
        <source>Export report &amp;turnaround (CSV)…</source>
        <translation>Export report &amp;turnaround (CSV)…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="206"/>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="299"/>
        <source>Receiving as %1 on port %2</source>
        <translation>Receiving as %1 on port %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="301"/>
        <source>Starting the DICOM node…</source>
        <translation>Starting the DICOM node…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="303"/>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>Port %1 is already in use: this workstation is not receiving (is another node running?)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="306"/>
        <source>DICOM node not running: %1</source>
        <translation>DICOM node not running: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="308"/>
        <source>Folder: %1</source>
        <translation>Folder: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="309"/>
        <source>DICOM node not running</source>
        <translation>DICOM node not running</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="333"/>
        <location filename="../../viewer/main_window.py" line="516"/>
        <source>Unsaved review</source>
        <translation>Unsaved review</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="334"/>
        <source>The review has not been saved. Close anyway?</source>
        <translation>The review has not been saved. Close anyway?</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="366"/>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="367"/>
        <source>Critical result in the report of %1: open the report now.</source>
        <translation>Critical result in the report of %1: open the report now.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="375"/>
        <source>Report received: %1</source>
        <translation>Report received: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="395"/>
        <source>Export report turnaround</source>
        <translation>Export report turnaround</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="402"/>
        <source>Cannot compute the turnaround: %1</source>
        <translation>Cannot compute the turnaround: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="405"/>
        <source>Turnaround written to %1</source>
        <translation>Turnaround written to %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="417"/>
        <source>No county PACS in the settings holds this study</source>
        <translation>No county PACS in the settings holds this study</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="430"/>
        <source>Cannot start the report: %1</source>
        <translation>Cannot start the report: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="438"/>
        <source>Cannot open the study: %1</source>
        <translation>Cannot open the study: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="464"/>
        <source>No images to show in %1</source>
        <translation>No images to show in %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="484"/>
        <source>(%1 images)</source>
        <translation>(%1 images)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="517"/>
        <source>The review has not been saved. Discard it?</source>
        <translation>The review has not been saved. Discard it?</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="532"/>
        <source>Open a folder of DICOM files</source>
        <translation>Open a folder of DICOM files</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="553"/>
        <source>Loaded %1 images</source>
        <translation>Loaded %1 images</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="565"/>
        <source>%1 unreadable files skipped: %2</source>
        <translation>%1 unreadable files skipped: %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="624"/>
        <source>No study open.</source>
        <translation>No study open.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="629"/>
        <source>Review saved by %1</source>
        <translation>Review saved by %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="650"/>
        <source>Save review</source>
        <translation>Save review</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="650"/>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&apos;s name:</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="654"/>
        <location filename="../../viewer/main_window.py" line="660"/>
        <location filename="../../viewer/main_window.py" line="663"/>
        <source>Review not saved</source>
        <translation>Review not saved</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="655"/>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>A review needs the reviewer&apos;s name.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="687"/>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>Settings saved; the DICOM node is restarting.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="689"/>
        <source>Settings saved.</source>
        <translation>Settings saved.</translation>
    </message>
</context>
<context>
    <name>MprController</name>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Axial</source>
        <translation>Axial</translation>
    </message>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Coronal</source>
        <translation>Coronal</translation>
    </message>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Sagittal</source>
        <translation>Sagittal</translation>
    </message>
</context>
<context>
    <name>ReadingWidget</name>
    <message>
        <location filename="../../viewer/views/reading.py" line="54"/>
        <source>No images loaded</source>
        <translation>No images loaded</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="89"/>
        <source>Crosshair</source>
        <translation>Crosshair</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="89"/>
        <source>Pan</source>
        <translation>Pan</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="90"/>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="90"/>
        <source>W/L</source>
        <translation>W/L</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="91"/>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="91"/>
        <source>Ellipse ROI</source>
        <translation>Ellipse ROI</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="92"/>
        <source>Magnifier</source>
        <translation>Magnifier</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="99"/>
        <source>Lung</source>
        <translation>Lung</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="99"/>
        <source>Mediastinum</source>
        <translation>Mediastinum</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="100"/>
        <source>Bone</source>
        <translation>Bone</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="100"/>
        <source>Abdomen</source>
        <translation>Abdomen</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="106"/>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="107"/>
        <source>Thick-slab maximum intensity projection</source>
        <translation>Thick-slab maximum intensity projection</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="114"/>
        <source>Slab thickness</source>
        <translation>Slab thickness</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="117"/>
        <source>Cine</source>
        <translation>Cine</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="124"/>
        <source>Rotate left</source>
        <translation>Rotate left</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="125"/>
        <source>Rotate right</source>
        <translation>Rotate right</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="126"/>
        <source>Flip H</source>
        <translation>Flip H</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="127"/>
        <source>Flip V</source>
        <translation>Flip V</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="128"/>
        <source>Invert</source>
        <translation>Invert</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="130"/>
        <source>Fit</source>
        <translation>Fit</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="131"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="137"/>
        <source>Reset</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="139"/>
        <source>Clear measurements</source>
        <translation>Clear measurements</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="141"/>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="142"/>
        <source>Show or hide the AI findings&apos; outlines</source>
        <translation>Show or hide the AI findings&apos; outlines</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="175"/>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="178"/>
        <source>No images to show</source>
        <translation>No images to show</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="179"/>
        <source>no files to load</source>
        <translation>no files to load</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="303"/>
        <location filename="../../viewer/views/reading.py" line="305"/>
        <source>Loading %1 / %2</source>
        <translation>Loading %1 / %2</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="335"/>
        <source>Cannot show this series: %1</source>
        <translation>Cannot show this series: %1</translation>
    </message>
</context>
<context>
    <name>ReportEditorWidget</name>
    <message>
        <location filename="../../viewer/report_editor.py" line="137"/>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="137"/>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="138"/>
        <source>Impression</source>
        <translation>Impression</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="138"/>
        <source>Recommendation</source>
        <translation>Recommendation</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="141"/>
        <source>Draft</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="141"/>
        <source>Preliminary</source>
        <translation>Preliminary</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="141"/>
        <source>Final</source>
        <translation>Final</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="142"/>
        <source>Amended</source>
        <translation>Amended</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="145"/>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="146"/>
        <source>Template</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="147"/>
        <source>Categories</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="148"/>
        <source>Normal findings</source>
        <translation>Normal findings</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="149"/>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="149"/>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="149"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="150"/>
        <source>Long axis (mm)</source>
        <translation>Long axis (mm)</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="150"/>
        <source>Mean (mm)</source>
        <translation>Mean (mm)</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="150"/>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="153"/>
        <source>Phrases</source>
        <translation>Phrases</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="154"/>
        <location filename="../../viewer/report_editor.py" line="266"/>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="155"/>
        <source>Finding</source>
        <translation>Finding</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="155"/>
        <source>Who was told</source>
        <translation>Who was told</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="155"/>
        <source>How</source>
        <translation>How</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="156"/>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="160"/>
        <source>By telephone</source>
        <translation>By telephone</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="160"/>
        <source>In person</source>
        <translation>In person</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="160"/>
        <source>Hospital information system</source>
        <translation>Hospital information system</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="163"/>
        <source>Reporting doctor</source>
        <translation>Reporting doctor</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="164"/>
        <source>Verifying doctor</source>
        <translation>Verifying doctor</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="165"/>
        <source>Submit preliminary</source>
        <translation>Submit preliminary</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="166"/>
        <source>Verify and release</source>
        <translation>Verify and release</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="167"/>
        <source>Send again</source>
        <translation>Send again</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="245"/>
        <source>Keep the selected text as a phrase</source>
        <translation>Keep the selected text as a phrase</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="259"/>
        <source>Mine</source>
        <translation>Mine</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="281"/>
        <source>%1 report released at %2</source>
        <translation>%1 report released at %2</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="291"/>
        <source>Enter the reporting doctor.</source>
        <translation>Enter the reporting doctor.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="293"/>
        <source>A final report needs the verifying doctor.</source>
        <translation>A final report needs the verifying doctor.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="295"/>
        <source>The verifying doctor must be another doctor than the reporting doctor.</source>
        <translation>The verifying doctor must be another doctor than the reporting doctor.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="297"/>
        <source>A critical result cannot be released before the report records who was told, how and when.</source>
        <translation>A critical result cannot be released before the report records who was told, how and when.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="300"/>
        <source>Findings and impression must not be empty.</source>
        <translation>Findings and impression must not be empty.</translation>
    </message>
    <message>
        <location filename="../../viewer/report_editor.py" line="309"/>
        <source>Sent to the county PACS</source>
        <translation>Sent to the county PACS</translation>
    </message>
</context>
<context>
    <name>ReportViewDialog</name>
    <message>
        <location filename="../../viewer/report_view.py" line="90"/>
        <source>Preliminary report (not verified)</source>
        <translation>Preliminary report (not verified)</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="90"/>
        <source>Final report</source>
        <translation>Final report</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="91"/>
        <source>Amended report</source>
        <translation>Amended report</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="92"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="92"/>
        <source>Patient ID</source>
        <translation>Patient ID</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="92"/>
        <source>Exam</source>
        <translation>Exam</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="93"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="93"/>
        <source>Critical result</source>
        <translation>Critical result</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="93"/>
        <source>Who was told</source>
        <translation>Who was told</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="94"/>
        <source>How</source>
        <translation>How</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="94"/>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="94"/>
        <source>Key images</source>
        <translation>Key images</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="95"/>
        <source>Reporting doctor</source>
        <translation>Reporting doctor</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="95"/>
        <source>Verifying doctor</source>
        <translation>Verifying doctor</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="108"/>
        <source>Procedure</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="108"/>
        <source>Findings</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="109"/>
        <source>Impression</source>
        <translation>Impression</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="109"/>
        <source>Recommendation</source>
        <translation>Recommendation</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="127"/>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="128"/>
        <source>Print…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="129"/>
        <source>Save as PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="130"/>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="133"/>
        <source>Critical result: act on it now</source>
        <translation>Critical result: act on it now</translation>
    </message>
    <message>
        <location filename="../../viewer/report_view.py" line="170"/>
        <source>Save as PDF</source>
        <translation>Save as PDF</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="32"/>
        <source>%1: the AE title is empty</source>
        <translation>%1: the AE title is empty</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="34"/>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1: the AE title has more than 16 characters</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="37"/>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1: the AE title must not contain a backslash</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="40"/>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1: the AE title must be plain ASCII letters and digits</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="49"/>
        <location filename="../../viewer/settings_dialog.py" line="52"/>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1: the port must be a number from 1 to 65535</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="65"/>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host&quot;</source>
        <translation>Allowed peers, line %1: write &quot;AE_TITLE host&quot;</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="70"/>
        <source>Allowed peers, line %1</source>
        <translation>Allowed peers, line %1</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="77"/>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>Allowed peers, line %1: give an AE title or a host</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="108"/>
        <source>Node AE title</source>
        <translation>Node AE title</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="109"/>
        <source>Node port</source>
        <translation>Node port</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="118"/>
        <source>County AE title</source>
        <translation>County AE title</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="120"/>
        <source>County host: the host name or address is empty</source>
        <translation>County host: the host name or address is empty</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="123"/>
        <source>County host: the host name must not contain spaces</source>
        <translation>County host: the host name must not contain spaces</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="125"/>
        <source>County port</source>
        <translation>County port</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="134"/>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>Reviewer&apos;s name: at most 64 characters a part, no backslash</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="138"/>
        <source>Device must be auto, cpu or cuda</source>
        <translation>Device must be auto, cpu or cuda</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="141"/>
        <source>Model: the folder %1 does not exist</source>
        <translation>Model: the folder %1 does not exist</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="248"/>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="249"/>
        <source>This workstation (DICOM node)</source>
        <translation>This workstation (DICOM node)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="250"/>
        <source>County reading centre (forwarding destination)</source>
        <translation>County reading centre (forwarding destination)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="251"/>
        <source>AI model</source>
        <translation>AI model</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="252"/>
        <source>User interface</source>
        <translation>User interface</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="253"/>
        <location filename="../../viewer/settings_dialog.py" line="255"/>
        <source>AE title:</source>
        <translation>AE title:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="253"/>
        <location filename="../../viewer/settings_dialog.py" line="256"/>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="254"/>
        <source>Allowed peers
(AE_TITLE host, one a line):</source>
        <translation>Allowed peers
(AE_TITLE host, one a line):</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="255"/>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="256"/>
        <source>Model folder:</source>
        <translation>Model folder:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="257"/>
        <source>Device:</source>
        <translation>Device:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="257"/>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="258"/>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&apos;s name:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="263"/>
        <source>empty: the model shipped with township-pacs</source>
        <translation>empty: the model shipped with township-pacs</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="264"/>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>e.g. 王^医生; empty: asked when a review is saved</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="265"/>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="266"/>
        <source>automatic (GPU when there is one)</source>
        <translation>automatic (GPU when there is one)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>Any device on the network may send studies: list the allowed peers.</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="278"/>
        <source>Model folder</source>
        <translation>Model folder</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="307"/>
        <source>Settings not saved</source>
        <translation>Settings not saved</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="308"/>
        <source>Please correct:</source>
        <translation>Please correct:</translation>
    </message>
</context>
<context>
    <name>StudyTableModel</name>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Patient ID</source>
        <translation>Patient ID</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Sex/Age</source>
        <translation>Sex/Age</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Modality</source>
        <translation>Modality</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="33"/>
        <source>Forwarding</source>
        <translation>Forwarding</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="33"/>
        <source>Report</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>F</source>
        <translation>F</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>O</source>
        <translation>O</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="37"/>
        <source>%1 y</source>
        <translation>%1 y</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="43"/>
        <source>receiving…</source>
        <translation>receiving…</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="46"/>
        <source>done</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="47"/>
        <source>%1 findings</source>
        <translation>%1 findings</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <source>pending</source>
        <translation>pending</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <location filename="../../viewer/browser.py" line="54"/>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="49"/>
        <source>not applicable</source>
        <translation>not applicable</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>queued</source>
        <translation>queued</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>sending</source>
        <translation>sending</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>sent</source>
        <translation>sent</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="59"/>
        <source>critical</source>
        <translation>critical</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="60"/>
        <location filename="../../viewer/browser.py" line="111"/>
        <source>preliminary</source>
        <translation>preliminary</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="60"/>
        <location filename="../../viewer/browser.py" line="111"/>
        <source>final</source>
        <translation>final</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="61"/>
        <location filename="../../viewer/browser.py" line="112"/>
        <source>amended</source>
        <translation>amended</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="61"/>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="110"/>
        <source>Critical result; the report is %1</source>
        <translation>Critical result; the report is %1</translation>
    </message>
</context>
<context>
    <name>_NoReadingView</name>
    <message>
        <location filename="../../viewer/main_window.py" line="61"/>
        <location filename="../../viewer/main_window.py" line="64"/>
        <source>The image view is not available in this installation.</source>
        <translation>The image view is not available in this installation.</translation>
    </message>
</context>
</TS>
