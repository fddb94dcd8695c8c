"""Each department task's clock, as part of CaseWorkflow: the sign-for window, the warning, the due
time and the three-level escalation ladder. An approved extension moves the due time and the clock
starts again from it; a reply, a return or a withdrawal stops it at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import SYSTEM_ACTOR, AssignmentPatch, CasePatch, Notification, TaskView
    from hotline.enums import AssignmentStatus, EventKind
    from workflows.base import CaseBase

LIVE_TASK = (AssignmentStatus.OPEN, AssignmentStatus.SIGNED)


def is_live(task: TaskView) -> bool:
    return task.status in LIVE_TASK


async def until(moment: datetime, stop: Callable[[], bool]) -> bool:
    """Sleep until `moment` unless `stop()` becomes true first; True when stopped early."""
    remaining = (moment - workflow.now()).total_seconds()
    if remaining <= 0:
        return bool(stop())
    try:
        await workflow.wait_condition(stop, timeout=remaining)
        return True
    except TimeoutError:
        return False


class TaskClock(CaseBase):
    """A part of CaseWorkflow, over the state and helpers of CaseBase."""

    async def _watch_clock(self, task: TaskView) -> None:
        sign_for = asyncio.ensure_future(self._watch_sign_for(task))
        while is_live(task) and await self._ladder(task, task.due_at):
            pass  # the due time moved: start again from it
        await sign_for

    async def _watch_sign_for(self, task: TaskView) -> None:
        sign_by = task.assigned_at + self._policy.sign_for_window(self._tier)
        if task.sign_for_late:
            return  # recorded already (before a continue-as-new)
        if not await until(sign_by, lambda: task.status != AssignmentStatus.OPEN):
            task.sign_for_late = True
            await self._task_event(task, EventKind.SIGN_FOR_LATE, "超时未签收", sign_for_late=True)

    async def _ladder(self, task: TaskView, due: datetime) -> bool:
        """Warning, overdue, escalations towards `due`; True when the due time moved meanwhile."""

        def moved() -> bool:
            return task.due_at != due

        def stop() -> bool:
            return not is_live(task) or moved()

        if not task.warned:
            warn_at = task.assigned_at + (due - task.assigned_at) * self._policy.warning_fraction
            if await until(warn_at, stop):
                return moved()
            task.warned = True
            await self._task_event(task, EventKind.WARNING, "即将超期预警")
        escalate_at = due
        for level, delay in enumerate([None, *self._policy.escalation_delays], start=1):
            if delay is not None:
                escalate_at += delay
            if task.escalation_level >= level:
                continue
            if await until(escalate_at, stop):
                return moved()
            await self._escalate(task, level)
        await workflow.wait_condition(stop)
        return moved()

    async def _escalate(self, task: TaskView, level: int) -> None:
        task.overdue, task.escalation_level = True, level
        self._escalation = max(self._escalation, level)
        workflow.upsert_search_attributes([sa.CASE_ESCALATION_LEVEL.value_set(self._escalation)])
        kind = EventKind.OVERDUE if level == 1 else EventKind.ESCALATED
        await self._record(
            kind,
            SYSTEM_ACTOR,
            f"{'超期，' if level == 1 else ''}升级至{level}级督办",
            data={"task_id": task.task_id, "department": task.department, "level": level},
            case=CasePatch(escalation_level=self._escalation),
            assignments=[AssignmentPatch(task_id=task.task_id, overdue=True)],
            notifications=[
                Notification(recipient_kind="department", recipient=task.department, template=kind.value),
                Notification(recipient_kind="supervisor", recipient=str(level), template=kind.value),
            ],
        )

    async def _task_event(
        self, task: TaskView, kind: EventKind, summary: str, *, sign_for_late: bool = False
    ) -> None:
        await self._record(
            kind,
            SYSTEM_ACTOR,
            summary,
            data={"task_id": task.task_id, "department": task.department},
            notifications=[
                Notification(recipient_kind="department", recipient=task.department, template=kind.value)
            ],
            assignments=[AssignmentPatch(task_id=task.task_id, sign_for_late=True)] if sign_for_late else [],
        )
