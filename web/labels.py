"""Chinese labels for codes shown on pages (a translation catalogue replaces this with the i18n work)."""

STATUS = {
    "registered": "已受理",
    "handling": "办理中",
    "replied": "待审核",
    "visiting": "待回访",
    "awaiting_decision": "待督办决定",
    "closed": "已办结",
}
CHANNEL = {
    "hotline": "12345热线",
    "web": "网络平台",
    "mayor_mailbox": "市长信箱",
    "yunguanfu": "运管服",
    "xiadu_qingjian": "夏都清鉴",
    "shimintong": "市民通",
    "evening_news": "西宁晚报",
    "radio_tv": "广播电视台",
    "open311": "Open311",
    "proactive": "未诉先办",
}
APPEAL_TYPE = {
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
}
ROLE = {
    "dispatcher": "话务/转办员",
    "department": "承办单位",
    "supervisor": "督办",
    "visit_operator": "回访员",
    "auditor": "审计",
    "analyst": "分析",
    "admin": "管理员",
    "system": "系统",
}
ASSIGNMENT_ROLE = {"lead": "主办", "assisting": "协办"}
ASSIGNMENT_STATUS = {"open": "待签收", "signed": "办理中", "replied": "已答复"}
