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
    REPLIED = "replied"  # every department has replied; the dispatcher reviews (审核)
    VISITING = "visiting"  # reply accepted; return visit (回访) under way
    AWAITING_DECISION = "awaiting_decision"  # reopen limit reached; a supervisor decides
    MERGED = "merged"  # 并单: joined to an open case; waits for its reply, then has its own visit
    DEFERRED = "deferred"  # 挂账: cannot be solved now; the clock stops until the target date
    CLOSED = "closed"


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class CloseReason(StrEnum):
    """The final status a closed case carries."""

    VISITED = "visited"  # the citizen was reached and rated
    UNREACHABLE = "unreachable"  # every visit attempt failed; kept out of the satisfaction rate
    SUPERVISOR_DECISION = "supervisor_decision"  # closed as is after the reopen limit
    RESOLVED_AT_INTAKE = "resolved_at_intake"  # 直接办结: a consultation answered by the operator
    WITHDRAWN = "withdrawn"  # 撤单, by the citizen or the dispatcher


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
    SIGNED = "signed"
    REPLIED = "replied"
    RETURNED = "returned"  # 退单: sent back by the department; the dispatcher rules on it
    VOID = "void"  # withdrawn by a re-route; a reply that still arrives is kept but never applied


class TaskResultKind(StrEnum):
    """How a department completes its task."""

    REPLY = "reply"  # 答复
    RETURN = "return"  # 退单, with a reason


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    DEPARTMENT = "department"
    SUPERVISOR = "supervisor"
    VISIT_OPERATOR = "visit_operator"
    AUDITOR = "auditor"
    ANALYST = "analyst"
    ADMIN = "admin"
    CITIZEN = "citizen"  # acting through the tracking code, without a login
    INTEGRATION = "integration"  # a channel adapter or Open311 client with an API token
    SYSTEM = "system"


class EventKind(StrEnum):
    REGISTERED = "registered"
    RESOLVED_AT_INTAKE = "resolved_at_intake"
    WITHDRAWN = "withdrawn"
    DISPATCHED = "dispatched"
    REROUTED = "rerouted"
    REISSUED = "reissued"
    REPLY_VOID = "reply_void"
    SIGNED_FOR = "signed_for"
    SIGN_FOR_LATE = "sign_for_late"
    WARNING = "warning"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    REPLIED = "replied"
    RETURNED = "returned"
    RETURN_RULED = "return_ruled"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_RULED = "extension_ruled"
    AWAITING_REVIEW = "awaiting_review"
    REVIEW_ACCEPTED = "review_accepted"
    REVIEW_SENT_BACK = "review_sent_back"
    VISIT_ATTEMPT = "visit_attempt"
    VISITED = "visited"
    VISIT_EXPIRED = "visit_expired"
    REOPENED = "reopened"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    MERGED = "merged"
    MERGED_IN = "merged_in"
    PRIMARY_REPLIED = "primary_replied"
    PRIMARY_WITHDRAWN = "primary_withdrawn"
    DEFERRAL_REQUESTED = "deferral_requested"
    DEFERRAL_RULED = "deferral_ruled"
    DEFERRAL_ENDED = "deferral_ended"
    URGED = "urged"
    ORDER_ISSUED = "order_issued"
    ORDER_ANSWERED = "order_answered"
    CLOSED = "closed"
