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
        <location filename="../../viewer/browser.py" line="213"/>
        <source>Search:</source>
        <translation>Search:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="214"/>
        <source>Patient name or ID</source>
        <translation>Patient name or ID</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="215"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="216"/>
        <source>Modality:</source>
        <translation>Modality:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="217"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="218"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="223"/>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>AI pending</source>
        <translation>AI pending</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>AI running</source>
        <translation>AI running</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="227"/>
        <source>AI done</source>
        <translation>AI done</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="227"/>
        <source>AI failed</source>
        <translation>AI failed</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="228"/>
        <source>Forwarding queued</source>
        <translation>Forwarding queued</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="228"/>
        <source>Forwarding now</source>
        <translation>Forwarding now</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="229"/>
        <source>Forwarded</source>
        <translation>Forwarded</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="229"/>
        <source>Forwarding failed</source>
        <translation>Forwarding failed</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="315"/>
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
        <location filename="../../viewer/main_window.py" line="181"/>
        <source>township-pacs workstation</source>
        <translation>township-pacs workstation</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="182"/>
        <source>Studies</source>
        <translation>Studies</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="183"/>
        <source>Reading</source>
        <translation>Reading</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="184"/>
        <source>Series:</source>
        <translation>Series:</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="189"/>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="190"/>
        <source>&amp;Open folder…</source>
        <translation>&amp;Open folder…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="191"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="192"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="193"/>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="297"/>
        <source>Receiving through the DICOM node service (%1 on port %2)</source>
        <translation>Receiving through the DICOM node service (%1 on port %2)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="300"/>
        <source>Receiving as %1 on port %2</source>
        <translation>Receiving as %1 on port %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="302"/>
        <source>Starting the DICOM node…</source>
        <translation>Starting the DICOM node…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="304"/>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>Port %1 is already in use: this workstation is not receiving (is another node running?)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="307"/>
        <source>DICOM node not running: %1</source>
        <translation>DICOM node not running: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="309"/>
        <source>Folder: %1</source>
        <translation>Folder: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="310"/>
        <source>DICOM node not running</source>
        <translation>DICOM node not running</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="334"/>
        <location filename="../../viewer/main_window.py" line="430"/>
        <source>Unsaved review</source>
        <translation>Unsaved review</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="335"/>
        <source>The review has not been saved. Close anyway?</source>
        <translation>The review has not been saved. Close anyway?</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="354"/>
        <source>Cannot open the study: %1</source>
        <translation>Cannot open the study: %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="380"/>
        <source>No images to show in %1</source>
        <translation>No images to show in %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="398"/>
        <source>(%1 images)</source>
        <translation>(%1 images)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="431"/>
        <source>The review has not been saved. Discard it?</source>
        <translation>The review has not been saved. Discard it?</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="446"/>
        <source>Open a folder of DICOM files</source>
        <translation>Open a folder of DICOM files</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="467"/>
        <source>Loaded %1 images</source>
        <translation>Loaded %1 images</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="479"/>
        <source>%1 unreadable files skipped: %2</source>
        <translation>%1 unreadable files skipped: %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="538"/>
        <source>No study open.</source>
        <translation>No study open.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="543"/>
        <source>Review saved by %1</source>
        <translation>Review saved by %1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="564"/>
        <source>Save review</source>
        <translation>Save review</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="564"/>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&apos;s name:</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="568"/>
        <location filename="../../viewer/main_window.py" line="574"/>
        <location filename="../../viewer/main_window.py" line="577"/>
        <source>Review not saved</source>
        <translation>Review not saved</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="569"/>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>A review needs the reviewer&apos;s name.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="601"/>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>Settings saved; the DICOM node is restarting.</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="603"/>
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
    <name>SettingsDialog</name>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="33"/>
        <source>%1: the AE title is empty</source>
        <translation>%1: the AE title is empty</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="35"/>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1: the AE title has more than 16 characters</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="38"/>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1: the AE title must not contain a backslash</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="41"/>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1: the AE title must be plain ASCII letters and digits</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="50"/>
        <location filename="../../viewer/settings_dialog.py" line="53"/>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1: the port must be a number from 1 to 65535</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="76"/>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host rights&quot;</source>
        <translation>Allowed peers, line %1: write &quot;AE_TITLE host rights&quot;</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="81"/>
        <source>Allowed peers, line %1</source>
        <translation>Allowed peers, line %1</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="88"/>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>Allowed peers, line %1: give an AE title or a host</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="122"/>
        <source>Node AE title</source>
        <translation>Node AE title</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="123"/>
        <source>Node port</source>
        <translation>Node port</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="132"/>
        <source>County AE title</source>
        <translation>County AE title</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="134"/>
        <source>County host: the host name or address is empty</source>
        <translation>County host: the host name or address is empty</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="137"/>
        <source>County host: the host name must not contain spaces</source>
        <translation>County host: the host name must not contain spaces</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="139"/>
        <source>County port</source>
        <translation>County port</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="148"/>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>Reviewer&apos;s name: at most 64 characters a part, no backslash</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="152"/>
        <source>Device must be auto, cpu or cuda</source>
        <translation>Device must be auto, cpu or cuda</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="155"/>
        <source>Model: the folder %1 does not exist</source>
        <translation>Model: the folder %1 does not exist</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="263"/>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="264"/>
        <source>This workstation (DICOM node)</source>
        <translation>This workstation (DICOM node)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="265"/>
        <source>County reading centre (forwarding destination)</source>
        <translation>County reading centre (forwarding destination)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="266"/>
        <source>AI model</source>
        <translation>AI model</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="267"/>
        <source>User interface</source>
        <translation>User interface</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="268"/>
        <location filename="../../viewer/settings_dialog.py" line="271"/>
        <source>AE title:</source>
        <translation>AE title:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="268"/>
        <location filename="../../viewer/settings_dialog.py" line="272"/>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="269"/>
        <source>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</source>
        <translation>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="271"/>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="272"/>
        <source>Model folder:</source>
        <translation>Model folder:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>Device:</source>
        <translation>Device:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="274"/>
        <source>Reviewer&apos;s name:</source>
        <translation>Reviewer&apos;s name:</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="279"/>
        <source>empty: the model shipped with township-pacs</source>
        <translation>empty: the model shipped with township-pacs</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="280"/>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>e.g. 王^医生; empty: asked when a review is saved</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="281"/>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="282"/>
        <source>automatic (GPU when there is one)</source>
        <translation>automatic (GPU when there is one)</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="289"/>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>Any device on the network may send studies: list the allowed peers.</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="294"/>
        <source>Model folder</source>
        <translation>Model folder</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="323"/>
        <source>Settings not saved</source>
        <translation>Settings not saved</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="324"/>
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
