"""Driving a case in workflow tests: start it, find its open tasks, act as each role."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import col, select
from temporalio.client import Client, WorkflowHandle
from temporalio.common import TypedSearchAttributes

from hotline.contracts import (
    ActionResult,
    Actor,
    CaseIntake,
    Decision,
    RequestExtension,
    Reroute,
    Review,
    Route,
    RuleExtension,
    RuleReturn,
    SignFor,
    TaskReply,
    Visit,
)
from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus, Rating, Role, TaskResultKind
from hotline.intake import search_attributes_at_start
from hotline.models import Assignment, Case, CaseEvent
from tests.helpers import case_intake, eventually
from workflows import CaseWorkflow

DISPATCHER = Actor(user="dispatcher", role=Role.DISPATCHER)
VISITOR = Actor(user="visitor", role=Role.VISIT_OPERATOR)
SUPERVISOR = Actor(user="supervisor1", role=Role.SUPERVISOR)


def department(code: str) -> Actor:
    return Actor(user=f"{code}-clerk", role=Role.DEPARTMENT, department=code)


def rid() -> str:
    return uuid.uuid4().hex


class CaseDriver:
    def __init__(self, client: Client, sessions: SessionFactory, task_queue: str) -> None:
        self.client, self.sessions, self.task_queue = client, sessions, task_queue

    async def start(self, intake: CaseIntake | None = None) -> WorkflowHandle:
        intake = intake or case_intake()
        return await self.client.start_workflow(
            CaseWorkflow.run,
            intake,
            id=intake.case_number,
            task_queue=self.task_queue,
            search_attributes=TypedSearchAttributes(search_attributes_at_start(intake)),
        )

    async def open_tasks(self, case_number: str, expected: int) -> list[Assignment]:
        """The case's live tasks once exactly `expected` are open with a token."""

        async def probe() -> list[Assignment] | None:
            async with self.sessions() as session:
                rows = list(
                    (
                        await session.execute(
                            select(Assignment)
                            .where(
                                Assignment.case_number == case_number,
                                col(Assignment.status).in_([AssignmentStatus.OPEN, AssignmentStatus.SIGNED]),
                                col(Assignment.task_token).is_not(None),
                            )
                            .order_by(col(Assignment.task_id))
                        )
                    ).scalars()
                )
            return rows if len(rows) == expected else None

        return await eventually(probe)

    async def reply(self, task: Assignment, text: str = "已处理") -> None:
        assert task.task_token is not None
        await self.client.get_async_activity_handle(task_token=task.task_token).complete(
            TaskReply(text=text, actor=department(task.department_code), replied_at=datetime.now(UTC))
        )

    async def return_task(self, task: Assignment, reason: str = "不属于本单位职责") -> None:
        assert task.task_token is not None
        await self.client.get_async_activity_handle(task_token=task.task_token).complete(
            TaskReply(
                kind=TaskResultKind.RETURN,
                text=reason,
                actor=department(task.department_code),
                replied_at=datetime.now(UTC),
            )
        )

    async def request_extension(
        self, handle: WorkflowHandle, task: Assignment, due_at: datetime
    ) -> ActionResult:
        action = RequestExtension(
            actor=department(task.department_code),
            request_id=rid(),
            task_id=task.task_id,
            reason="需协调施工队",
            due_at=due_at,
        )
        return await handle.execute_update(CaseWorkflow.request_extension, action)

    async def rule_extension(self, handle: WorkflowHandle, task_id: str, approve: bool) -> ActionResult:
        action = RuleExtension(
            actor=DISPATCHER, request_id=rid(), task_id=task_id, approve=approve, reason="同意"
        )
        return await handle.execute_update(CaseWorkflow.rule_extension, action)

    async def rule_return(
        self, handle: WorkflowHandle, task_id: str, justified: bool, route: Route | None = None
    ) -> ActionResult:
        action = RuleReturn(
            actor=DISPATCHER,
            request_id=rid(),
            task_id=task_id,
            justified=justified,
            reason="经核实",
            route=route,
        )
        return await handle.execute_update(CaseWorkflow.rule_return, action)

    async def sign_for(
        self, handle: WorkflowHandle, task: Assignment, actor: Actor | None = None
    ) -> ActionResult:
        action = SignFor(
            actor=actor or department(task.department_code), request_id=rid(), task_id=task.task_id
        )
        return await handle.execute_update(CaseWorkflow.sign_for, action)

    async def review(
        self, handle: WorkflowHandle, accept: bool = True, reason: str | None = None
    ) -> ActionResult:
        return await handle.execute_update(
            CaseWorkflow.review, Review(actor=DISPATCHER, request_id=rid(), accept=accept, reason=reason)
        )

    async def visit(
        self, handle: WorkflowHandle, rating: Rating | None = Rating.SATISFIED, resolved: bool = True
    ) -> ActionResult:
        reached = rating is not None
        action = Visit(
            actor=VISITOR,
            request_id=rid(),
            reached=reached,
            resolved=resolved if reached else None,
            rating=rating,
        )
        return await handle.execute_update(CaseWorkflow.visit, action)

    async def reroute(
        self, handle: WorkflowHandle, route: Route, reason: str = "职责不符，改派"
    ) -> ActionResult:
        action = Reroute(actor=DISPATCHER, request_id=rid(), route=route, reason=reason)
        return await handle.execute_update(CaseWorkflow.reroute, action)

    async def decide(self, handle: WorkflowHandle, close_as_is: bool) -> ActionResult:
        action = Decision(
            actor=SUPERVISOR, request_id=rid(), close_as_is=close_as_is, reason="已尽力，按现状办结"
        )
        return await handle.execute_update(CaseWorkflow.decide, action)

    async def timeline(self, case_number: str) -> list[CaseEvent]:
        async with self.sessions() as session:
            return list(
                (
                    await session.execute(
                        select(CaseEvent)
                        .where(CaseEvent.case_number == case_number)
                        .order_by(col(CaseEvent.seq))
                    )
                ).scalars()
            )

    async def kinds(self, case_number: str) -> list[str]:
        return [event.kind for event in await self.timeline(case_number)]

    async def handle_to_reply(self, handle: WorkflowHandle, expected_tasks: int = 1) -> None:
        """Every open task is signed for and replied to; waits until the case awaits review."""
        for task in await self.open_tasks(handle.id, expected_tasks):
            await self.sign_for(handle, task)
            await self.reply(task)

        async def replied() -> bool:
            # The read model, as the dispatcher's queue sees it, not a query: a query that reaches a workflow
            # task in flight makes it answer before its write ends, and the write then takes a workflow
            # task of its own (a history the product's own readers never cause).
            async with self.sessions() as session:
                case = await session.get(Case, handle.id)
            return case is not None and case.status == CaseStatus.REPLIED

        await eventually(replied)
