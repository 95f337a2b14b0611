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
        <location filename="../../viewer/main_window.py" line="181"/>
        <source>township-pacs workstation</source>
        <translation>乡镇 PACS 工作站</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="182"/>
        <source>Studies</source>
        <translation>检查列表</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="183"/>
        <source>Reading</source>
        <translation>阅片</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="184"/>
        <source>Series:</source>
        <translation>序列：</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="189"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="190"/>
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="191"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="192"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="193"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="297"/>
        <source>Receiving through the DICOM node service (%1 on port %2)</source>
        <translation>通过 DICOM 节点服务接收中（%1，端口 %2）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="300"/>
        <source>Receiving as %1 on port %2</source>
        <translation>正在接收：%1，端口 %2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="302"/>
        <source>Starting the DICOM node…</source>
        <translation>正在启动 DICOM 节点…</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="304"/>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>端口 %1 已被占用：本工作站无法接收影像（是否已有另一个节点在运行？）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="307"/>
        <source>DICOM node not running: %1</source>
        <translation>DICOM 节点未运行：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="309"/>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="310"/>
        <source>DICOM node not running</source>
        <translation>DICOM 节点未运行</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="334"/>
        <location filename="../../viewer/main_window.py" line="430"/>
        <source>Unsaved review</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="335"/>
        <source>The review has not been saved. Close anyway?</source>
        <translation>审核尚未保存。仍要关闭吗？</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="354"/>
        <source>Cannot open the study: %1</source>
        <translation>无法打开检查：%1</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="380"/>
        <source>No images to show in %1</source>
        <translation>%1 中没有可显示的图像</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="398"/>
        <source>(%1 images)</source>
        <translation>（%1 幅）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="431"/>
        <source>The review has not been saved. Discard it?</source>
        <translation>审核尚未保存。要放弃吗？</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="446"/>
        <source>Open a folder of DICOM files</source>
        <translation>打开 DICOM 文件夹</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="467"/>
        <source>Loaded %1 images</source>
        <translation>已载入 %1 幅图像</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="479"/>
        <source>%1 unreadable files skipped: %2</source>
        <translation>已跳过 %1 个无法读取的文件：%2</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="538"/>
        <source>No study open.</source>
        <translation>未打开检查。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="543"/>
        <source>Review saved by %1</source>
        <translation>审核已保存（审核人：%1）</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="564"/>
        <source>Save review</source>
        <translation>保存审核</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="564"/>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="568"/>
        <location filename="../../viewer/main_window.py" line="574"/>
        <location filename="../../viewer/main_window.py" line="577"/>
        <source>Review not saved</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="569"/>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>保存审核需要填写审核医生姓名。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="601"/>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>设置已保存，DICOM 节点正在重新启动。</translation>
    </message>
    <message>
        <location filename="../../viewer/main_window.py" line="603"/>
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
        <location filename="../../viewer/settings_dialog.py" line="33"/>
        <source>%1: the AE title is empty</source>
        <translation>%1：AE 名称为空</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="35"/>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1：AE 名称超过 16 个字符</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="38"/>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1：AE 名称不能包含反斜杠</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="41"/>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1：AE 名称只能使用英文字母和数字</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="50"/>
        <location filename="../../viewer/settings_dialog.py" line="53"/>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1：端口必须是 1 到 65535 之间的数字</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="76"/>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host rights&quot;</source>
        <translation>允许的设备，第 %1 行：请写成“AE名称 主机 权限”</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="81"/>
        <source>Allowed peers, line %1</source>
        <translation>允许的设备，第 %1 行</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="88"/>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>允许的设备，第 %1 行：请填写 AE 名称或主机</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="122"/>
        <source>Node AE title</source>
        <translation>节点 AE 名称</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="123"/>
        <source>Node port</source>
        <translation>节点端口</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="132"/>
        <source>County AE title</source>
        <translation>县级 AE 名称</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="134"/>
        <source>County host: the host name or address is empty</source>
        <translation>县级主机：主机名或地址为空</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="137"/>
        <source>County host: the host name must not contain spaces</source>
        <translation>县级主机：主机名不能包含空格</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="139"/>
        <source>County port</source>
        <translation>县级端口</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="148"/>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>审核医生姓名：每部分最多 64 个字符，不能包含反斜杠</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="152"/>
        <source>Device must be auto, cpu or cuda</source>
        <translation>计算设备必须是 auto、cpu 或 cuda</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="155"/>
        <source>Model: the folder %1 does not exist</source>
        <translation>模型：文件夹 %1 不存在</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="263"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="264"/>
        <source>This workstation (DICOM node)</source>
        <translation>本工作站（DICOM 节点）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="265"/>
        <source>County reading centre (forwarding destination)</source>
        <translation>县级诊断中心（上传目标）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="266"/>
        <source>AI model</source>
        <translation>AI 模型</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="267"/>
        <source>User interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="268"/>
        <location filename="../../viewer/settings_dialog.py" line="271"/>
        <source>AE title:</source>
        <translation>AE 名称：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="268"/>
        <location filename="../../viewer/settings_dialog.py" line="272"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="269"/>
        <source>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</source>
        <translation>允许的设备（每行一个）：
AE名称 主机 权限
（权限：store 接收,find 查询,get 获取,move 转发）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="271"/>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="272"/>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>Device:</source>
        <translation>计算设备：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="273"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="274"/>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="279"/>
        <source>empty: the model shipped with township-pacs</source>
        <translation>留空：使用随软件提供的模型</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="280"/>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>例如 王^医生；留空则在保存审核时询问</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="281"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="282"/>
        <source>automatic (GPU when there is one)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="289"/>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>网络上任何设备都可以发送影像：请填写允许的设备。</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="294"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="323"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location filename="../../viewer/settings_dialog.py" line="324"/>
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
    <name>_NoReadingView</name>
    <message>
        <location filename="../../viewer/main_window.py" line="61"/>
        <location filename="../../viewer/main_window.py" line="64"/>
        <source>The image view is not available in this installation.</source>
        <translation>此安装中没有图像显示模块。</translation>
    </message>
</context>
</TS>
