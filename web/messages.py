"""What the pages say after an action, and what they say about a refusal, by its stable code.

The services' own messages are English and precise; an English page shows them as they are. Other
languages show the catalogue's sentence for the code, which says the same thing without the details.
"""

from __future__ import annotations

from collections.abc import Callable

from hotline.errors import DomainError
from web.i18n import N_

ERRORS = {
    "case_busy": N_("The case is not answering right now; nothing was changed. Please try again shortly."),
    "case_closed": N_("This case is closed; it takes no more actions."),
    "case_not_found": N_("No such case."),
    "category_not_found": N_("No department handles this category; choose the route yourself."),
    "constraint_violated": N_("This change conflicts with existing data; nothing was changed."),
    "contacted_in_future": N_("The contact time lies in the future."),
    "csrf_failed": N_("This form has expired. Reload the page and try again."),
    "department_not_found": N_("No active department for this place; choose the route yourself."),
    "department_required": N_("A department user needs a department."),
    "due_in_past": N_("The date must lie in the future."),
    "incomplete_visit": N_("Say whether the problem was resolved and give the citizen's rating."),
    "internal_error": N_("Something went wrong on our side; nothing was changed. Please try again."),
    "invalid_credentials": N_("Wrong username or password."),
    "leaf_incomplete": N_("A category in a group needs a sector department and a default time limit."),
    "level_required": N_("A supervisor needs a supervision level."),
    "no_route": N_("The dispatch catalogue has no route for this category; choose the route yourself."),
    "not_found": N_("This page does not exist."),
    "not_your_case": N_("This case is not assigned to your department."),
    "not_your_task": N_("This task belongs to another department."),
    "own_account": N_("You cannot change your own role, password or access; ask another administrator."),
    "rate_limited": N_("Too many attempts; please wait a little and try again."),
    "reason_required": N_("Please give a reason."),
    "role_not_allowed": N_("Your role cannot do this."),
    "role_not_for_people": N_("This role is not for a person's account."),
    "route_required": N_("Choose the route the case goes to instead."),
    "rule_exists": N_("A rule for this category and place exists; delete it first."),
    "rule_not_found": N_("No such dispatch rule."),
    "task_not_found": N_("No such task."),
    "task_not_open": N_("This task was already completed or withdrawn."),
    "token_not_found": N_("No such API token."),
    "unknown_category": N_("Unknown category."),
    "unknown_department": N_("Unknown department."),
    "unknown_district": N_("Unknown district."),
    "unknown_group": N_("Unknown category group."),
    "unknown_street": N_("Unknown street or town."),
    "user_not_found": N_("No such user."),
    "username_taken": N_("This username is taken."),
    "validation_error": N_("Please correct the fields marked below."),
    "wrong_state": N_("This action does not fit the case's current state; reload the page to see it."),
}

NOTICES = {
    "registered": N_("The appeal is registered."),
    "signed": N_("Signed for. The clock now runs to the handling deadline."),
    "replied": N_("Your reply is sent; the dispatcher reviews it."),
    "returned": N_("The task went back to the dispatcher with your reason."),
    "extension_requested": N_("The extension request is sent to the dispatcher."),
    "deferral_requested": N_("The deferral request is sent to the supervisors."),
    "order_answered": N_("The supervision order is answered."),
    "reviewed": N_("The review is recorded."),
    "rerouted": N_("The case is re-routed."),
    "ruled": N_("The ruling is recorded."),
    "merged": N_("The appeal is merged."),
    "withdrawn": N_("The appeal is withdrawn."),
    "urged": N_("The urge is sent."),
    "order_issued": N_("The supervision order is issued."),
    "decided": N_("The decision is recorded."),
    "visited": N_("The return visit is recorded."),
    "visit_closed": N_("The return visit is recorded, and the case is closed."),
    "rated": N_("Thank you. Your rating is recorded."),
    "saved": N_("Saved."),
    "deleted": N_("Deleted."),
    "user_created": N_("The user is created and can log in now."),
    "user_deactivated": N_("The user is deactivated and logged out everywhere."),
    "user_reactivated": N_("The user can log in again."),
    "password_set": N_("The new password is set; the user is logged out everywhere."),
    "token_revoked": N_("The API token is revoked."),
    "rule_added": N_("The rule is added; new proposals use it at once."),
}


def for_error(error: DomainError, gettext: Callable[[str], str], english: bool) -> str:
    if english:
        return error.message
    known = ERRORS.get(error.code)
    return gettext(known) if known else error.message
