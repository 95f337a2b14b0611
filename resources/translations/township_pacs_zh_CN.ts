<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddNoduleDialog</name>
    <message>
        <source>Add nodule</source>
        <translation>添加结节</translation>
    </message>
    <message>
        <source>Position:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <source>Diameter (mm):</source>
        <translation>直径 (mm)：</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
</context>
<context>
    <name>BrowserWidget</name>
    <message>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <source>Patient name or ID</source>
        <translation>患者姓名或 ID</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Modality:</source>
        <translation>检查类型：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>AI pending</source>
        <translation>AI 等待中</translation>
    </message>
    <message>
        <source>AI running</source>
        <translation>AI 分析中</translation>
    </message>
    <message>
        <source>AI done</source>
        <translation>AI 已完成</translation>
    </message>
    <message>
        <source>AI failed</source>
        <translation>AI 失败</translation>
    </message>
    <message>
        <source>Forwarding queued</source>
        <translation>等待上传</translation>
    </message>
    <message>
        <source>Forwarding now</source>
        <translation>正在上传</translation>
    </message>
    <message>
        <source>Forwarded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <source>Forwarding failed</source>
        <translation>上传失败</translation>
    </message>
    <message>
        <source>%1 studies</source>
        <translation>共 %1 个检查</translation>
    </message>
