"""The demo's coordination in words: the practical problems groups raise and how
they were settled, the meetings held and the posts of the village and town cadres
who mentor, as the seed's district would write them (data for demo/coordination)."""

from __future__ import annotations

from cadre_tui.domain.coordination import LogisticsCategory, MeetingKind
from cadre_tui.domain.enums import LogisticsState

C = LogisticsCategory
OPEN, BUSY = LogisticsState.OPEN, LogisticsState.IN_PROGRESS
DONE, DROPPED = LogisticsState.RESOLVED, LogisticsState.WONT_FIX
PROBLEMS: tuple[tuple[LogisticsCategory, str, str, str], ...] = (
    # category, description, owner ({unit}: the receiving unit), how it was settled
    (C.OFFICE_SPACE, "工作组集中办公场地不足，档案资料无处存放", "{unit}党政办",
     "已在党群服务中心腾出两间办公室"),
    (C.OFFICE_SPACE, "驻村干部在村部没有固定办公桌", "{unit}党政办",
     "已协调村委会调配办公桌椅"),
    (C.PAY, "抽调期间交通补贴、误餐补贴未按月发放", "区财政局",
     "已协调随月工资一并发放"),
    (C.PAY, "派出单位年度考核未计入抽调期间表现", "区委组织部干部科",
     "已发文明确抽调期间表现作为考核依据"),
    (C.MEALS_LODGING, "驻村干部午餐无着落", "{unit}党政办",
     "已协调村部食堂统一安排午餐"),
    (C.MEALS_LODGING, "夜间入户结束较晚，需安排临时住宿", "{unit}党政办",
     "已安排镇招待所房间"),
    (C.TRANSPORT, "下村入户路途远，往返缺少交通工具", "{unit}拆迁安置办",
     "已安排通勤车每日接送"),
    (C.TRANSPORT, "312国道改道施工封路，往返现场绕行时间长", "{unit}拆迁安置办",
     "已开通施工便道"),
    (C.FUNDS, "入户宣传资料印制经费未落实", "区财政局",
     "已拨付工作经费"),
    (C.FUNDS, "工作组日常办公经费尚未拨付", "区财政局",
     "首期办公经费已到位"),
    (C.VEHICLE, "丈量评估需用车，现有公务车辆不足", "区机关事务管理局",
     "已调配一辆公务车供工作组使用"),
    (C.VEHICLE, "拆迁现场夜间巡查缺少车辆", "{unit}党政办",
     "已由镇里安排值班车辆"),
    (C.OTHER, "个别拆迁户情绪激烈，需协调派出所配合", "{unit}综治办",
     "已落实民警陪同入户"),
    (C.OTHER, "丈量测绘设备不足，需协调测绘单位支援", "区自然资源和规划分局",
     "测绘单位已增派两个小组"),
)  # fmt: skip
WONT_FIX = "超出协调范围，已向工作组说明情况"
EXCHANGE_PLACE = "区委组织部三楼会议室"
EXCHANGE_NOTES = "各工作组汇报入户丈量、签约和拆除进度，交流做群众工作的方法"
EXCHANGE_DECISIONS = "下阶段聚焦签约攻坚，各组每周五报送进度"
ACTIVE_ITEMS: tuple[tuple[int, int | None, LogisticsState, int | None], ...] = (
    # raised (days ago), due (days ago; negative: ahead; None: no due day), the state
    # it reaches and how many days ago (None: still open)
    (40, 20, OPEN, None), (30, 9, OPEN, None), (24, 4, OPEN, None), (35, 14, BUSY, 20),
    (9, 0, OPEN, None), (6, -5, OPEN, None), (3, -10, OPEN, None), (1, None, OPEN, None),
    (12, -3, BUSY, 8), (15, -7, BUSY, 11), (50, 40, DONE, 45), (45, 35, DONE, 30),
    (28, 14, DONE, 16), (20, 10, DONE, 11), (55, 48, DONE, 49), (38, 28, DROPPED, 30),
)  # fmt: skip
OTHER_MEETINGS = (
    # kind, title, place, notes, decisions
    (MeetingKind.SEMINAR, "征收拆迁政策座谈会", "区委党校报告厅",
     "围绕补偿标准解释口径、特殊困难户安置开展座谈", "统一政策解释口径，困难户一户一策"),
    (MeetingKind.PARTY_COMMITTEE, "列席{committee}会议", "{committee}会议室",
     "工作组组长列席党委会议，汇报阶段性进展", "镇里明确专人对接工作组后勤保障"),
    (MeetingKind.SITE_VISIT, "拆迁安置现场观摩", "{unit}拆迁现场",
     "观摩先进村组签约攻坚做法", "推广“一户一档”和“阳光征收”做法"),
)  # fmt: skip
VILLAGE_POSTS = ("村党支部书记", "村委会主任", "村党总支副书记", "村委会副主任")
LINE_POSTS = ("镇拆迁办主任", "镇拆迁办副主任")
PROJECT_POSTS = ("镇重点工程指挥部副指挥", "镇城建办主任", "镇拆迁办副主任")
SITE_VISITS = (
    # share of the time in the field, title, place
    (0.4, "签约攻坚经验交流", "高新区武南村拆迁现场"),
    (0.75, "拆除现场安全管理", "牛塘镇312国道改道施工现场"),
)
