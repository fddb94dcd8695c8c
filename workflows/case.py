"""CaseWorkflow: one citizen appeal (工单) from intake to close. Workflow id = case number.

Deterministic: no I/O, clock, randomness or settings here; everything that touches the world is an
activity. Cheap read-model writes are local activities, so a case's history stays short.

The run method is the table of contents: register, dispatch, then rounds of handling → review →
return visit until the case closes. Intermediate actions arrive as Workflow Updates whose validators
refuse a bad action before it reaches the history; a department's reply completes its task activity.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.workflow import ActivityHandle

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        SYSTEM_ACTOR,
        ActionResult,
        AssignmentPatch,
        CarriedState,
        CaseIntake,
        CaseOutcome,
        CasePatch,
        CasePolicy,
        CaseView,
        DeferralView,
        Notification,
        OrderView,
        Projection,
        Route,
        RouteRequest,
        TaskReply,
        TaskView,
        Withdraw,
    )
    from hotline.enums import (
        AssignmentRole,
        AssignmentStatus,
        CaseStatus,
        CloseReason,
        EventKind,
        Rating,
        Role,
    )
    from workflows import refusals
    from workflows.clock import is_live
    from workflows.refusals import refuse

from workflows.base import (
    _MODE_LABELS,
    LOCAL_TIMEOUT,
    MAX_CARRIED_RESULTS,
    ROUTE_REFUSALS,
    STEP_RETRY,
    CaseBase,
    handler,
)
from workflows.handling import Handling
from workflows.merging import Merging
from workflows.supervision import Supervision
from workflows.visits import ReviewAndVisit


@workflow.defn
class CaseWorkflow(Handling, ReviewAndVisit, Supervision, Merging, CaseBase):
    @workflow.init
    def __init__(self, intake: CaseIntake) -> None:
        self._intake = intake
        self._status = CaseStatus.REGISTERED
        self._policy = CasePolicy()
        self._route: Route | None = None
        self._tier = intake.tier or 7
        self._tasks: dict[str, TaskView] = {}
        self._work: dict[str, asyncio.Future[None]] = {}  # each task's activity and clock, by task id
        self._activities: dict[str, ActivityHandle[TaskReply]] = {}
        self._unprojected: list[TaskView] = []  # opened tasks the read model does not have yet
        self._awaiting_ruling: set[str] = set()  # returned tasks the dispatcher has not ruled on
        self._orders: dict[str, OrderView] = {}
        self._urges = 0
        self._merged: list[str] = []  # duplicates merged into this case
        self._merged_into: str | None = None
        self._reply_text = ""  # the lead department's latest reply, passed on to merged cases
        self._deferral: DeferralView | None = None
        self._deferral_timer: asyncio.Future[None] | None = None
        self._to_reissue: list[str] = []  # departments whose work goes back to handling
        self._escalation = 0
        self._reopens = 0
        self._visit_attempts = 0
        self._rating: Rating | None = None
        self._close_reason: CloseReason | None = None
        self._seq = 0
        self._results: dict[str, ActionResult] = {}  # request id → first answer, for safe retries
        # Handlers and department tasks record concurrently; the timeline is written in seq order.
        self._record_lock = asyncio.Lock()
        self._outbox: list[Projection] = []
        self._writer: asyncio.Task[None] | None = None
        self._handlers_running: set[asyncio.Task[Any] | None] = set()
        self._handlers_writing: set[asyncio.Task[Any] | None] = set()
        self._follow_up_pending = False
        self._rulings: set[str] = set()
        if intake.carried is not None:
            # Here, not in run: Updates waiting for the new run are validated before run starts.
            self._restore(intake.carried)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        if intake.carried is not None:
            self._resume()
        elif intake.answer is not None:
            await self._register(wait=False)  # written with the answer and the close
            return await self._resolve_at_intake(intake.answer)
        elif self._one_write_per_task() and intake.terms is not None and intake.route is not None:
            # Received with its route and terms: registered and dispatched in one write, and its
            # search attributes were set when it started.
            await self._register(wait=False)
            self._policy = intake.terms.policy
            await self._dispatch(intake.route, due_at=intake.terms.due_at, announced=True)
        else:
            await self._register()
            self._policy = await self._load_policy()
            await self._dispatch(self._intake.route or await self._propose_route())
        lifecycle = asyncio.ensure_future(self._lifecycle())
        await workflow.wait_condition(lambda: lifecycle.done() or self._history_is_long())
        if not lifecycle.done():
            await workflow.wait_condition(lambda: lifecycle.done() or self._quiet())
        if lifecycle.done():
            return lifecycle.result()
        workflow.continue_as_new(self._intake.model_copy(update={"carried": self._carry()}))

    async def _lifecycle(self) -> CaseOutcome:
        """Rounds of handling → review → return visit until the case closes."""
        while self._close_reason is None:
            await self._handle()
            await self._wait_while(CaseStatus.REPLIED)  # the dispatcher reviews
            await self._await_visit()  # the visit operator calls back, within the window
            await self._wait_while(CaseStatus.AWAITING_DECISION)  # a supervisor decides
        if not self._one_write_per_task():
            await workflow.wait_condition(workflow.all_handlers_finished)
            return await self._close()
        # The step that closed the case (a visit, say) is written together with the close.
        await workflow.wait_condition(self._only_writes_left)
        outcome = await self._close()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._policy.continue_as_new_after_events
        )

    def _quiet(self) -> bool:
        """No action half-done: no handler running, no event being written, no task unrecorded."""
        writing = bool(self._outbox) or (self._writer is not None and not self._writer.done())
        return (
            workflow.all_handlers_finished()
            and not self._record_lock.locked()
            and not writing
            and not self._unprojected
        )

    def _carry(self) -> CarriedState:
        return CarriedState(
            status=self._status,
            policy=self._policy,
            route=self._route,
            tier=self._tier,
            tasks=list(self._tasks.values()),
            awaiting_ruling=sorted(self._awaiting_ruling),
            orders=list(self._orders.values()),
            urges=self._urges,
            merged=self._merged,
            merged_into=self._merged_into,
            reply_text=self._reply_text,
            deferral=self._deferral,
            to_reissue=self._to_reissue,
            escalation=self._escalation,
            reopens=self._reopens,
            visit_attempts=self._visit_attempts,
            rating=self._rating,
            close_reason=self._close_reason,
            seq=self._seq,
            # Request ids are remembered for retries of recent actions only.
            results=dict(list(self._results.items())[-MAX_CARRIED_RESULTS:]),
        )

    def _restore(self, carried: CarriedState) -> None:
        self._status, self._policy, self._route, self._tier = (
            carried.status,
            carried.policy,
            carried.route,
            carried.tier,
        )
        self._tasks = {t.task_id: t for t in carried.tasks}
        self._awaiting_ruling = set(carried.awaiting_ruling)
        self._orders = {o.order_id: o for o in carried.orders}
        self._urges, self._merged, self._merged_into = carried.urges, carried.merged, carried.merged_into
        self._reply_text, self._deferral, self._to_reissue = (
            carried.reply_text,
            carried.deferral,
            carried.to_reissue,
        )
        self._escalation, self._reopens, self._visit_attempts = (
            carried.escalation,
            carried.reopens,
            carried.visit_attempts,
        )
        self._rating, self._close_reason, self._seq = carried.rating, carried.close_reason, carried.seq
        self._results = dict(carried.results)

    def _resume(self) -> None:
        """Live tasks get their activity (a new token) and clock again; a deferral its timer."""
        for task in self._tasks.values():
            if is_live(task):
                self._work[task.task_id] = asyncio.ensure_future(self._department_task(task))
        if self._status == CaseStatus.DEFERRED:
            self._deferral_timer = asyncio.ensure_future(self._resume_at_target())

    @workflow.query
    def state(self) -> CaseView:
        return CaseView(
            case_number=self._intake.case_number,
            status=self._status,
            route=self._route,
            tasks=list(self._tasks.values()),
            escalation_level=self._escalation,
            reopen_count=self._reopens,
            visit_attempts=self._visit_attempts,
            urges=self._urges,
            orders=list(self._orders.values()),
            deferral=self._deferral,
            events=self._seq,
        )

    @workflow.update
    @handler
    async def withdraw(self, action: Withdraw) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        self._close_reason = CloseReason.WITHDRAWN
        self._awaiting_ruling.clear()
        withdrawn = [t for t in self._tasks.values() if is_live(t)]
        for task in withdrawn:
            task.status = AssignmentStatus.VOID
        await self._record(
            EventKind.WITHDRAWN,
            action.actor,
            f"撤单：{action.reason}",
            data={"reason": action.reason, "withdrawn": [t.task_id for t in withdrawn]},
            assignments=[AssignmentPatch(task_id=t.task_id, status=AssignmentStatus.VOID) for t in withdrawn],
            notifications=[
                Notification(recipient_kind="department", recipient=t.department, template="withdrawn")
                for t in withdrawn
            ],
        )
        for task in withdrawn:
            await self._withdraw(task)
        await self._tell_merged("primary_withdrawn")
        return self._remember(action)

    @withdraw.validator
    def _validate_withdraw(self, action: Withdraw) -> None:
        if action.request_id in self._results:
            return
        if action.actor.role not in (Role.DISPATCHER, Role.CITIZEN):
            refuse(refusals.ROLE_NOT_ALLOWED, "Only the citizen or a dispatcher may withdraw an appeal.")
        if self._close_reason is not None or self._status in (CaseStatus.REGISTERED, CaseStatus.CLOSED):
            self._refuse_now(
                refusals.WRONG_STATE, f"The case is {self._status.value}; it can no longer be withdrawn."
            )
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the appeal is withdrawn.")

    async def _register(self, *, wait: bool = True) -> None:
        intake = self._intake
        await self._record(
            EventKind.REGISTERED,
            intake.registered_by,
            f"受理：{intake.title}",
            intake=intake,
            occurred_at=intake.received_at,
            wait=wait,
        )

    async def _load_policy(self) -> CasePolicy:
        return await workflow.execute_local_activity(
            "case_policy",
            result_type=CasePolicy,
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    async def _propose_route(self) -> Route:
        place = self._intake.place
        return await workflow.execute_local_activity(
            "propose_route",
            RouteRequest(category=self._intake.category, district=place.district, street=place.street),
            result_type=Route,
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=RetryPolicy(
                maximum_interval=timedelta(minutes=1), non_retryable_error_types=ROUTE_REFUSALS
            ),
        )

    async def _dispatch(
        self, route: Route, *, due_at: datetime | None = None, announced: bool = False
    ) -> None:
        """Open a task for every department on the route. `announced`: the case started with the
        dispatch's search attributes (intake.search_attributes), so none is upserted here."""
        self._route = route
        self._tier = self._intake.tier or route.tier
        due_at = due_at or await self._due_at()
        departments = [(route.lead, AssignmentRole.LEAD)] + [
            (d, AssignmentRole.ASSISTING) for d in route.assisting
        ]
        for department, role in departments:
            self._new_task(department, role, due_at)
        attributes: list[SearchAttributeUpdate[Any]] = [
            sa.CASE_DEPARTMENTS.value_set([d for d, _ in departments]),
            sa.CASE_TIER.value_set(self._tier),
            sa.CASE_DUE_AT.value_set(due_at),
        ]
        if announced:
            self._status = CaseStatus.HANDLING
        elif self._one_write_per_task():
            self._set_status(CaseStatus.HANDLING, *attributes)
        else:  # before the patch: two upserts
            self._set_status(CaseStatus.HANDLING)
            workflow.upsert_search_attributes(attributes)
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
                "tier": self._tier,
                "due_at": due_at.isoformat(),
            },
            case=CasePatch(
                status=self._status,
                lead_department=route.lead,
                dispatch_mode=route.mode,
                tier=self._tier,
                due_at=due_at,
            ),
        )

    async def _resolve_at_intake(self, answer: str) -> CaseOutcome:
        self._close_reason = CloseReason.RESOLVED_AT_INTAKE
        await self._record(
            EventKind.RESOLVED_AT_INTAKE,
            self._intake.registered_by,
            f"直接办结：{answer[:80]}",
            data={"answer": answer},
            wait=False,
        )
        return await self._close()

    async def _close(self) -> CaseOutcome:
        closed_at = workflow.now()
        self._set_status(CaseStatus.CLOSED)
        await self._record(
            EventKind.CLOSED,
            SYSTEM_ACTOR,
            "办结",
            data={"reason": self._close_reason.value if self._close_reason else None},
            case=CasePatch(status=self._status, closed_at=closed_at, close_reason=self._close_reason),
            occurred_at=closed_at,
            notifications=[Notification(recipient_kind="citizen", recipient="citizen", template="closed")],
            wait=False,
        )
        self._followed_up()
        await self._written()
        return CaseOutcome(
            case_number=self._intake.case_number,
            status=self._status,
            closed_at=closed_at,
            close_reason=self._close_reason,
            rating=self._rating,
        )
