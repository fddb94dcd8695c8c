"""The product's vocabulary (DESIGN.md §2) as enums; stored and sent as their string values."""

from enum import StrEnum


class Channel(StrEnum):
    HOTLINE = "hotline"
    WEB = "web"
    MAYOR_MAILBOX = "mayor_mailbox"
    YUNGUANFU = "yunguanfu"
    XIADU_QINGJIAN = "xiadu_qingjian"
    SHIMINTONG = "shimintong"
    EVENING_NEWS = "evening_news"
    RADIO_TV = "radio_tv"
    OPEN311 = "open311"
    PROACTIVE = "proactive"


class AppealType(StrEnum):
    CONSULTATION = "consultation"
    HELP = "help"
    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"
    PRAISE = "praise"


class CaseStatus(StrEnum):
    REGISTERED = "registered"
    HANDLING = "handling"
    REPLIED = "replied"
    CLOSED = "closed"


class DispatchMode(StrEnum):
    DIRECT = "direct"
    PARALLEL = "parallel"
    TASK_FORCE = "task_force"


class DepartmentKind(StrEnum):
    TERRITORIAL = "territorial"
    SECTOR = "sector"


class Level(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"


class AssignmentRole(StrEnum):
    LEAD = "lead"
    ASSISTING = "assisting"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    REPLIED = "replied"


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    DEPARTMENT = "department"
    SUPERVISOR = "supervisor"
    VISIT_OPERATOR = "visit_operator"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    ADMIN = "admin"
    SYSTEM = "system"


class EventKind(StrEnum):
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    TASK_OPENED = "task_opened"
    REPLIED = "replied"
    CLOSED = "closed"
