<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddNoduleDialog</name>
    <message>
        <location filename="../../viewer/findings_panel.py" line="235"/>
        <source>Add nodule</source>
        <translation>添加结节</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="246"/>
        <source>Position:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="247"/>
        <source>Diameter (mm):</source>
        <translation>直径 (mm)：</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="248"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
</context>
<context>
    <name>BrowserWidget</name>
    <message>
        <location filename="../../viewer/browser.py" line="213"/>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="214"/>
        <source>Patient name or ID</source>
        <translation>患者姓名或 ID</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="215"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="216"/>
        <source>Modality:</source>
        <translation>检查类型：</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="217"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="218"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="223"/>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>AI pending</source>
        <translation>AI 等待中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="226"/>
        <source>AI running</source>
        <translation>AI 分析中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="227"/>
        <source>AI done</source>
        <translation>AI 已完成</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="227"/>
        <source>AI failed</source>
        <translation>AI 失败</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="228"/>
        <source>Forwarding queued</source>
        <translation>等待上传</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="228"/>
        <source>Forwarding now</source>
        <translation>正在上传</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="229"/>
        <source>Forwarded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="229"/>
        <source>Forwarding failed</source>
        <translation>上传失败</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="315"/>
        <source>%1 studies</source>
        <translation>共 %1 个检查</translation>
    </message>
