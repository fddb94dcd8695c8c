"""CaseWorkflow: one citizen appeal (工单) from intake to close. Workflow id = case number.

Deterministic: no I/O, clock, randomness or settings here; everything that touches the world is an
activity. Cheap read-model writes are local activities, so a case's history stays short.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        SYSTEM_ACTOR,
        Actor,
        AssignmentPatch,
        CaseEventRecord,
        CaseIntake,
        CaseOutcome,
        CasePatch,
        CaseView,
        DueTimeRequest,
        Projection,
        Route,
        RouteRequest,
        TaskAssignment,
        TaskReply,
        TaskView,
    )
    from hotline.enums import AssignmentRole, AssignmentStatus, CaseStatus, DispatchMode, EventKind

PROJECTION_TIMEOUT = timedelta(seconds=30)
LOOKUP_TIMEOUT = timedelta(seconds=30)
# A department task stays open until the department replies; deadlines and escalation are the
# workflow's own timers, so this only bounds a task nobody will ever complete.
DEPARTMENT_TASK_TIMEOUT = timedelta(days=366)
STEP_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))
REFUSALS = ["category_not_found", "department_not_found", "no_route"]
_MODE_LABELS = {
    DispatchMode.DIRECT: "直派",
    DispatchMode.PARALLEL: "并行派单",
    DispatchMode.TASK_FORCE: "专班",
}


@workflow.defn
class CaseWorkflow:
    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        self._intake = intake
        self._status = CaseStatus.REGISTERED
        self._seq = 0
        self._route: Route | None = None
        self._tasks: dict[str, TaskView] = {}
        # Parallel department tasks record events concurrently; the timeline is written in seq order.
        self._record_lock = asyncio.Lock()

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        await self._register()
        route = await self._propose_route()
        due_at = await self._due_at(route.tier)
        await self._dispatch(route, due_at)
        await self._handle(due_at)
        return await self._close()

    @workflow.query
    def state(self) -> CaseView:
        return CaseView(
            case_number=self._intake.case_number,
            status=self._status,
            route=self._route,
            tasks=list(self._tasks.values()),
            events=self._seq,
        )

    # ---- stages -------------------------------------------------------------------------------------

    async def _register(self) -> None:
        intake = self._intake
        await self._record(
            EventKind.REGISTERED,
            intake.registered_by,
            f"受理：{intake.title}",
            intake=intake,
            occurred_at=intake.received_at,
        )

    async def _propose_route(self) -> Route:
        place = self._intake.place
        return await workflow.execute_local_activity(
            "propose_route",
            RouteRequest(category=self._intake.category, district=place.district, street=place.street),
            result_type=Route,
            start_to_close_timeout=LOOKUP_TIMEOUT,
            retry_policy=RetryPolicy(
                maximum_interval=timedelta(minutes=1), non_retryable_error_types=REFUSALS
            ),
        )

    async def _due_at(self, default_tier: int) -> datetime:
        tier = self._intake.tier or default_tier
        return await workflow.execute_local_activity(
            "compute_due_at",
            DueTimeRequest(start=self._intake.received_at, tier=tier),
            result_type=datetime,
            start_to_close_timeout=LOOKUP_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    async def _dispatch(self, route: Route, due_at: datetime) -> None:
        self._route = route
        self._status = CaseStatus.HANDLING
        departments = [(route.lead, AssignmentRole.LEAD)] + [
            (d, AssignmentRole.ASSISTING) for d in route.assisting
        ]
        for department, role in departments:
            task_id = f"{self._intake.case_number}-T{len(self._tasks) + 1}"
            self._tasks[task_id] = TaskView(
                task_id=task_id, department=department, role=role, status=AssignmentStatus.OPEN, due_at=due_at
            )
        tier = self._intake.tier or route.tier
        workflow.upsert_search_attributes(
            [
                sa.CASE_STATUS.value_set(self._status.value),
                sa.CASE_DEPARTMENTS.value_set([d for d, _ in departments]),
                sa.CASE_TIER.value_set(tier),
                sa.CASE_DUE_AT.value_set(due_at),
            ]
        )
        await self._record(
            EventKind.DISPATCHED,
            SYSTEM_ACTOR,
            f"派单（{_MODE_LABELS[route.mode]}），{len(departments)} 个承办单位",
            data={
                "mode": route.mode.value,
                "lead": route.lead,
                "assisting": route.assisting,
                "team": route.team,
                "level": route.level.value,
                "tier": tier,
                "due_at": due_at.isoformat(),
            },
            case=CasePatch(
                status=self._status,
                lead_department=route.lead,
                dispatch_mode=route.mode,
                tier=tier,
                due_at=due_at,
            ),
        )

    async def _handle(self, due_at: datetime) -> None:
        """Every department works its task; the case replies when all of them have replied."""
        await asyncio.gather(*(self._department_task(task, due_at) for task in list(self._tasks.values())))
        self._status = CaseStatus.REPLIED
        workflow.upsert_search_attributes([sa.CASE_STATUS.value_set(self._status.value)])

    async def _department_task(self, task: TaskView, due_at: datetime) -> None:
        reply = await workflow.execute_activity(
            "department_task",
            TaskAssignment(
                case_number=self._intake.case_number,
                task_id=task.task_id,
                department=task.department,
                role=task.role,
                assigned_at=workflow.now(),
                due_at=due_at,
            ),
            result_type=TaskReply,
            activity_id=task.task_id,
            start_to_close_timeout=DEPARTMENT_TASK_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
        task.status = AssignmentStatus.REPLIED
        await self._record(
            EventKind.REPLIED,
            reply.actor,
            f"答复：{reply.text[:80]}",
            data={
                "task_id": task.task_id,
                "outcome": reply.outcome,
                "contacted_citizen": reply.contacted_citizen,
            },
            occurred_at=reply.replied_at,
            case=CasePatch(status=CaseStatus.REPLIED) if self._all_replied() else None,
            assignments=[
                AssignmentPatch(
                    task_id=task.task_id,
                    status=AssignmentStatus.REPLIED,
                    replied_at=reply.replied_at,
                    reply_text=reply.text,
                    outcome=reply.outcome,
                )
            ],
        )

    async def _close(self) -> CaseOutcome:
        closed_at = workflow.now()
        self._status = CaseStatus.CLOSED
        workflow.upsert_search_attributes([sa.CASE_STATUS.value_set(self._status.value)])
        await self._record(
            EventKind.CLOSED,
            SYSTEM_ACTOR,
            "办结",
            case=CasePatch(status=self._status, closed_at=closed_at),
            occurred_at=closed_at,
        )
        return CaseOutcome(case_number=self._intake.case_number, status=self._status, closed_at=closed_at)

    # ---- helpers ------------------------------------------------------------------------------------

    def _all_replied(self) -> bool:
        return all(t.status == AssignmentStatus.REPLIED for t in self._tasks.values())

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
    ) -> None:
        """Append one event to the case's timeline and apply its changes to the read model."""
        async with self._record_lock:
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
                Projection(event=event, intake=intake, case=case, assignments=assignments or []),
                start_to_close_timeout=PROJECTION_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