</context>
<context>
    <name>CountyPanel</name>
    <message>
        <source>name or ID</source>
        <translation>姓名或编号</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <source>Township:</source>
        <translation>乡镇：</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Modality:</source>
        <translation>检查类型：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>to read</source>
        <translation>待阅</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <source>being read</source>
        <translation>阅片中</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>初步报告</translation>
    </message>
    <message>
        <source>final</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>已修订</translation>
    </message>
    <message>
        <source>Examined:</source>
        <translation>检查日期：</translation>
    </message>
    <message>
        <source>any day</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>last 2 days</source>
        <translation>近 2 天</translation>
    </message>
    <message>
        <source>last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI 辅助检出，仅供参考</translation>
    </message>
    <message>
        <source>Double-click a study to fetch and read it.</source>
        <translation>双击检查即可获取并阅片。</translation>
    </message>
    <message>
        <source>%1 studies shown, %2 to read, %3 overdue</source>
        <translation>显示 %1 个检查，待阅 %2 个，超时 %3 个</translation>
    </message>
    <message>
        <source>not reachable: %1</source>
        <translation>无法连接：%1</translation>
    </message>
    <message>
        <source>Worklist not refreshed: %1</source>
        <translation>工作列表未能刷新：%1</translation>
    </message>
    <message>
        <source>Being read</source>
        <translation>正在阅片</translation>
    </message>
    <message>
        <source>%1 is already reading this study at %2. Open it anyway, without claiming it?</source>
        <translation>%1 正在 %2 阅读此检查。仍要打开（不认领）吗？</translation>
    </message>
    <message>
        <source>Could not claim the study: %1</source>
        <translation>无法认领此检查：%1</translation>
    </message>
    <message>
        <source>Fetching…</source>
        <translation>正在获取…</translation>
    </message>
    <message>
        <source>Fetching %1 of %2 images…</source>
        <translation>正在获取图像 %1 / %2…</translation>
    </message>
    <message>
        <source>Fetch failed (what arrived is kept; try again): %1</source>
        <translation>获取失败（已收到的图像已保留，请重试）：%1</translation>
    </message>
    <message>
        <source>Fetch failed</source>
        <translation>获取失败</translation>
    </message>
    <message>
        <source>Fetched; opening.</source>
        <translation>已获取，正在打开。</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <source>AI findings</source>
        <translation>AI 检出结果</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Long/mean (mm)</source>
        <translation>长径/平均径 (mm)</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Lung-RADS</source>
        <translation>Lung-RADS</translation>
    </message>
    <message>
        <source>Slice</source>
        <translation>层面</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Show outlines</source>
        <translation>显示轮廓</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>否定</translation>
    </message>
    <message>
        <source>Correct diameter…</source>
        <translation>修正直径…</translation>
    </message>
    <message>
        <source>Add nodule at crosshair…</source>
        <translation>在十字线处添加结节…</translation>
    </message>
    <message>
        <source>Save review</source>
        <translation>保存审核</translation>
    </message>
    <message>
        <source>solid</source>
        <translation>实性</translation>
    </message>
    <message>
        <source>part-solid</source>
        <translation>部分实性</translation>
    </message>
    <message>
        <source>ground-glass</source>
        <translation>磨玻璃</translation>
    </message>
    <message>
        <source>calcified</source>
        <translation>钙化</translation>
    </message>
    <message>
        <source>mass</source>
        <translation>肿块</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>right lung</source>
        <translation>右肺</translation>
    </message>
    <message>
        <source>left lung</source>
        <translation>左肺</translation>
    </message>
    <message>
        <source>upper zone</source>
        <translation>上野</translation>
    </message>
    <message>
        <source>middle zone</source>
        <translation>中野</translation>
    </message>
    <message>
        <source>lower zone</source>
        <translation>下野</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1%2</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI 辅助检出，仅供参考</translation>
    </message>
    <message>
        <source>not clinically validated</source>
        <translation>未经临床验证</translation>
    </message>
    <message>
        <source>not validated on real scans</source>
        <translation>未在真实影像上验证</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已否定</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <source>added</source>
        <translation>医生添加</translation>
    </message>
    <message>
        <source>corrected</source>
        <translation>已修正</translation>
    </message>
    <message>
        <source>Findings review is for CT studies.</source>
        <translation>结节审核仅适用于 CT 检查。</translation>
    </message>
    <message>
        <source>No study open.</source>
        <translation>未打开检查。</translation>
    </message>
    <message>
        <source>No AI findings for this study.</source>
        <translation>本检查无 AI 检出结果。</translation>
    </message>
    <message>
        <source>%1 accepted, %2 rejected, %3 not reviewed</source>
        <translation>已确认 %1，已否定 %2，未审核 %3</translation>
    </message>
    <message>
        <source>Correct diameter</source>
        <translation>修正直径</translation>
    </message>
    <message>
        <source>Select a finding first.</source>
        <translation>请先选择一个结果。</translation>
    </message>
    <message>
        <source>Diameter (mm):</source>
        <translation>直径 (mm)：</translation>
    </message>
    <message>
        <source>Add nodule</source>
        <translation>添加结节</translation>
    </message>
    <message>
        <source>Click the nodule in the image first to place the crosshair.</source>
        <translation>请先在图像上点击结节以放置十字线。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>township-pacs workstation</source>
        <translation>乡镇 PACS 工作站</translation>
    </message>
    <message>
        <source>Worklist</source>
        <translation>工作列表</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>检查列表</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>阅片</translation>
    </message>
    <message>
        <source>Series:</source>
        <translation>序列：</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Export report &amp;turnaround (CSV)…</source>
        <translation>导出报告时效统计(&amp;T)（CSV）…</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>County reading station %1 — PACS: %2</source>
        <translation>县级阅片站 %1 — PACS：%2</translation>
    </message>
    <message>
        <source>Receiving through the DICOM node service (%1 on port %2)</source>
        <translation>通过 DICOM 节点服务接收中（%1，端口 %2）</translation>
    </message>
    <message>
        <source>Receiving as %1 on port %2</source>
        <translation>正在接收：%1，端口 %2</translation>
    </message>
    <message>
        <source>Starting the DICOM node…</source>
        <translation>正在启动 DICOM 节点…</translation>
    </message>
    <message>
        <source>Port %1 is already in use: this workstation is not receiving (is another node running?)</source>
        <translation>端口 %1 已被占用：本工作站无法接收影像（是否已有另一个节点在运行？）</translation>
    </message>
    <message>
        <source>DICOM node not running: %1</source>
        <translation>DICOM 节点未运行：%1</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <source>DICOM node not running</source>
        <translation>DICOM 节点未运行</translation>
    </message>
    <message>
        <source>Unsaved review</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <source>The review has not been saved. Close anyway?</source>
        <translation>审核尚未保存。仍要关闭吗？</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>危急值</translation>
    </message>
    <message>
        <source>Critical result in the report of %1: open the report now.</source>
        <translation>%1 的报告含危急值，请立即查看报告。</translation>
    </message>
    <message>
        <source>Report received: %1</source>
        <translation>收到报告：%1</translation>
    </message>
    <message>
        <source>Export report turnaround</source>
        <translation>导出报告时效统计</translation>
    </message>
    <message>
        <source>Cannot compute the turnaround: %1</source>
        <translation>无法统计报告时效：%1</translation>
    </message>
    <message>
        <source>Turnaround written to %1</source>
        <translation>报告时效统计已保存到 %1</translation>
    </message>
    <message>
        <source>No county PACS in the settings holds this study</source>
        <translation>设置中的县级 PACS 均无此检查</translation>
    </message>
    <message>
        <source>Cannot start the report: %1</source>
        <translation>无法开始报告：%1</translation>
    </message>
    <message>
        <source>Cannot open the study: %1</source>
        <translation>无法打开检查：%1</translation>
    </message>
    <message>
        <source>No images to show in %1</source>
        <translation>%1 中没有可显示的图像</translation>
    </message>
    <message>
        <source>(%1 images)</source>
        <translation>（%1 幅）</translation>
    </message>
    <message>
        <source>Unsigned report</source>
        <translation>报告未签发</translation>
    </message>
    <message>
        <source>The report has not been signed. Discard it?</source>
        <translation>报告尚未签发。要放弃吗？</translation>
    </message>
    <message>
        <source>The review has not been saved. Discard it?</source>
        <translation>审核尚未保存。要放弃吗？</translation>
    </message>
    <message>
        <source>Open a folder of DICOM files</source>
        <translation>打开 DICOM 文件夹</translation>
    </message>
    <message>
        <source>Loaded %1 images</source>
        <translation>已载入 %1 幅图像</translation>
    </message>
    <message>
        <source>%1 unreadable files skipped: %2</source>
        <translation>已跳过 %1 个无法读取的文件：%2</translation>
    </message>
    <message>
        <source>No study open.</source>
        <translation>未打开检查。</translation>
    </message>
    <message>
        <source>Review saved by %1</source>
        <translation>审核已保存（审核人：%1）</translation>
    </message>
    <message>
        <source>Save review</source>
        <translation>保存审核</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <source>Review not saved</source>
        <translation>审核未保存</translation>
    </message>
    <message>
        <source>A review needs the reviewer&apos;s name.</source>
        <translation>保存审核需要填写审核医生姓名。</translation>
    </message>
    <message>
        <source>Settings saved; the DICOM node is restarting.</source>
        <translation>设置已保存，DICOM 节点正在重新启动。</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