</context>
<context>
    <name>CountyPanel</name>
    <message>
        <location filename="../../viewer/county_panel.py" line="232"/>
        <source>name or ID</source>
        <translation>姓名或编号</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="233"/>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="234"/>
        <source>Township:</source>
        <translation>乡镇：</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="235"/>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="236"/>
        <source>Modality:</source>
        <translation>检查类型：</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="237"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="238"/>
        <source>to read</source>
        <translation>待阅</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="238"/>
        <location filename="../../viewer/county_panel.py" line="243"/>
        <location filename="../../viewer/county_panel.py" line="249"/>
        <location filename="../../viewer/county_panel.py" line="307"/>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="238"/>
        <source>unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="239"/>
        <source>being read</source>
        <translation>阅片中</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="239"/>
        <source>preliminary</source>
        <translation>初步报告</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="239"/>
        <source>final</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="240"/>
        <source>amended</source>
        <translation>已修订</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="244"/>
        <source>Examined:</source>
        <translation>检查日期：</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="245"/>
        <source>any day</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="245"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="245"/>
        <source>last 2 days</source>
        <translation>近 2 天</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="245"/>
        <source>last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="250"/>
        <source>AI-detected, for reference only</source>
        <translation>AI 辅助检出，仅供参考</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="252"/>
        <source>Double-click a study to fetch and read it.</source>
        <translation>双击检查即可获取并阅片。</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="268"/>
        <source>%1 studies shown, %2 to read, %3 overdue</source>
        <translation>显示 %1 个检查，待阅 %2 个，超时 %3 个</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="271"/>
        <source>not reachable: %1</source>
        <translation>无法连接：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="302"/>
        <source>Worklist not refreshed: %1</source>
        <translation>工作列表未能刷新：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="348"/>
        <source>Being read</source>
        <translation>正在阅片</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="349"/>
        <source>%1 is already reading this study at %2. Open it anyway, without claiming it?</source>
        <translation>%1 正在 %2 阅读此检查。仍要打开（不认领）吗？</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="354"/>
        <source>Could not claim the study: %1</source>
        <translation>无法认领此检查：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="359"/>
        <source>Fetching…</source>
        <translation>正在获取…</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="420"/>
        <source>Fetching %1 of %2 images…</source>
        <translation>正在获取图像 %1 / %2…</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="426"/>
        <source>Fetch failed (what arrived is kept; try again): %1</source>
        <translation>获取失败（已收到的图像已保留，请重试）：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="427"/>
        <source>Fetch failed</source>
        <translation>获取失败</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="429"/>
        <source>Fetched; opening.</source>
        <translation>已获取，正在打开。</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../viewer/findings_panel.py" line="71"/>
        <source>AI findings</source>
        <translation>AI 检出结果</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Size (mm)</source>
        <translation>大小 (mm)</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="72"/>
        <source>Score</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Lung-RADS</source>
        <translation>Lung-RADS</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Slice</source>
        <translation>层面</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="73"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="74"/>
        <source>Show outlines</source>
        <translation>显示轮廓</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="75"/>
        <source>Accept</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="76"/>
        <source>Reject</source>
        <translation>否定</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="77"/>
        <source>Correct diameter…</source>
        <translation>修正直径…</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="78"/>
        <source>Add nodule at crosshair…</source>
        <translation>在十字线处添加结节…</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="79"/>
        <source>Save review</source>
        <translation>保存审核</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="88"/>
        <source>solid</source>
        <translation>实性</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="88"/>
        <source>part-solid</source>
        <translation>部分实性</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="89"/>
        <source>ground-glass</source>
        <translation>磨玻璃</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="89"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>rejected</source>
        <translation>已否定</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="92"/>
        <source>not reviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="94"/>
        <source>added</source>
        <translation>医生添加</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="96"/>
        <source>corrected</source>
        <translation>已修正</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="143"/>
        <source>Findings review is for CT studies.</source>
        <translation>结节审核仅适用于 CT 检查。</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="145"/>
        <source>No study open.</source>
        <translation>未打开检查。</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="147"/>
        <source>No AI findings for this study.</source>
        <translation>本检查无 AI 检出结果。</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="150"/>
        <source>%1 accepted, %2 rejected, %3 not reviewed</source>
        <translation>已确认 %1，已否定 %2，未审核 %3</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="205"/>
        <location filename="../../viewer/findings_panel.py" line="208"/>
        <location filename="../../viewer/findings_panel.py" line="214"/>
        <source>Correct diameter</source>
        <translation>修正直径</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="205"/>
        <source>Select a finding first.</source>
        <translation>请先选择一个结果。</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="208"/>
        <source>Diameter (mm):</source>
        <translation>直径 (mm)：</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="219"/>
        <location filename="../../viewer/findings_panel.py" line="227"/>
        <source>Add nodule</source>
        <translation>添加结节</translation>
    </message>
    <message>
        <location filename="../../viewer/findings_panel.py" line="220"/>
        <source>Click the nodule in the image first to place the crosshair.</source>
        <translation>请先在图像上点击结节以放置十字线。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../viewer/main_window.py" line="185"/>
        <source>township-pacs workstation</source>
        <translation>乡镇 PACS 工作站</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="186"/>
        <source>Studies</source>
        <translation>检查列表</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="186"/>
        <source>Worklist</source>
        <translation>工作列表</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="187"/>
        <source>Reading</source>
        <translation>阅片</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="188"/>
        <source>Series:</source>
        <translation>序列：</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="193"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="194"/>
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="195"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="196"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="197"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="290"/>
        <source>County reading station %1 — PACS: %2</source>
        <translation>县级阅片站 %1 — PACS：%2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="293"/>
        <source>Receiving as %1 on port %2</source>
        <translation>正在接收：%1，端口 %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="295"/>
        <source>Starting the DICOM node…</source>
        <translation>正在启动 DICOM 节点…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="297"/>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>端口 %1 已被占用：本工作站无法接收影像（是否已有另一个节点在运行？）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="300"/>
        <source>DICOM node not running: %1</source>
        <translation>DICOM 节点未运行：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="302"/>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="303"/>
        <source>DICOM node not running</source>
        <translation>DICOM 节点未运行</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="327"/>
        <location filename="../../viewer/main_window.py" line="425"/>
        <source>Unsaved review</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="328"/>
        <source>The review has not been saved. Close anyway?</source>
        <translation>审核尚未保存。仍要关闭吗？</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="349"/>
        <source>Cannot open the study: %1</source>
        <translation>无法打开检查：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="375"/>
        <source>No images to show in %1</source>
        <translation>%1 中没有可显示的图像</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="393"/>
        <source>(%1 images)</source>
        <translation>（%1 幅）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="426"/>
        <source>The review has not been saved. Discard it?</source>
        <translation>审核尚未保存。要放弃吗？</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="441"/>
        <source>Open a folder of DICOM files</source>
        <translation>打开 DICOM 文件夹</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="462"/>
        <source>Loaded %1 images</source>
        <translation>已载入 %1 幅图像</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="474"/>
        <source>%1 unreadable files skipped: %2</source>
        <translation>已跳过 %1 个无法读取的文件：%2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="533"/>
        <source>No study open.</source>
        <translation>未打开检查。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="538"/>
        <source>Review saved by %1</source>
        <translation>审核已保存（审核人：%1）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="559"/>
        <source>Save review</source>
        <translation>保存审核</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="559"/>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="563"/>
        <location filename="../../viewer/main_window.py" line="569"/>
        <location filename="../../viewer/main_window.py" line="572"/>
        <source>Review not saved</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="564"/>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>保存审核需要填写审核医生姓名。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="596"/>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>设置已保存，DICOM 节点正在重新启动。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="598"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
