"""Single actions of the people around a case, over HTTP: one function per action.

Each takes the portal and the case or the task (an assignment as `GET /cases/{n}` shows it) and returns
the API's answer; a refusal it did not expect raises. A benchmark can drive the standard path with the
same functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline.loadgen.portal import Portal

Task = dict[str, Any]
Result = dict[str, Any]  # an accepted action: the case's status after it and the event's seq

DISPATCHER = "dispatcher"
VISIT_OPERATOR = "visitor"
COMMAND_CENTER = "supervisor1"  # level 1: urges and deferral rulings


async def register(portal: Portal, appeal: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
    """接: the dispatcher registers the appeal; 200 means this key already made the case."""
    response = await portal.call(
        DISPATCHER,
        "POST",
        "/cases",
        json=appeal,
        headers={"Idempotency-Key": idempotency_key},
        expect=(201, 200),
        action="register",
    )
    return dict(response.json())


async def sign_for(portal: Portal, task: Task) -> Result:
    user = await portal.department_user(task["department"])
    response = await portal.call(user, "POST", f"/tasks/{task['task_id']}/sign-for", action="sign_for")
    return dict(response.json())


async def reply(portal: Portal, task: Task, text: str) -> None:
    """答复: completes the department's task."""
    body = {"text": text, "outcome": "resolved", "contacted_citizen": True}
    await _complete(portal, task, "reply", body)


async def return_task(portal: Portal, task: Task, reason: str) -> None:
    """退单: completes the department's task with a reason."""
    await _complete(portal, task, "return", {"reason": reason})


async def _complete(portal: Portal, task: Task, action: str, body: dict[str, Any]) -> None:
    user = await portal.department_user(task["department"])
    await portal.call(
        user, "POST", f"/tasks/{task['task_id']}/{action}", json=body, expect=(202,), action=action
    )


async def request_extension(portal: Portal, task: Task, *, due_at: datetime, reason: str) -> Result:
    user = await portal.department_user(task["department"])
    response = await portal.call(
        user,
        "POST",
        f"/tasks/{task['task_id']}/extension",
        json={"reason": reason, "due_at": due_at.isoformat()},
        action="request_extension",
    )
    return dict(response.json())


async def request_deferral(portal: Portal, task: Task, *, target_date: datetime, plan: str) -> Result:
    user = await portal.department_user(task["department"])
    response = await portal.call(
        user,
        "POST",
        f"/tasks/{task['task_id']}/deferral",
        json={"plan": plan, "target_date": target_date.isoformat()},
        action="request_deferral",
    )
    return dict(response.json())


async def rule_return(
    portal: Portal, number: str, task: Task, *, justified: bool, reason: str, route: dict[str, Any] | None
) -> Result:
    response = await portal.call(
        DISPATCHER,
        "POST",
        f"/cases/{number}/returns/{task['task_id']}/ruling",
        json={"justified": justified, "reason": reason, "route": route},
        action="rule_return",
    )
    return dict(response.json())


async def rule_extension(portal: Portal, number: str, task: Task, *, approve: bool, reason: str) -> Result:
    response = await portal.call(
        DISPATCHER,
        "POST",
        f"/cases/{number}/extensions/{task['task_id']}/ruling",
        json={"approve": approve, "reason": reason},
        action="rule_extension",
    )
    return dict(response.json())


async def rule_deferral(portal: Portal, number: str, *, approve: bool, reason: str) -> Result:
    response = await portal.call(
        COMMAND_CENTER,
        "POST",
        f"/cases/{number}/deferral/ruling",
        json={"approve": approve, "reason": reason},
        action="rule_deferral",
    )
    return dict(response.json())


async def review(portal: Portal, number: str, *, accept: bool, reason: str | None = None) -> Result:
    response = await portal.call(
        DISPATCHER,
        "POST",
        f"/cases/{number}/review",
        json={"accept": accept, "reason": reason},
        action="review",
    )
    return dict(response.json())


async def visit(
    portal: Portal,
    number: str,
    *,
    reached: bool,
    resolved: bool | None = None,
    rating: str | None = None,
    comment: str = "",
) -> Result:
    response = await portal.call(
        VISIT_OPERATOR,
        "POST",
        f"/cases/{number}/visits",
        json={"reached": reached, "resolved": resolved, "rating": rating, "comment": comment},
        action="visit",
    )
    return dict(response.json())


async def urge(portal: Portal, number: str, message: str) -> Result:
    response = await portal.call(
        COMMAND_CENTER, "POST", f"/cases/{number}/urge", json={"message": message}, action="urge"
    )
    return dict(response.json())