</context>
<context>
    <name>MprController</name>
    <message>
        <source>Axial</source>
        <translation>轴位</translation>
    </message>
    <message>
        <source>Coronal</source>
        <translation>冠状位</translation>
    </message>
    <message>
        <source>Sagittal</source>
        <translation>矢状位</translation>
    </message>
</context>
<context>
    <name>ReadingWidget</name>
    <message>
        <source>No images loaded</source>
        <translation>未载入图像</translation>
    </message>
    <message>
        <source>Crosshair</source>
        <translation>十字线</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>W/L</source>
        <translation>窗宽窗位</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>测距</translation>
    </message>
    <message>
        <source>Ellipse ROI</source>
        <translation>椭圆 ROI</translation>
    </message>
    <message>
        <source>Magnifier</source>
        <translation>放大镜</translation>
    </message>
    <message>
        <source>Lung</source>
        <translation>肺窗</translation>
    </message>
    <message>
        <source>Mediastinum</source>
        <translation>纵隔窗</translation>
    </message>
    <message>
        <source>Bone</source>
        <translation>骨窗</translation>
    </message>
    <message>
        <source>Abdomen</source>
        <translation>腹部窗</translation>
    </message>
    <message>
        <source>MIP</source>
        <translation>MIP</translation>
    </message>
    <message>
        <source>Thick-slab maximum intensity projection</source>
        <translation>厚层最大密度投影</translation>
    </message>
    <message>
        <source>Slab thickness</source>
        <translation>层厚</translation>
    </message>
    <message>
        <source>Cine</source>
        <translation>电影播放</translation>
    </message>
    <message>
        <source>Rotate left</source>
        <translation>向左旋转</translation>
    </message>
    <message>
        <source>Rotate right</source>
        <translation>向右旋转</translation>
    </message>
    <message>
        <source>Flip H</source>
        <translation>水平翻转</translation>
    </message>
    <message>
        <source>Flip V</source>
        <translation>垂直翻转</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>反色</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>复位</translation>
    </message>
    <message>
        <source>Clear measurements</source>
        <translation>清除测量</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>结节标记</translation>
    </message>
    <message>
        <source>Show or hide the AI findings&apos; outlines</source>
        <translation>显示或隐藏 AI 结节轮廓</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <source>No images to show</source>
        <translation>没有可显示的图像</translation>
    </message>
    <message>
        <source>no files to load</source>
        <translation>没有可载入的文件</translation>
    </message>
    <message>
        <source>Loading %1 / %2</source>
        <translation>正在载入 %1 / %2</translation>
    </message>
    <message>
        <source>Cannot show this series: %1</source>
        <translation>无法显示此序列：%1</translation>
    </message>