</context>
<context>
    <name>MprController</name>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Axial</source>
        <translation>轴位</translation>
    </message>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Coronal</source>
        <translation>冠状位</translation>
    </message>
    <message>
        <location filename="../../viewer/views/ct_views.py" line="171"/>
        <source>Sagittal</source>
        <translation>矢状位</translation>
    </message>
</context>
<context>
    <name>ReadingWidget</name>
    <message>
        <location filename="../../viewer/views/reading.py" line="54"/>
        <source>No images loaded</source>
        <translation>未载入图像</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="89"/>
        <source>Crosshair</source>
        <translation>十字线</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="89"/>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="90"/>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="90"/>
        <source>W/L</source>
        <translation>窗宽窗位</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="91"/>
        <source>Distance</source>
        <translation>测距</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="91"/>
        <source>Ellipse ROI</source>
        <translation>椭圆 ROI</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="92"/>
        <source>Magnifier</source>
        <translation>放大镜</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="99"/>
        <source>Lung</source>
        <translation>肺窗</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="99"/>
        <source>Mediastinum</source>
        <translation>纵隔窗</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="100"/>
        <source>Bone</source>
        <translation>骨窗</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="100"/>
        <source>Abdomen</source>
        <translation>腹部窗</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="106"/>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="107"/>
        <source>Thick-slab maximum intensity projection</source>
        <translation>厚层最大密度投影</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="114"/>
        <source>Slab thickness</source>
        <translation>层厚</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="117"/>
        <source>Cine</source>
        <translation>电影播放</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="124"/>
        <source>Rotate left</source>
        <translation>向左旋转</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="125"/>
        <source>Rotate right</source>
        <translation>向右旋转</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="126"/>
        <source>Flip H</source>
        <translation>水平翻转</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="127"/>
        <source>Flip V</source>
        <translation>垂直翻转</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="128"/>
        <source>Invert</source>
        <translation>反色</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="130"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="131"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="137"/>
        <source>Reset</source>
        <translation>复位</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="139"/>
        <source>Clear measurements</source>
        <translation>清除测量</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="141"/>
        <source>Findings</source>
        <translation>结节标记</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="142"/>
        <source>Show or hide the AI findings&apos; outlines</source>
        <translation>显示或隐藏 AI 结节轮廓</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="175"/>
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="178"/>
        <source>No images to show</source>
        <translation>没有可显示的图像</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="179"/>
        <source>no files to load</source>
        <translation>没有可载入的文件</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="303"/>
        <location filename="../../viewer/views/reading.py" line="305"/>
        <source>Loading %1 / %2</source>
        <translation>正在载入 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../viewer/views/reading.py" line="335"/>
        <source>Cannot show this series: %1</source>
        <translation>无法显示此序列：%1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="32"/>
        <source>%1: the AE title is empty</source>
        <translation>%1：AE 名称为空</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="34"/>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1：AE 名称超过 16 个字符</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="37"/>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1：AE 名称不能包含反斜杠</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="40"/>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1：AE 名称只能使用英文字母和数字</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="49"/>
        <location filename="../../viewer/settings_dialog.py" line="52"/>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1：端口必须是 1 到 65535 之间的数字</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="65"/>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host&quot;</source>
        <translation>允许的设备，第 %1 行：请写成“AE名称 主机”</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="70"/>
        <source>Allowed peers, line %1</source>
        <translation>允许的设备，第 %1 行</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="77"/>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>允许的设备，第 %1 行：请填写 AE 名称或主机</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="108"/>
        <source>Node AE title</source>
        <translation>节点 AE 名称</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="109"/>
        <source>Node port</source>
        <translation>节点端口</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="118"/>
        <source>County AE title</source>
        <translation>县级 AE 名称</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="120"/>
        <source>County host: the host name or address is empty</source>
        <translation>县级主机：主机名或地址为空</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="123"/>
        <source>County host: the host name must not contain spaces</source>
        <translation>县级主机：主机名不能包含空格</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="125"/>
        <source>County port</source>
        <translation>县级端口</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="134"/>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>审核医生姓名：每部分最多 64 个字符，不能包含反斜杠</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="138"/>
        <source>Device must be auto, cpu or cuda</source>
        <translation>计算设备必须是 auto、cpu 或 cuda</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="141"/>
        <source>Model: the folder %1 does not exist</source>
        <translation>模型：文件夹 %1 不存在</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="255"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="256"/>
        <source>This workstation (DICOM node)</source>
        <translation>本工作站（DICOM 节点）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="257"/>
        <source>County reading centre (forwarding destination)</source>
        <translation>县级诊断中心（上传目标）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="258"/>
        <source>AI model</source>
        <translation>AI 模型</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="259"/>
        <source>User interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="260"/>
        <location filename="../../viewer/settings_dialog.py" line="262"/>
        <source>AE title:</source>
        <translation>AE 名称：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="260"/>
        <location filename="../../viewer/settings_dialog.py" line="263"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="261"/>
        <source>Allowed peers
