"""审核 and 回访, as part of CaseWorkflow: the dispatcher reviews the reply, the return visit rates it,
reopening (重办) up to the limit, then a supervisor decides: close as is, defer, or reopen again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from hotline.contracts import (
        SYSTEM_ACTOR,
        ActionResult,
        CasePatch,
        Decision,
        DeferralView,
        Notification,
        Review,
        Visit,
    )
    from hotline.enums import (
        CaseStatus,
        CloseReason,
        EventKind,
        Rating,
        Role,
    )
    from workflows import refusals
    from workflows.clock import until
    from workflows.refusals import refuse


from workflows.base import _SATISFIED, CaseBase, handler
from workflows.deferral import Deferral
from workflows.merging import Merging

_RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
}


class ReviewAndVisit(Merging, Deferral, CaseBase):
    @workflow.update
    @handler
    async def review(self, action: Review) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        if action.accept:
            self._set_status(CaseStatus.VISITING)
            await self._record(
                EventKind.REVIEW_ACCEPTED, action.actor, "审核通过", case=CasePatch(status=self._status)
            )
            await self._tell_merged("primary_replied")
        else:
            task = self._tasks[action.task_id] if action.task_id else self._lead_task()
            self._to_reissue = [task.department]
            self._set_status(CaseStatus.HANDLING)
            await self._record(
                EventKind.REVIEW_SENT_BACK,
                action.actor,
                f"审核退回：{action.reason}",
                data={"task_id": task.task_id, "department": task.department, "reason": action.reason},
                case=CasePatch(status=self._status),
                wait=False,
            )
            await self._then_follow_up()  # written with the department's new task
        return self._remember(action)

    @review.validator
    def _validate_review(self, action: Review) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.DISPATCHER)
        self._require_status(CaseStatus.REPLIED, "reviewed")
        if not action.accept and not (action.reason or "").strip():
            refuse(refusals.REASON_REQUIRED, "Say why the reply goes back to the department.")
        if action.task_id is not None and action.task_id not in self._tasks:
            self._refuse_now(refusals.TASK_NOT_FOUND, f"No task {action.task_id} on this case.")

    @workflow.update
    @handler
    async def visit(self, action: Visit) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        if not action.reached:
            await self._visit_not_reached(action)
        else:
            await self._visit_reached(action)
        # A visit that ends the case is written with the close; one that reopens it, with the new tasks.
        await self._then_follow_up()
        return self._remember(action)

    @visit.validator
    def _validate_visit(self, action: Visit) -> None:
        if action.request_id in self._results:
            return
        # A citizen's own rating through the tracking code counts as the visit.
        if action.actor.role not in (Role.VISIT_OPERATOR, Role.CITIZEN):
            refuse(refusals.ROLE_NOT_ALLOWED, "Only a visit operator, or the citizen, records the visit.")
        if action.actor.role == Role.CITIZEN and not action.reached:
            refuse(refusals.INCOMPLETE_VISIT, "A citizen's rating needs 'resolved' and 'rating'.")
        self._require_status(CaseStatus.VISITING, "visited")
        if action.reached and (action.resolved is None or action.rating is None):
            refuse(refusals.INCOMPLETE_VISIT, "A reached citizen's visit needs both 'resolved' and 'rating'.")

    @workflow.update
    @handler
    async def decide(self, action: Decision) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        outcome = "按现状办结" if action.close_as_is else "挂账" if action.defer_until else "再次重办"
        await self._record(
            EventKind.DECIDED,
            action.actor,
            f"督办决定：{outcome}，{action.reason}",
            data={
                "close_as_is": action.close_as_is,
                "defer_until": action.defer_until.isoformat() if action.defer_until else None,
                "reason": action.reason,
            },
            case=CasePatch(deferred_until=action.defer_until) if action.defer_until else None,
            wait=False,
        )
        if action.close_as_is:
            self._close_reason = CloseReason.SUPERVISOR_DECISION
        elif action.defer_until is not None:
            self._deferral = DeferralView(
                plan=action.reason,
                target_date=action.defer_until,
                approved=True,
                departments=self._departments(),
            )
            self._set_status(CaseStatus.DEFERRED)
            self._deferral_timer = asyncio.ensure_future(self._resume_at_target())
        else:
            self._to_reissue = self._departments()
            self._set_status(CaseStatus.HANDLING)
        await self._then_follow_up()  # closing or reopening: written with what follows
        return self._remember(action)

    @decide.validator
    def _validate_decide(self, action: Decision) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.SUPERVISOR)
        self._require_status(CaseStatus.AWAITING_DECISION, "decided on")
        if action.close_as_is and action.defer_until is not None:
            self._refuse_now(refusals.WRONG_STATE, "Close as is, or defer: not both.")
        if action.defer_until is not None and action.defer_until <= workflow.now():
            refuse(refusals.DUE_IN_PAST, "The deferral's target date must lie in the future.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "A supervisor's decision needs a reason.")

    async def _await_visit(self) -> None:
        if self._status != CaseStatus.VISITING or self._close_reason is not None:
            return

        def visit_over() -> bool:
            return self._status != CaseStatus.VISITING or self._close_reason is not None

        if self._one_write_per_task():
            over = await self._within_visit_window(visit_over)
        else:
            over = await until(workflow.now() + self._policy.visit_window, visit_over)
        if over:
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._status == CaseStatus.VISITING and self._close_reason is None:
            self._close_reason = CloseReason.UNREACHABLE
            await self._record(EventKind.VISIT_EXPIRED, SYSTEM_ACTOR, "回访期限已过，按无法联系办结")

    async def _within_visit_window(self, visit_over: Callable[[], bool]) -> bool:
        """As `until` the window's end: True when `visit_over` came first. A visit that closes the case
        leaves the window's timer to end with the case, so no cancellation is recorded."""
        window = asyncio.ensure_future(workflow.sleep(self._policy.visit_window))
        await workflow.wait_condition(lambda: window.done() or visit_over())
        if window.done():
            return False
        if self._close_reason is None:
            window.cancel()  # the case goes on (reopened, awaiting a decision): the timer must not fire
        return True

    async def _visit_not_reached(self, action: Visit) -> None:
        self._visit_attempts += 1
        gave_up = self._visit_attempts >= self._policy.visit_attempts
        if gave_up:
            self._close_reason = CloseReason.UNREACHABLE
        await self._record(
            EventKind.VISIT_ATTEMPT,
            action.actor,
            f"回访未接通（第{self._visit_attempts}次）" + ("，按无法联系办结" if gave_up else ""),
            data={"attempt": self._visit_attempts, "comment": action.comment},
            wait=False,
        )

    async def _visit_reached(self, action: Visit) -> None:
        assert action.rating is not None
        self._rating = action.rating
        satisfied = bool(action.resolved) and action.rating in _SATISFIED
        await self._record(
            EventKind.VISITED,
            action.actor,
            f"回访：{'已解决' if action.resolved else '未解决'}，{_RATING_LABELS[action.rating]}",
            data={"resolved": action.resolved, "rating": action.rating.value, "comment": action.comment},
            case=CasePatch(rating=action.rating, resolved=action.resolved),
            wait=False,
        )
        if satisfied:
            self._close_reason = CloseReason.VISITED
        elif self._reopens >= self._policy.reopen_limit:
            self._set_status(CaseStatus.AWAITING_DECISION)
            await self._record(
                EventKind.AWAITING_DECISION,
                SYSTEM_ACTOR,
                f"已重办{self._reopens}次，提请督办决定",
                case=CasePatch(status=self._status),
                notifications=[
                    Notification(recipient_kind="supervisor", recipient="1", template="awaiting_decision")
                ],
                wait=False,
            )
        else:
            self._reopens += 1
            self._to_reissue = self._departments()
            self._set_status(CaseStatus.HANDLING)
            await self._record(
                EventKind.REOPENED,
                SYSTEM_ACTOR,
                f"重办（第{self._reopens}次）",
                data={"reopen": self._reopens},
                case=CasePatch(status=self._status, reopen_count=self._reopens),
                wait=False,
            )