</context>
<context>
    <name>ReportEditorWidget</name>
    <message>
        <source>Procedure</source>
        <translation>检查方法</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>影像所见</translation>
    </message>
    <message>
        <source>Impression</source>
        <translation>诊断意见</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Preliminary</source>
        <translation>初步</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>终审</translation>
    </message>
    <message>
        <source>Amended</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Normal findings</source>
        <translation>正常所见</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Long axis (mm)</source>
        <translation>长径(mm)</translation>
    </message>
    <message>
        <source>Mean (mm)</source>
        <translation>平均径(mm)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Phrases</source>
        <translation>常用短语</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>危急值</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>危急所见</translation>
    </message>
    <message>
        <source>Who was told</source>
        <translation>通知对象</translation>
    </message>
    <message>
        <source>How</source>
        <translation>通知方式</translation>
    </message>
    <message>
        <source>When</source>
        <translation>通知时间</translation>
    </message>
    <message>
        <source>By telephone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>In person</source>
        <translation>当面</translation>
    </message>
    <message>
        <source>Hospital information system</source>
        <translation>院内信息系统</translation>
    </message>
    <message>
        <source>Reporting doctor</source>
        <translation>报告医生</translation>
    </message>
    <message>
        <source>Verifying doctor</source>
        <translation>审核医生</translation>
    </message>
    <message>
        <source>Submit preliminary</source>
        <translation>提交初步报告</translation>
    </message>
    <message>
        <source>Verify and release</source>
        <translation>审核发布</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Keep the selected text as a phrase</source>
        <translation>将所选文字存为常用短语</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>我的短语</translation>
    </message>
    <message>
        <source>%1 report released at %2</source>
        <translation>%1报告已于 %2 发布</translation>
    </message>
    <message>
        <source>Enter the reporting doctor.</source>
        <translation>请填写报告医生。</translation>
    </message>
    <message>
        <source>A final report needs the verifying doctor.</source>
        <translation>终审报告需要审核医生。</translation>
    </message>
    <message>
        <source>The verifying doctor must be another doctor than the reporting doctor.</source>
        <translation>审核医生须为报告医生以外的另一位医生。</translation>
    </message>
    <message>
        <source>A critical result cannot be released before the report records who was told, how and when.</source>
        <translation>危急值报告须记录通知对象、通知方式和通知时间后方可发布。</translation>
    </message>
    <message>
        <source>Findings and impression must not be empty.</source>
        <translation>影像所见和诊断意见不能为空。</translation>
    </message>
    <message>
        <source>Sent to the county PACS</source>
        <translation>已发送至县级 PACS</translation>
    </message>
