"""挂账 Deferral, as part of CaseWorkflow: a department that cannot solve a case now, for objective
reasons, asks to defer it with a plan and a target date; a supervisor approves. The open tasks are
withdrawn (their clocks stop), the case waits as deferred, and at the target date the same departments
get the case back with a fresh clock.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        SYSTEM_ACTOR,
        ActionResult,
        AssignmentPatch,
        CasePatch,
        DeferralView,
        Notification,
        RequestDeferral,
        RuleDeferral,
    )
    from hotline.enums import AssignmentStatus, CaseStatus, EventKind, Role
    from workflows import refusals
    from workflows.base import CaseBase, handler
    from workflows.clock import is_live, until
    from workflows.refusals import refuse


class Deferral(CaseBase):
    """A part of CaseWorkflow, over the state and helpers of CaseBase."""

    @workflow.update
    @handler
    async def request_deferral(self, action: RequestDeferral) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        self._deferral = DeferralView(
            task_id=task.task_id, department=task.department, plan=action.plan, target_date=action.target_date
        )
        await self._record(
            EventKind.DEFERRAL_REQUESTED,
            action.actor,
            f"申请挂账至 {action.target_date.date().isoformat()}：{action.plan[:80]}",
            data=self._deferral.model_dump(mode="json"),
            notifications=[Notification(recipient_kind="supervisor", recipient="1", template="deferral")],
        )
        return self._remember(action)

    @request_deferral.validator
    def _validate_request_deferral(self, action: RequestDeferral) -> None:
        if action.request_id in self._results:
            return
        task = self._own_task(action.actor, action.task_id)
        if not is_live(task) or self._status != CaseStatus.HANDLING:
            self._refuse_now(
                refusals.TASK_NOT_OPEN, f"Task {task.task_id} is {task.status.value}; it cannot be deferred."
            )
        if self._deferral is not None:
            self._refuse_now(
                refusals.WRONG_STATE, "A deferral is already requested or under way for this case."
            )
        if action.target_date <= workflow.now():
            refuse(refusals.DUE_IN_PAST, "The target date must lie in the future.")
        if not action.plan.strip():
            refuse(refusals.REASON_REQUIRED, "A deferral needs a plan.")

    @workflow.update
    @handler
    async def rule_deferral(self, action: RuleDeferral) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        deferral = self._deferral
        assert deferral is not None
        if not action.approve:
            self._deferral = None
            await self._record(
                EventKind.DEFERRAL_RULED,
                action.actor,
                f"不同意挂账：{action.reason}",
                data={"approve": False, "reason": action.reason},
            )
            return self._remember(action)
        deferral.approved = True
        withdrawn = [t for t in self._tasks.values() if is_live(t)]
        deferral.departments = list(dict.fromkeys(t.department for t in withdrawn))
        for task in withdrawn:
            task.status = AssignmentStatus.VOID
        self._set_status(CaseStatus.DEFERRED)
        await self._record(
            EventKind.DEFERRAL_RULED,
            action.actor,
            f"同意挂账至 {deferral.target_date.date().isoformat()}：{action.reason}",
            data={"approve": True, "reason": action.reason, "target_date": deferral.target_date.isoformat()},
            case=CasePatch(status=self._status, deferred_until=deferral.target_date),
            assignments=[AssignmentPatch(task_id=t.task_id, status=AssignmentStatus.VOID) for t in withdrawn],
        )
        for task in withdrawn:
            await self._withdraw(task)
        workflow.upsert_search_attributes([sa.CASE_DUE_AT.value_set(deferral.target_date)])
        self._deferral_timer = asyncio.ensure_future(self._resume_at_target())
        return self._remember(action)

    @rule_deferral.validator
    def _validate_rule_deferral(self, action: RuleDeferral) -> None:
        if action.request_id in self._results:
            return
        if action.actor.role != Role.SUPERVISOR:
            refuse(refusals.ROLE_NOT_ALLOWED, "Only a supervisor approves a deferral.")
        if self._deferral is None or self._deferral.approved or self._status != CaseStatus.HANDLING:
            self._refuse_now(refusals.WRONG_STATE, "No deferral request is waiting on this case.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Give the reason for the ruling.")

    async def _resume_at_target(self) -> None:
        deferral = self._deferral
        assert deferral is not None
        departments = deferral.departments
        if await until(
            deferral.target_date,
            lambda: self._status != CaseStatus.DEFERRED or self._close_reason is not None,
        ):
            return  # withdrawn meanwhile
        self._deferral = None
        self._to_reissue = departments
        self._set_status(CaseStatus.HANDLING)
        await self._record(
            EventKind.DEFERRAL_ENDED,
            SYSTEM_ACTOR,
            "挂账到期，恢复办理",
            case=CasePatch(status=self._status, deferral_ended=True),
            notifications=[
                Notification(recipient_kind="department", recipient=d, template="resumed")
                for d in departments
            ],
            wait=False,
        )
        await self._then_follow_up()  # written with the departments' new tasks
