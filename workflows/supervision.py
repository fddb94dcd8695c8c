"""督 Supervision on a case, as part of CaseWorkflow: urges (催办) and supervision orders (督办单)
that the department answers. A supervisor acts only at their own level.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from hotline.contracts import (
        Action,
        ActionResult,
        AnswerOrder,
        IssueOrder,
        Notification,
        OrderView,
        Urge,
    )
    from hotline.enums import CaseStatus, EventKind, Role
    from workflows import refusals
    from workflows.base import CaseBase, handler
    from workflows.clock import is_live
    from workflows.refusals import refuse


class Supervision(CaseBase):
    """A part of CaseWorkflow, over the state and helpers of CaseBase."""

    @workflow.update
    @handler
    async def urge(self, action: Urge) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        self._urges += 1
        departments = [action.department] if action.department else self._live_departments()
        await self._record(
            EventKind.URGED,
            action.actor,
            f"催办（{action.actor.supervision_level}级）：{action.message}",
            data={"message": action.message, "departments": departments, "count": self._urges},
            notifications=[
                Notification(recipient_kind="department", recipient=d, template="urged") for d in departments
            ],
        )
        return self._remember(action)

    @urge.validator
    def _validate_urge(self, action: Urge) -> None:
        if action.request_id in self._results:
            return
        self._require_supervisor(action)
        if action.department is not None and action.department not in self._live_departments():
            self._refuse_now(refusals.WRONG_STATE, f"{action.department} holds no open task on this case.")
        if not self._live_departments():
            self._refuse_now(refusals.WRONG_STATE, "No department holds an open task on this case.")
        if not action.message.strip():
            refuse(refusals.REASON_REQUIRED, "An urge needs a message.")

    @workflow.update
    @handler
    async def issue_order(self, action: IssueOrder) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        assert action.actor.supervision_level is not None
        order = OrderView(
            order_id=f"{workflow.info().workflow_id}-O{len(self._orders) + 1}",
            level=action.actor.supervision_level,
            department=action.department,
            instructions=action.instructions,
            reply_by=action.reply_by,
            issued_by=action.actor.user,
            issued_at=workflow.now(),
        )
        self._orders[order.order_id] = order
        await self._record(
            EventKind.ORDER_ISSUED,
            action.actor,
            f"{order.level}级督办单：{action.instructions[:80]}",
            data=order.model_dump(mode="json"),
            notifications=[
                Notification(recipient_kind="department", recipient=action.department, template="order")
            ],
        )
        return self._remember(action)

    @issue_order.validator
    def _validate_issue_order(self, action: IssueOrder) -> None:
        if action.request_id in self._results:
            return
        self._require_supervisor(action)
        if action.department not in {t.department for t in self._tasks.values()}:
            self._refuse_now(refusals.WRONG_STATE, f"{action.department} has never held this case.")
        if action.reply_by <= workflow.now():
            refuse(refusals.DUE_IN_PAST, "The reply-by time must lie in the future.")
        if not action.instructions.strip():
            refuse(refusals.REASON_REQUIRED, "A supervision order needs instructions.")

    @workflow.update
    @handler
    async def answer_order(self, action: AnswerOrder) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        order = self._orders[action.order_id]
        order.answer, order.answered_at = action.text, workflow.now()
        late = order.answered_at > order.reply_by
        await self._record(
            EventKind.ORDER_ANSWERED,
            action.actor,
            f"答复督办单{'（逾期）' if late else ''}：{action.text[:80]}",
            data={"order_id": order.order_id, "text": action.text, "late": late},
            notifications=[
                Notification(recipient_kind="supervisor", recipient=str(order.level), template="answered")
            ],
        )
        return self._remember(action)

    @answer_order.validator
    def _validate_answer_order(self, action: AnswerOrder) -> None:
        if action.request_id in self._results:
            return
        order = self._orders.get(action.order_id)
        if order is None:
            self._refuse_now(refusals.TASK_NOT_FOUND, f"No supervision order {action.order_id} on this case.")
        if action.actor.role != Role.DEPARTMENT or action.actor.department != order.department:
            refuse(refusals.NOT_YOUR_TASK, "This supervision order is addressed to another department.")
        if order.answered_at is not None:
            self._refuse_now(refusals.WRONG_STATE, "This supervision order has been answered already.")
        if not action.text.strip():
            refuse(refusals.REASON_REQUIRED, "The answer is empty.")

    def _live_departments(self) -> list[str]:
        return list(dict.fromkeys(t.department for t in self._tasks.values() if is_live(t)))

    def _require_supervisor(self, action: Action) -> None:
        if action.actor.role != Role.SUPERVISOR or action.actor.supervision_level not in (1, 2, 3):
            refuse(refusals.ROLE_NOT_ALLOWED, "Only a supervisor (level 1, 2 or 3) may do this.")
        if self._status == CaseStatus.CLOSED:
            self._refuse_now(refusals.WRONG_STATE, "The case is closed.")