</context>
<context>
    <name>ReportViewDialog</name>
    <message>
        <source>Preliminary report (not verified)</source>
        <translation>初步报告（未审核）</translation>
    </message>
    <message>
        <source>Final report</source>
        <translation>诊断报告</translation>
    </message>
    <message>
        <source>Amended report</source>
        <translation>更正报告</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者 ID</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>检查项目</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Critical result</source>
        <translation>危急值</translation>
    </message>
    <message>
        <source>Who was told</source>
        <translation>通知对象</translation>
    </message>
    <message>
        <source>How</source>
        <translation>通知方式</translation>
    </message>
    <message>
        <source>When</source>
        <translation>通知时间</translation>
    </message>
    <message>
        <source>Key images</source>
        <translation>关键图像</translation>
    </message>
    <message>
        <source>Reporting doctor</source>
        <translation>报告医生</translation>
    </message>
    <message>
        <source>Verifying doctor</source>
        <translation>审核医生</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>检查方法</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>影像所见</translation>
    </message>
    <message>
        <source>Impression</source>
        <translation>诊断意见</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Critical result: act on it now</source>
        <translation>危急值：请立即处理</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>%1: the AE title is empty</source>
        <translation>%1：AE 名称为空</translation>
    </message>
    <message>
        <source>%1: the AE title has more than 16 characters</source>
        <translation>%1：AE 名称超过 16 个字符</translation>
    </message>
    <message>
        <source>%1: the AE title must not contain a backslash</source>
        <translation>%1：AE 名称不能包含反斜杠</translation>
    </message>
    <message>
        <source>%1: the AE title must be plain ASCII letters and digits</source>
        <translation>%1：AE 名称只能使用英文字母和数字</translation>
    </message>
    <message>
        <source>%1: the port must be a number from 1 to 65535</source>
        <translation>%1：端口必须是 1 到 65535 之间的数字</translation>
    </message>
    <message>
        <source>Allowed peers, line %1: write &quot;AE_TITLE host rights&quot;</source>
        <translation>允许的设备，第 %1 行：请写成“AE名称 主机 权限”</translation>
    </message>
    <message>
        <source>Allowed peers, line %1</source>
        <translation>允许的设备，第 %1 行</translation>
    </message>
    <message>
        <source>Allowed peers, line %1: give an AE title or a host</source>
        <translation>允许的设备，第 %1 行：请填写 AE 名称或主机</translation>
    </message>
    <message>
        <source>Node AE title</source>
        <translation>节点 AE 名称</translation>
    </message>
    <message>
        <source>Node port</source>
        <translation>节点端口</translation>
    </message>
    <message>
        <source>County AE title</source>
        <translation>县级 AE 名称</translation>
    </message>
    <message>
        <source>County host: the host name or address is empty</source>
        <translation>县级主机：主机名或地址为空</translation>
    </message>
    <message>
        <source>County host: the host name must not contain spaces</source>
        <translation>县级主机：主机名不能包含空格</translation>
    </message>
    <message>
        <source>County port</source>
        <translation>县级端口</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name: at most 64 characters a part, no backslash</source>
        <translation>审核医生姓名：每部分最多 64 个字符，不能包含反斜杠</translation>
    </message>
    <message>
        <source>Device must be auto, cpu or cuda</source>
        <translation>计算设备必须是 auto、cpu 或 cuda</translation>
    </message>
    <message>
        <source>Model: the folder %1 does not exist</source>
        <translation>模型：文件夹 %1 不存在</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>This workstation (DICOM node)</source>
        <translation>本工作站（DICOM 节点）</translation>
    </message>
    <message>
        <source>County reading centre (forwarding destination)</source>
        <translation>县级诊断中心（上传目标）</translation>
    </message>
    <message>
        <source>AI model</source>
        <translation>AI 模型</translation>
    </message>
    <message>
        <source>User interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <source>AE title:</source>
        <translation>AE 名称：</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <source>Allowed peers, one a line:
