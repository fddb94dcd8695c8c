"""Names of the codes shown on pages, in English; the catalogue gives them in Chinese.

Templates show a code with the `label` filter: `{{ case.status | label("status") }}`.
"""

from web.i18n import N_

STATUS = {
    "registered": N_("Registered"),
    "handling": N_("Being handled"),
    "replied": N_("Awaiting review"),
    "visiting": N_("Return visit"),
    "awaiting_decision": N_("Awaiting supervisor's decision"),
    "merged": N_("Merged"),
    "deferred": N_("Deferred"),
    "closed": N_("Closed"),
}
CHANNEL = {
    "hotline": N_("12345 hotline"),
    "web": N_("Web portal"),
    "mayor_mailbox": N_("Mayor's mailbox"),
    "yunguanfu": N_("City operations platform"),
    "xiadu_qingjian": N_("Xiadu Qingjian"),
    "shimintong": N_("Shimintong app"),
    "evening_news": N_("Xining Evening News"),
    "radio_tv": N_("Radio and TV station"),
    "open311": N_("Open311"),
    "proactive": N_("Proactive governance"),
}
APPEAL_TYPE = {
    "consultation": N_("Consultation"),
    "help": N_("Request for help"),
    "complaint": N_("Complaint"),
    "report": N_("Report"),
    "suggestion": N_("Suggestion"),
    "praise": N_("Praise"),
}
ROLE = {
    "dispatcher": N_("Dispatcher"),
    "department": N_("Department"),
    "supervisor": N_("Supervisor"),
    "visit_operator": N_("Visit operator"),
    "auditor": N_("Auditor"),
    "analyst": N_("Analyst"),
    "admin": N_("Administrator"),
    "citizen": N_("Citizen"),
    "integration": N_("Integration"),
    "system": N_("System"),
}
ASSIGNMENT_ROLE = {"lead": N_("Lead"), "assisting": N_("Assisting")}
ASSIGNMENT_STATUS = {
    "open": N_("Awaiting sign-for"),
    "signed": N_("In hand"),
    "replied": N_("Replied"),
    "returned": N_("Returned"),
    "void": N_("Withdrawn"),
}
DISPATCH_MODE = {"direct": N_("Direct"), "parallel": N_("Parallel"), "task_force": N_("Task force")}
RATING = {
    "satisfied": N_("Satisfied"),
    "basically_satisfied": N_("Basically satisfied"),
    "dissatisfied": N_("Dissatisfied"),
}
CLOSE_REASON = {
    "visited": N_("Visited and rated"),
    "unreachable": N_("Citizen unreachable"),
    "supervisor_decision": N_("Closed by supervisor's decision"),
    "resolved_at_intake": N_("Answered at intake"),
    "withdrawn": N_("Withdrawn"),
}
OUTCOME = {
    "resolved": N_("Resolved"),
    "explained": N_("Explained"),
    "partly_resolved": N_("Partly resolved"),
    "unresolvable": N_("Cannot be resolved"),
}
CLOCK = {
    "on_time": N_("On time"),
    "warning": N_("Due soon"),
    "overdue": N_("Overdue"),
    "paused": N_("Paused"),
    "stopped": N_("Clock stopped"),
}
LEVEL = {
    "0": N_("Not escalated"),
    "1": N_("Level 1 · City operations command center"),
    "2": N_("Level 2 · Supervision office"),
    "3": N_("Level 3 · Discipline inspection"),
}
EVENT = {
    "registered": N_("Registered"),
    "resolved_at_intake": N_("Answered at intake"),
    "withdrawn": N_("Withdrawn"),
    "dispatched": N_("Dispatched"),
    "rerouted": N_("Re-routed"),
    "reissued": N_("Task reissued"),
    "reply_void": N_("Late reply set aside"),
    "signed_for": N_("Task signed for"),
    "sign_for_late": N_("Signed for late"),
    "warning": N_("Deadline warning"),
    "overdue": N_("Overdue"),
    "escalated": N_("Escalated"),
    "replied": N_("Replied"),
    "returned": N_("Returned by department"),
    "return_ruled": N_("Return ruled"),
    "extension_requested": N_("Extension requested"),
    "extension_ruled": N_("Extension ruled"),
    "awaiting_review": N_("Awaiting review"),
    "review_accepted": N_("Reply accepted"),
    "review_sent_back": N_("Reply sent back"),
    "visit_attempt": N_("Visit attempt"),
    "visited": N_("Return visit done"),
    "visit_expired": N_("Visit window ended"),
    "reopened": N_("Reopened"),
    "awaiting_decision": N_("Awaiting supervisor's decision"),
    "decided": N_("Supervisor decided"),
    "merged": N_("Merged into another case"),
    "merged_in": N_("Duplicate merged in"),
    "primary_replied": N_("Primary case replied"),
    "primary_withdrawn": N_("Primary case withdrawn"),
    "deferral_requested": N_("Deferral requested"),
    "deferral_ruled": N_("Deferral ruled"),
    "deferral_ended": N_("Deferral ended"),
    "urged": N_("Urged"),
    "order_issued": N_("Supervision order issued"),
    "order_answered": N_("Supervision order answered"),
    "closed": N_("Closed"),
}
DEPARTMENT_KIND = {"territorial": N_("Territorial"), "sector": N_("Sector")}
DEPARTMENT_LEVEL = {"city": N_("City"), "district": N_("District or county"), "street": N_("Street or town")}

KINDS: dict[str, dict[str, str]] = {
    "status": STATUS,
    "channel": CHANNEL,
    "appeal_type": APPEAL_TYPE,
    "role": ROLE,
    "assignment_role": ASSIGNMENT_ROLE,
    "assignment_status": ASSIGNMENT_STATUS,
    "dispatch_mode": DISPATCH_MODE,
    "rating": RATING,
    "close_reason": CLOSE_REASON,
    "outcome": OUTCOME,
    "clock": CLOCK,
    "level": LEVEL,
    "event": EVENT,
    "department_kind": DEPARTMENT_KIND,
    "department_level": DEPARTMENT_LEVEL,
}
