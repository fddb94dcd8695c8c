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
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, CancelledError
from temporalio.workflow import ActivityCancellationType, ActivityHandle

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        SYSTEM_ACTOR,
        Action,
        ActionResult,
        Actor,
        AssignmentPatch,
        CarriedState,
        CaseEventRecord,
        CaseIntake,
        CaseOutcome,
        CasePatch,
        CasePolicy,
        CaseView,
        Decision,
        DeferralView,
        DueTimeRequest,
        Notification,
        OrderView,
        Projection,
        RequestExtension,
        Reroute,
        Review,
        Route,
        RouteRequest,
        RuleExtension,
        RuleReturn,
        SignFor,
        TaskAssignment,
        TaskReply,
        TaskView,
        TaskWithdrawal,
        Visit,
        Withdraw,
    )
    from hotline.enums import (
        AssignmentRole,
        AssignmentStatus,
        CaseStatus,
        CloseReason,
        DispatchMode,
        EventKind,
        Rating,
        Role,
        TaskResultKind,
    )
    from workflows import refusals
    from workflows.clock import TaskClock, is_live, until
    from workflows.deferral import Deferral
    from workflows.merging import Merging
    from workflows.refusals import refuse
    from workflows.supervision import Supervision

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


@workflow.defn
class CaseWorkflow(TaskClock, Supervision, Merging, Deferral):
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
        if intake.carried is not None:
            # Here, not in run: Updates waiting for the new run are validated before run starts.
            self._restore(intake.carried)

    @workflow.run
    async def run(self, intake: CaseIntake) -> CaseOutcome:
        if intake.carried is not None:
            self._resume()
        else:
            await self._register()
            if intake.answer is not None:
                return await self._resolve_at_intake(intake.answer)
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
        await workflow.wait_condition(workflow.all_handlers_finished)
        return await self._close()

    # ---- continue-as-new: a long case's next run starts from its carried state -------------------

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._policy.continue_as_new_after_events
        )

    def _quiet(self) -> bool:
        """No action half-done: no handler running, no event being written, no task unrecorded."""
        return workflow.all_handlers_finished() and not self._record_lock.locked() and not self._unprojected

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

    # ---- Updates: the people's actions -----------------------------------------------------------

    @workflow.update
    async def sign_for(self, action: SignFor) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        task.status, task.signed_at = AssignmentStatus.SIGNED, workflow.now()
        late = task.signed_at > task.assigned_at + self._policy.sign_for_window(self._tier)
        await self._record(
            EventKind.SIGNED_FOR,
            action.actor,
            "签收" + ("（超时）" if late else ""),
            data={"task_id": task.task_id, "late": late},
            assignments=[
                AssignmentPatch(
                    task_id=task.task_id, status=task.status, signed_at=task.signed_at, sign_for_late=late
                )
            ],
        )
        return self._remember(action)

    @sign_for.validator
    def _validate_sign_for(self, action: SignFor) -> None:
        if action.request_id in self._results:
            return
        task = self._own_task(action.actor, action.task_id)
        if task.status != AssignmentStatus.OPEN:
            refuse(
                refusals.TASK_NOT_OPEN,
                f"Task {task.task_id} is {task.status.value}; only an open task is signed for.",
            )

    @workflow.update
    async def reroute(self, action: Reroute) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        await self._apply_route(
            action.route,
            action.actor,
            EventKind.REROUTED,
            f"改派（{_MODE_LABELS[action.route.mode]}）：{action.reason}",
        )
        return self._remember(action)

    @reroute.validator
    def _validate_reroute(self, action: Reroute) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.DISPATCHER)
        self._require_status(CaseStatus.HANDLING, "re-routed")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the case is re-routed.")

    @workflow.update
    async def rule_return(self, action: RuleReturn) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        self._awaiting_ruling.discard(task.task_id)
        patch = AssignmentPatch(task_id=task.task_id, return_justified=action.justified)
        if action.justified:
            assert action.route is not None
            summary = f"退单理由成立，改派：{action.reason}"
            await self._apply_route(action.route, action.actor, EventKind.RETURN_RULED, summary, [patch])
        else:
            due_at = await self._due_at()
            again = self._new_task(task.department, task.role, due_at)
            await self._record(
                EventKind.RETURN_RULED,
                action.actor,
                f"无故退单，退回原单位重办：{action.reason}",
                data={
                    "task_id": task.task_id,
                    "justified": False,
                    "reason": action.reason,
                    "opened": [again.task_id],
                },
                assignments=[patch],
                notifications=[
                    Notification(
                        recipient_kind="department", recipient=task.department, template="return_refused"
                    )
                ],
            )
        return self._remember(action)

    @rule_return.validator
    def _validate_rule_return(self, action: RuleReturn) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.DISPATCHER)
        if action.task_id not in self._awaiting_ruling:
            refuse(refusals.WRONG_STATE, f"Task {action.task_id} is not a return awaiting a ruling.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the return is or is not justified.")
        if action.justified and action.route is None:
            refuse(refusals.ROUTE_REQUIRED, "A justified return needs the route the case goes to instead.")

    @workflow.update
    async def request_extension(self, action: RequestExtension) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        task.extension_requested_until = action.due_at
        await self._record(
            EventKind.EXTENSION_REQUESTED,
            action.actor,
            f"申请延期至 {action.due_at.isoformat(timespec='minutes')}：{action.reason}",
            data={"task_id": task.task_id, "due_at": action.due_at.isoformat(), "reason": action.reason},
            assignments=[AssignmentPatch(task_id=task.task_id, extension_requested_until=action.due_at)],
            notifications=[
                Notification(recipient_kind="dispatcher", recipient="dispatcher", template="extension")
            ],
        )
        return self._remember(action)

    @request_extension.validator
    def _validate_request_extension(self, action: RequestExtension) -> None:
        if action.request_id in self._results:
            return
        task = self._own_task(action.actor, action.task_id)
        if not is_live(task):
            refuse(
                refusals.TASK_NOT_OPEN, f"Task {task.task_id} is {task.status.value}; it cannot be extended."
            )
        if task.extension_requested_until is not None:
            refuse(
                refusals.WRONG_STATE, "An extension request for this task is already waiting for a ruling."
            )
        if action.due_at <= task.due_at or action.due_at <= workflow.now():
            refuse(
                refusals.DUE_IN_PAST, "The wanted due time must be later than the current one and than now."
            )
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the department needs more time.")

    @workflow.update
    async def rule_extension(self, action: RuleExtension) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        wanted, task.extension_requested_until = task.extension_requested_until, None
        assert wanted is not None
        if action.approve:
            task.due_at, task.warned = wanted, False  # the clock starts again from the new due time
            workflow.upsert_search_attributes([sa.CASE_DUE_AT.value_set(self._case_due_at())])
        await self._record(
            EventKind.EXTENSION_RULED,
            action.actor,
            f"{'同意' if action.approve else '不同意'}延期：{action.reason}",
            data={"task_id": task.task_id, "approve": action.approve, "due_at": task.due_at.isoformat()},
            case=CasePatch(due_at=self._case_due_at()) if action.approve else None,
            assignments=[AssignmentPatch(task_id=task.task_id, due_at=task.due_at, extension_ruled=True)],
            notifications=[
                Notification(recipient_kind="department", recipient=task.department, template="extension")
            ],
        )
        return self._remember(action)

    @rule_extension.validator
    def _validate_rule_extension(self, action: RuleExtension) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.DISPATCHER)
        task = self._tasks.get(action.task_id)
        if task is None or not is_live(task) or task.extension_requested_until is None:
            refuse(refusals.WRONG_STATE, f"No extension request is waiting on task {action.task_id}.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Give the reason for the ruling.")

    @workflow.update
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
            )
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
            refuse(refusals.TASK_NOT_FOUND, f"No task {action.task_id} on this case.")

    @workflow.update
    async def visit(self, action: Visit) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        if not action.reached:
            await self._visit_not_reached(action)
        else:
            await self._visit_reached(action)
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
            refuse(refusals.WRONG_STATE, f"The case is {self._status.value}; it can no longer be withdrawn.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the appeal is withdrawn.")

    @workflow.update
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
        return self._remember(action)

    @decide.validator
    def _validate_decide(self, action: Decision) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.SUPERVISOR)
        self._require_status(CaseStatus.AWAITING_DECISION, "decided on")
        if action.close_as_is and action.defer_until is not None:
            refuse(refusals.WRONG_STATE, "Close as is, or defer: not both.")
        if action.defer_until is not None and action.defer_until <= workflow.now():
            refuse(refusals.DUE_IN_PAST, "The deferral's target date must lie in the future.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "A supervisor's decision needs a reason.")

    # ---- stages ----------------------------------------------------------------------------------

    async def _register(self) -> None:
        intake = self._intake
        await self._record(
            EventKind.REGISTERED,
            intake.registered_by,
            f"受理：{intake.title}",
            intake=intake,
            occurred_at=intake.received_at,
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

    async def _due_at(self) -> datetime:
        return await workflow.execute_local_activity(
            "compute_due_at",
            DueTimeRequest(start=workflow.now(), tier=self._tier),
            result_type=datetime,
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    async def _dispatch(self, route: Route) -> None:
        self._route = route
        self._tier = self._intake.tier or route.tier
        due_at = await self._due_at()
        departments = [(route.lead, AssignmentRole.LEAD)] + [
            (d, AssignmentRole.ASSISTING) for d in route.assisting
        ]
        for department, role in departments:
            self._new_task(department, role, due_at)
        self._set_status(CaseStatus.HANDLING)
        workflow.upsert_search_attributes(
            [
                sa.CASE_DEPARTMENTS.value_set([d for d, _ in departments]),
                sa.CASE_TIER.value_set(self._tier),
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

    async def _reissue(self) -> None:
        """Give departments their work back (review sent back, or reopened): new tasks, a new clock."""
        due_at = await self._due_at()
        opened = [
            self._new_task(department, self._role_of(department), due_at) for department in self._to_reissue
        ]
        self._to_reissue = []
        workflow.upsert_search_attributes([sa.CASE_DUE_AT.value_set(due_at)])
        await self._record(
            EventKind.REISSUED,
            SYSTEM_ACTOR,
            f"重新交办 {len(opened)} 个承办单位",
            data={"opened": [t.task_id for t in opened], "due_at": due_at.isoformat()},
            case=CasePatch(due_at=due_at),
        )

    def _role_of(self, department: str) -> AssignmentRole:
        return (
            AssignmentRole.LEAD
            if self._route and department == self._route.lead
            else AssignmentRole.ASSISTING
        )

    async def _handle(self) -> None:
        """Every task runs (with its clock) until its department replies or it is withdrawn; tasks
        opened meanwhile (re-route, a ruled return, work given back) run too. Then the case has replied.
        A merged case waits here for its primary."""
        while True:
            await workflow.wait_condition(lambda: self._handled() or bool(self._to_reissue))
            if not self._to_reissue or self._close_reason is not None:
                break
            await self._reissue()
        for work in self._work.values():
            work.result()  # a task that failed fails the case, visibly
        if self._close_reason is not None or self._status != CaseStatus.HANDLING:
            return
        self._set_status(CaseStatus.REPLIED)
        await self._record(
            EventKind.AWAITING_REVIEW,
            SYSTEM_ACTOR,
            "全部承办单位已答复，待审核",
            case=CasePatch(status=self._status),
        )

    def _handled(self) -> bool:
        """No task is running, and nothing (a ruling, the primary, a deferral) is still awaited."""
        if not all(work.done() for work in self._work.values()):
            return False
        if self._close_reason is not None:
            return True
        return not self._awaiting_ruling and self._status not in (CaseStatus.MERGED, CaseStatus.DEFERRED)

    def _assignment(self, task: TaskView) -> TaskAssignment:
        return TaskAssignment(
            case_number=self._intake.case_number,
            task_id=task.task_id,
            department=task.department,
            role=task.role,
            assigned_at=task.assigned_at,
            due_at=task.due_at,
        )

    async def _department_task(self, task: TaskView) -> None:
        clock = asyncio.ensure_future(self._watch_clock(task))
        activity = workflow.start_activity(
            "department_task",
            self._assignment(task),
            result_type=TaskReply,
            activity_id=task.task_id,
            start_to_close_timeout=DEPARTMENT_TASK_TIMEOUT,
            retry_policy=STEP_RETRY,
            # A withdrawn task ends only when Temporal confirms it, so a reply racing the
            # withdrawal reaches us and is recorded as void instead of vanishing.
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
        self._activities[task.task_id] = activity
        try:
            reply = await activity
        except ActivityError as error:
            if task.status == AssignmentStatus.VOID and isinstance(error.cause, CancelledError):
                await clock
                return
            raise
        if task.status == AssignmentStatus.VOID:
            await clock
            await self._record(
                EventKind.REPLY_VOID,
                reply.actor,
                "答复作废（任务已改派）",
                data={
                    "task_id": task.task_id,
                    "text": reply.text,
                    "replied_at": reply.replied_at.isoformat(),
                },
            )
            return
        if reply.kind == TaskResultKind.RETURN:
            await self._returned(task, reply, clock)
            return
        task.status = AssignmentStatus.REPLIED
        if task.role == AssignmentRole.LEAD:
            self._reply_text = reply.text
        await clock  # its timers end as soon as the task is no longer live
        await self._record(
            EventKind.REPLIED,
            reply.actor,
            f"答复：{reply.text[:80]}",
            data={
                "task_id": task.task_id,
                "outcome": reply.outcome,
                "contacted_citizen": reply.contacted_citizen,
                "attachments": [a.model_dump(mode="json") for a in reply.attachments],
            },
            occurred_at=reply.replied_at,
            assignments=[
                AssignmentPatch(
                    task_id=task.task_id,
                    status=AssignmentStatus.REPLIED,
                    signed_at=task.signed_at or reply.replied_at,
                    replied_at=reply.replied_at,
                    reply_text=reply.text,
                    outcome=reply.outcome,
                )
            ],
        )

    async def _returned(self, task: TaskView, reply: TaskReply, clock: asyncio.Future[None]) -> None:
        task.status, task.return_reason = AssignmentStatus.RETURNED, reply.text
        self._awaiting_ruling.add(task.task_id)
        await clock
        await self._record(
            EventKind.RETURNED,
            reply.actor,
            f"退单：{reply.text[:80]}",
            data={"task_id": task.task_id, "reason": reply.text},
            occurred_at=reply.replied_at,
            assignments=[
                AssignmentPatch(
                    task_id=task.task_id,
                    status=AssignmentStatus.RETURNED,
                    return_reason=reply.text,
                    replied_at=reply.replied_at,
                )
            ],
            notifications=[
                Notification(recipient_kind="dispatcher", recipient="dispatcher", template="returned")
            ],
        )

    async def _apply_route(
        self,
        route: Route,
        actor: Actor,
        kind: EventKind,
        summary: str,
        patches: list[AssignmentPatch] | None = None,
    ) -> None:
        """Send the case to `route`: live tasks of departments that leave are withdrawn, departments
        that stay keep their task, new ones get a task with a fresh clock."""
        wanted = {route.lead: AssignmentRole.LEAD} | {d: AssignmentRole.ASSISTING for d in route.assisting}
        live = [t for t in self._tasks.values() if is_live(t)]
        withdrawn = [t for t in live if wanted.get(t.department) != t.role]
        staying = {t.department for t in live if t not in withdrawn}
        for task in withdrawn:
            task.status = AssignmentStatus.VOID
        due_at = await self._due_at()
        opened = [self._new_task(d, role, due_at) for d, role in wanted.items() if d not in staying]
        self._route = route
        workflow.upsert_search_attributes([sa.CASE_DEPARTMENTS.value_set(self._departments())])
        await self._record(
            kind,
            actor,
            summary,
            data={
                "lead": route.lead,
                "assisting": route.assisting,
                "withdrawn": [t.task_id for t in withdrawn],
                "opened": [t.task_id for t in opened],
            },
            case=CasePatch(lead_department=route.lead, dispatch_mode=route.mode),
            assignments=[AssignmentPatch(task_id=t.task_id, status=AssignmentStatus.VOID) for t in withdrawn]
            + (patches or []),
        )
        for task in withdrawn:
            await self._withdraw(task)

    def _case_due_at(self) -> datetime:
        live = [t.due_at for t in self._tasks.values() if is_live(t)]
        return max(live) if live else max(t.due_at for t in self._tasks.values())

    async def _await_visit(self) -> None:
        if self._status != CaseStatus.VISITING or self._close_reason is not None:
            return
        deadline = workflow.now() + self._policy.visit_window
        if await until(
            deadline, lambda: self._status != CaseStatus.VISITING or self._close_reason is not None
        ):
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._status == CaseStatus.VISITING and self._close_reason is None:
            self._close_reason = CloseReason.UNREACHABLE
            await self._record(EventKind.VISIT_EXPIRED, SYSTEM_ACTOR, "回访期限已过，按无法联系办结")

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
        )

    async def _visit_reached(self, action: Visit) -> None:
        assert action.rating is not None
        self._rating = action.rating
        satisfied = bool(action.resolved) and action.rating in _SATISFIED
        await self._record(
            EventKind.VISITED,
            action.actor,
            f"回访：{'已解决' if action.resolved else '未解决'}，{action.rating.value}",
            data={"resolved": action.resolved, "rating": action.rating.value, "comment": action.comment},
            case=CasePatch(rating=action.rating, resolved=action.resolved),
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
            )

    async def _resolve_at_intake(self, answer: str) -> CaseOutcome:
        self._close_reason = CloseReason.RESOLVED_AT_INTAKE
        await self._record(
            EventKind.RESOLVED_AT_INTAKE,
            self._intake.registered_by,
            f"直接办结：{answer[:80]}",
            data={"answer": answer},
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
        )
        return CaseOutcome(
            case_number=self._intake.case_number,
            status=self._status,
            closed_at=closed_at,
            close_reason=self._close_reason,
            rating=self._rating,
        )

    # ---- helpers ---------------------------------------------------------------------------------

    def _new_task(self, department: str, role: AssignmentRole, due_at: datetime) -> TaskView:
        """A department's new task; its activity and clock start running at once."""
        task_id = f"{self._intake.case_number}-T{len(self._tasks) + 1}"
        task = TaskView(
            task_id=task_id,
            department=department,
            role=role,
            status=AssignmentStatus.OPEN,
            assigned_at=workflow.now(),
            due_at=due_at,
        )
        self._tasks[task_id] = task
        self._unprojected.append(task)
        self._work[task_id] = asyncio.ensure_future(self._department_task(task))
        return task

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
        result = ActionResult(status=self._status, seq=self._seq)
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