(AE_TITLE host, one a line):</source>
        <translation>允许的设备
（每行：AE名称 主机）：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="262"/>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="263"/>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="264"/>
        <source>Device:</source>
        <translation>计算设备：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="264"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="265"/>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="265"/>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="270"/>
        <source>empty: the model shipped with township-pacs</source>
        <translation>留空：使用随软件提供的模型</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="271"/>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>例如 王^医生；留空则在保存审核时询问</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="272"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>automatic (GPU when there is one)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="276"/>
        <source>township workstation</source>
        <translation>乡镇工作站</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="277"/>
        <source>county reading station (restart to switch)</source>
        <translation>县级阅片站（重启后切换）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="284"/>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>网络上任何设备都可以发送影像：请填写允许的设备。</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="289"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="318"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="319"/>
        <source>Please correct:</source>
        <translation>请更正：</translation>
    </message>
</context>
<context>
    <name>StudyTableModel</name>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Patient ID</source>
        <translation>患者 ID</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Sex/Age</source>
        <translation>性别/年龄</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="31"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Modality</source>
        <translation>检查类型</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Description</source>
        <translation>检查描述</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="32"/>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="33"/>
        <source>Forwarding</source>
        <translation>上传</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="36"/>
        <source>O</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="37"/>
        <source>%1 y</source>
        <translation>%1岁</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="43"/>
        <source>receiving…</source>
        <translation>接收中…</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="46"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="47"/>
        <source>%1 findings</source>
        <translation>%1 个结节</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <source>running</source>
        <translation>分析中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="48"/>
        <location filename="../../viewer/browser.py" line="54"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="49"/>
        <source>not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>sending</source>
        <translation>上传中</translation>
    </message>
    <message>
        <location filename="../../viewer/browser.py" line="53"/>
        <source>sent</source>
        <translation>已上传</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../viewer/county_panel.py" line="36"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="37"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="47"/>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="47"/>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="47"/>
        <source>Sex/Age</source>
        <translation>性别/年龄</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="47"/>
        <source>Exam</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="47"/>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="48"/>
        <source>Arrived</source>
        <translation>检查时间</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="48"/>
        <source>Waited</source>
        <translation>已等待</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="48"/>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="48"/>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="48"/>
        <source>Reading</source>
        <translation>阅片状态</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="54"/>
        <source>being read by %1</source>
        <translation>%1 阅片中</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="55"/>
        <source>unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="55"/>
        <source>preliminary</source>
        <translation>初步报告</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="55"/>
        <source>final</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="56"/>
        <source>amended</source>
        <translation>已修订</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="62"/>
        <source>no nodules</source>
        <translation>未见结节</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="63"/>
        <source>mass</source>
        <translation>肿块</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="64"/>
        <source>%1 findings, highest %2</source>
        <translation>%1 个结节，最高 %2</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="74"/>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="74"/>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="74"/>
        <source>O</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="75"/>
        <source>%1 y</source>
        <translation>%1岁</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="91"/>
        <source>(overdue %1)</source>
        <translation>（超时 %1）</translation>
    </message>
    <message>
        <location filename="../../viewer/county_panel.py" line="109"/>
        <source>AI-detected, for reference only</source>
        <translation>AI 辅助检出，仅供参考</translation>
    </message>
</context>
<context>
    <name>_NoReadingView</name>
    <message>
        <location filename="../../viewer/main_window.py" line="61"/>
        <location filename="../../viewer/main_window.py" line="64"/>
        <source>The image view is not available in this installation.</source>
        <translation>此安装中没有图像显示模块。</translation>
    </message>
</context>
</TS>
