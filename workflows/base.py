"""The state every part of CaseWorkflow shares, and the helpers they all use: the timeline, status,
refusals, request memory. The workflow's parts (handling, review and visit, supervision, merging,
deferral, the task clock) are mixins over this base; the workflow itself is in workflows/case.py.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ActivityHandle

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        Action,
        ActionResult,
        Actor,
        AssignmentPatch,
        CaseEventRecord,
        CaseIntake,
        CasePatch,
        CasePolicy,
        DeferralView,
        DueTimeRequest,
        Notification,
        OrderView,
        Projection,
        Route,
        TaskAssignment,
        TaskReply,
        TaskView,
        TaskWithdrawal,
    )
    from hotline.enums import (
        AssignmentRole,
        CaseStatus,
        CloseReason,
        DispatchMode,
        EventKind,
        Rating,
        Role,
    )
    from workflows import refusals
    from workflows.refusals import refuse


LOCAL_TIMEOUT = timedelta(seconds=30)
# A department task stays open until the department replies; deadlines and escalation are the
# workflow's own timers, so this only bounds a task nobody will ever complete.
DEPARTMENT_TASK_TIMEOUT = timedelta(days=366)
STEP_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
ROUTE_REFUSALS = ["category_not_found", "department_not_found", "no_route"]
_MODE_LABELS = {
    DispatchMode.DIRECT: "直派",
    DispatchMode.PARALLEL: "并行派单",
    DispatchMode.TASK_FORCE: "专班",
}
_SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
MAX_CARRIED_RESULTS = 200


class CaseBase:
    _intake: CaseIntake
    _status: CaseStatus
    _policy: CasePolicy
    _route: Route | None
    _tier: int
    _tasks: dict[str, TaskView]
    _work: dict[str, asyncio.Future[None]]
    _activities: dict[str, ActivityHandle[TaskReply]]
    _unprojected: list[TaskView]
    _awaiting_ruling: set[str]
    _orders: dict[str, OrderView]
    _urges: int
    _merged: list[str]
    _merged_into: str | None
    _reply_text: str
    _deferral: DeferralView | None
    _deferral_timer: asyncio.Future[None] | None
    _to_reissue: list[str]
    _escalation: int
    _reopens: int
    _visit_attempts: int
    _rating: Rating | None
    _close_reason: CloseReason | None
    _seq: int
    _results: dict[str, ActionResult]
    _record_lock: asyncio.Lock

    async def _due_at(self) -> datetime:
        return await workflow.execute_local_activity(
            "compute_due_at",
            DueTimeRequest(start=workflow.now(), tier=self._tier),
            result_type=datetime,
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    async def _withdraw(self, task: TaskView) -> None:
        self._activities[task.task_id].cancel()
        await workflow.execute_activity(
            "withdraw_task",
            TaskWithdrawal(case_number=self._intake.case_number, task_id=task.task_id),
            result_type=bool,
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    def _departments(self) -> list[str]:
        return list(dict.fromkeys(t.department for t in self._tasks.values()))

    def _lead_task(self) -> TaskView:
        return [t for t in self._tasks.values() if t.role == AssignmentRole.LEAD][-1]

    def _set_status(self, status: CaseStatus) -> None:
        self._status = status
        workflow.upsert_search_attributes([sa.CASE_STATUS.value_set(status.value)])

    async def _wait_while(self, status: CaseStatus) -> None:
        await workflow.wait_condition(lambda: self._status != status or self._close_reason is not None)

    def _own_task(self, actor: Actor, task_id: str) -> TaskView:
        task = self._tasks.get(task_id)
        if task is None:
            refuse(refusals.TASK_NOT_FOUND, f"No task {task_id} on this case.")
        if actor.role != Role.DEPARTMENT or actor.department != task.department:
            refuse(refusals.NOT_YOUR_TASK, "This task belongs to another department.")
        return task

    @staticmethod
    def _require(actor: Actor, role: Role) -> None:
        if actor.role != role:
            refuse(refusals.ROLE_NOT_ALLOWED, f"Only a {role.value} may do this.")

    def _require_status(self, status: CaseStatus, what: str) -> None:
        if self._status != status or self._close_reason is not None:
            refuse(
                refusals.WRONG_STATE,
                f"The case is {self._status.value}; it can be {what} only when {status.value}.",
            )

    def _remember(self, action: Action) -> ActionResult:
        # The answer is not a command: replaying a history compares commands, never Update results.
        result = ActionResult(status=self._status, seq=self._seq, closing=self._close_reason)
        self._results[action.request_id] = result
        return result

    async def _record(
        self,
        kind: EventKind,
        actor: Actor,
        summary: str,
        *,
        data: dict[str, Any] | None = None,
        occurred_at: datetime | None = None,
        intake: CaseIntake | None = None,
        case: CasePatch | None = None,
        assignments: list[AssignmentPatch] | None = None,
        notifications: list[Notification] | None = None,
    ) -> None:
        """Append one event to the case's timeline and apply its changes to the read model."""
        async with self._record_lock:
            opened, self._unprojected = self._unprojected, []
            self._seq += 1
            event = CaseEventRecord(
                case_number=self._intake.case_number,
                seq=self._seq,
                kind=kind,
                occurred_at=occurred_at or workflow.now(),
                actor=actor,
                summary=summary,
                data=data or {},
            )
            await workflow.execute_local_activity(
                "project_case",
                Projection(
                    event=event,
                    intake=intake,
                    case=case,
                    assignments=assignments or [],
                    notifications=notifications or [],
                    opened_tasks=[self._assignment(task) for task in opened],
                ),
                start_to_close_timeout=LOCAL_TIMEOUT,
                retry_policy=STEP_RETRY,
            )

    def _assignment(self, task: TaskView) -> TaskAssignment:
        return TaskAssignment(
            case_number=self._intake.case_number,
            task_id=task.task_id,
            department=task.department,
            role=task.role,
            assigned_at=task.assigned_at,
            due_at=task.due_at,
        )
