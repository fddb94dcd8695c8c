"""Names for the codes of the auditor's page: timeline entry kinds, actions (Workflow Updates), what a
timer waited for, and why a task's due time changed. Step kinds use labels.EVENT."""

from __future__ import annotations

from web.i18n import N_

ENTRY = {
    "run_started": N_("Run started"),
    "continued_as_new": N_("Continued as new"),
    "run_closed": N_("Run ended"),
    "action": N_("Action"),
    "action_failed": N_("Action failed"),
    "step": N_("Recorded step"),
    "task_scheduled": N_("Task given to the department"),
    "task_replied": N_("Department replied"),
    "task_returned": N_("Department returned the task"),
    "task_cancel_requested": N_("Task withdrawal requested"),
    "task_cancelled": N_("Task withdrawn"),
    "task_failed": N_("Task failed"),
    "task_timed_out": N_("Task timed out"),
    "activity_scheduled": N_("Activity scheduled"),
    "activity_completed": N_("Activity completed"),
    "activity_failed": N_("Activity failed"),
    "timer_started": N_("Timer set"),
    "timer_fired": N_("Timer fired"),
    "timer_cancelled": N_("Timer cancelled"),
    "signal": N_("Signal"),
}
ACTION = {
    "sign_for": N_("Sign for"),
    "review": N_("Review"),
    "visit": N_("Return visit"),
    "reroute": N_("Re-route"),
    "rule_return": N_("Ruling on a return"),
    "request_extension": N_("Extension request"),
    "rule_extension": N_("Extension ruling"),
    "request_deferral": N_("Deferral request"),
    "rule_deferral": N_("Deferral ruling"),
    "urge": N_("Urge"),
    "issue_order": N_("Supervision order"),
    "answer_order": N_("Order answer"),
    "merge_into": N_("Merge"),
    "withdraw": N_("Withdraw"),
    "decide": N_("Decision"),
}
TIMER = {
    "sign_for": N_("Sign-for window"),
    "warning": N_("Deadline warning"),
    "overdue": N_("Due time"),
    "escalation": N_("Next escalation level"),
    "deferral_end": N_("Deferral's target date"),
    "visit_window": N_("Return-visit window"),
    "unknown": N_("Other wait"),
}
SEGMENT = {
    "dispatched": N_("Time limit at dispatch"),
    "rerouted": N_("Time limit after re-routing"),
    "return_ruled": N_("Time limit after a ruled return"),
    "reissued": N_("Time limit when given back"),
    "resumed": N_("Resumed after deferral"),
    "extension": N_("Extension approved"),
    "deferred": N_("Deferred: the clock stands still"),
}
WORDS = {"entry": ENTRY, "action": ACTION, "timer": TIMER, "segment": SEGMENT}