AE_TITLE host rights
(rights: store,find,get,move)</source>
        <translation>允许的设备（每行一个）：
AE名称 主机 权限
（权限：store 接收,find 查询,get 获取,move 转发）</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>计算设备：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Reviewer&apos;s name:</source>
        <translation>审核医生姓名：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>empty: the model shipped with township-pacs</source>
        <translation>留空：使用随软件提供的模型</translation>
    </message>
    <message>
        <source>e.g. 王^医生; empty: asked when a review is saved</source>
        <translation>例如 王^医生；留空则在保存审核时询问</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>automatic (GPU when there is one)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <source>township workstation</source>
        <translation>乡镇工作站</translation>
    </message>
    <message>
        <source>county reading station (restart to switch)</source>
        <translation>县级阅片站（重启后切换）</translation>
    </message>
    <message>
        <source>Any device on the network may send studies: list the allowed peers.</source>
        <translation>网络上任何设备都可以发送影像：请填写允许的设备。</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <source>Please correct:</source>
        <translation>请更正：</translation>
    </message>
</context>
<context>
    <name>StudyTableModel</name>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient ID</source>
        <translation>患者 ID</translation>
    </message>
    <message>
        <source>Sex/Age</source>
        <translation>性别/年龄</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Modality</source>
        <translation>检查类型</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>检查描述</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <source>Forwarding</source>
        <translation>上传</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <source>O</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>%1 y</source>
        <translation>%1岁</translation>
    </message>
    <message>
        <source>receiving…</source>
        <translation>接收中…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>%1 findings</source>
        <translation>%1 个结节</translation>
    </message>
    <message>
        <source>%1 mm slices: too thick for nodule detection</source>
        <translation>层厚 %1 mm：过厚，无法做结节检测</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>分析中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>上传中</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>已上传</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>危急值</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>初步</translation>
    </message>
    <message>
        <source>final</source>
        <translation>终审</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Critical result; the report is %1</source>
        <translation>危急值；报告状态：%1</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Sex/Age</source>
        <translation>性别/年龄</translation>
    </message>
    <message>
        <source>Exam</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>检查时间</translation>
    </message>
    <message>
        <source>Waited</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>AI</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>阅片状态</translation>
    </message>
    <message>
        <source>being read by %1</source>
        <translation>%1 阅片中</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <source>preliminary</source>
        <translation>初步报告</translation>
    </message>
    <message>
        <source>final</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>amended</source>
        <translation>已修订</translation>
    </message>
    <message>
        <source>no nodules</source>
        <translation>未见结节</translation>
    </message>
    <message>
        <source>mass</source>
        <translation>肿块</translation>
    </message>
    <message>
        <source>%1 findings, highest %2</source>
        <translation>%1 个结节，最高 %2</translation>
    </message>
    <message>
        <source>M</source>
        <translation>男</translation>
    </message>
    <message>
        <source>F</source>
        <translation>女</translation>
    </message>
    <message>
        <source>O</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>%1 y</source>
        <translation>%1岁</translation>
    </message>
    <message>
        <source>(overdue %1)</source>
        <translation>（超时 %1）</translation>
    </message>
    <message>
        <source>AI-detected, for reference only</source>
        <translation>AI 辅助检出，仅供参考</translation>
    </message>
</context>
<context>
    <name>_NoReadingView</name>
    <message>
        <source>The image view is not available in this installation.</source>
        <translation>此安装中没有图像显示模块。</translation>
    </message>
</context>
</TS>
