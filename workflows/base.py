"""The state every part of CaseWorkflow shares, and the helpers they all use: the timeline, status,
refusals, request memory. The workflow's parts (handling, review and visit, supervision, merging,
deferral, the task clock) are mixins over this base; the workflow itself is in workflows/case.py.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.workflow import ActivityHandle

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        GENERATION_ONE_WRITE_PER_TASK,
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

# Patch (docs/versioning.md): a case's steps written once per workflow task (several in one local
# activity), its first dispatch on the terms fixed at intake, the visit window left to lapse when the case
# closes. Histories recorded before it replay the one-activity-per-step path below.
ONE_WRITE_PER_TASK = "one-write-per-task"

P = ParamSpec("P")
R = TypeVar("R")


def handler(
    function: Callable[Concatenate[Any, P], Awaitable[R]],
) -> Callable[Concatenate[Any, P], Awaitable[R]]:
    """An Update or signal handler the case counts while it runs, so that its close can tell handlers
    that only wait for their step to be written from those still at work."""

    @functools.wraps(function)
    async def counted(self: Any, *args: P.args, **kwargs: P.kwargs) -> R:
        # By task, not by context: tasks a handler starts (a department's task) are not handlers.
        running = asyncio.current_task()
        self._handlers_running.add(running)
        try:
            return await function(self, *args, **kwargs)
        finally:
            self._handlers_running.discard(running)

    return counted


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
    _outbox: list[Projection]  # steps staged in this workflow task, not yet written
    _writer: asyncio.Task[None] | None
    _handlers_running: set[asyncio.Task[Any] | None]
    _handlers_writing: set[asyncio.Task[Any] | None]  # handlers waiting for nothing but their write
    # A handler's step that the lifecycle follows up in the same workflow task (the close, the work given
    # back): the writes wait for the follow-up, so both share one.
    _follow_up_pending: bool
    _rulings: set[str]  # returned tasks whose ruling is under way

    def _one_write_per_task(self) -> bool:
        # A case of generation 2 or later never asks the patch (no marker, no upsert of
        # TemporalChangeVersion); older cases, and cases an older intake started, do.
        if self._intake.generation >= GENERATION_ONE_WRITE_PER_TASK:
            return True
        return workflow.patched(ONE_WRITE_PER_TASK)

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

    def _set_status(self, status: CaseStatus, *others: SearchAttributeUpdate[Any]) -> None:
        """The new status, and any other attributes that change with it, in one upsert."""
        self._status = status
        workflow.upsert_search_attributes([sa.CASE_STATUS.value_set(status.value), *others])

    async def _wait_while(self, status: CaseStatus) -> None:
        await workflow.wait_condition(lambda: self._status != status or self._close_reason is not None)

    def _own_task(self, actor: Actor, task_id: str) -> TaskView:
        task = self._tasks.get(task_id)
        if task is None:
            self._refuse_now(refusals.TASK_NOT_FOUND, f"No task {task_id} on this case.")
        if actor.role != Role.DEPARTMENT or actor.department != task.department:
            refuse(refusals.NOT_YOUR_TASK, "This task belongs to another department.")
        return task

    def _refuse_now(self, code: str, message: str) -> NoReturn:
        """Refuse for the case's state as this run sees it. The refusal carries the timeline's length:
        a workflow task lost with its worker leaves the read model a step ahead of the workflow until the
        step runs again, and a person who acts on that step meanwhile is told to retry, not refused
        (hotline/actions.py)."""
        refuse(code, message, events=self._seq)

    @staticmethod
    def _require(actor: Actor, role: Role) -> None:
        if actor.role != role:
            refuse(refusals.ROLE_NOT_ALLOWED, f"Only a {role.value} may do this.")

    def _require_status(self, status: CaseStatus, what: str) -> None:
        if self._status != status or self._close_reason is not None:
            self._refuse_now(
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
        wait: bool = True,
    ) -> None:
        """Append one event to the case's timeline and apply its changes to the read model.

        Steps taken in one workflow task are written together, by one local activity. `wait=False`
        stages the step and goes on: a step another part of the case is about to follow (a reply that
        ends the round, a visit that closes the case) then shares its write."""

        def step() -> Projection:
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
            return Projection(
                event=event,
                intake=intake,
                case=case,
                assignments=assignments or [],
                notifications=notifications or [],
                opened_tasks=[self._assignment(task) for task in opened],
            )

        if self._one_write_per_task():
            self._outbox.append(step())
            if self._writer is None or self._writer.done():
                self._writer = asyncio.ensure_future(self._write_outbox())
            if wait:
                await self._written()
            return
        async with self._record_lock:
            await workflow.execute_local_activity(
                "project_case",
                step(),
                start_to_close_timeout=LOCAL_TIMEOUT,
                retry_policy=STEP_RETRY,
            )

    async def _written(self) -> None:
        """Until every step staged so far is in the read model."""
        if self._writer is None or self._writer.done():
            return
        current = asyncio.current_task()
        if current in self._handlers_running:
            self._handlers_writing.add(current)
        try:
            # Shielded: a handler that stops waiting does not stop the write other steps share.
            await asyncio.shield(self._writer)
        finally:
            self._handlers_writing.discard(current)

    async def _write_outbox(self) -> None:
        while self._outbox:
            await self._settle()
            steps, self._outbox = self._outbox, []
            await workflow.execute_local_activity(
                "project_steps",
                steps,
                start_to_close_timeout=LOCAL_TIMEOUT,
                retry_policy=STEP_RETRY,
            )

    async def _settle(self) -> None:
        """Let every part of the case that this workflow task woke stage its step first: wait while
        each pass over the workflow's conditions brings new steps, and while a follow-up is announced."""
        while True:
            staged = len(self._outbox)
            await workflow.wait_condition(lambda: not self._follow_up_pending)
            if len(self._outbox) == staged:
                return

    async def _then_follow_up(self) -> None:
        """End a handler whose step the lifecycle follows up now (the case closes, or work is given
        back): announce the follow-up, so one write carries both, and wait for it."""
        self._follow_up_pending = self._one_write_per_task() and (
            self._close_reason is not None or bool(self._to_reissue)
        )
        await self._written()

    def _followed_up(self) -> None:
        self._follow_up_pending = False

    def _only_writes_left(self) -> bool:
        """Every running handler has staged its last step and waits only for it to be written."""
        return self._handlers_running == self._handlers_writing

    def _assignment(self, task: TaskView) -> TaskAssignment:
        return TaskAssignment(
            case_number=self._intake.case_number,
            task_id=task.task_id,
            department=task.department,
            role=task.role,
            assigned_at=task.assigned_at,
            due_at=task.due_at,
        )
