"""办 Handling, as part of CaseWorkflow: department tasks (each an activity the department completes),
sign-for, re-routes, returns and their rulings, extensions, and the round that ends when all replied.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ActivityError, CancelledError
from temporalio.workflow import ActivityCancellationType

with workflow.unsafe.imports_passed_through():
    from hotline import search_attributes as sa
    from hotline.contracts import (
        SYSTEM_ACTOR,
        ActionResult,
        Actor,
        AssignmentPatch,
        CasePatch,
        Notification,
        RequestExtension,
        Reroute,
        Route,
        RuleExtension,
        RuleReturn,
        SignFor,
        TaskReply,
        TaskView,
    )
    from hotline.enums import (
        AssignmentRole,
        AssignmentStatus,
        CaseStatus,
        EventKind,
        Role,
        TaskResultKind,
    )
    from workflows import refusals
    from workflows.clock import TaskClock, is_live
    from workflows.refusals import refuse


from workflows.base import _MODE_LABELS, DEPARTMENT_TASK_TIMEOUT, STEP_RETRY, CaseBase, handler


class Handling(TaskClock, CaseBase):
    @workflow.update
    @handler
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
            self._refuse_now(
                refusals.TASK_NOT_OPEN,
                f"Task {task.task_id} is {task.status.value}; only an open task is signed for.",
            )

    @workflow.update
    @handler
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
    @handler
    async def rule_return(self, action: RuleReturn) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        task = self._tasks[action.task_id]
        self._awaiting_ruling.discard(task.task_id)
        self._rulings.add(task.task_id)  # until its new task is open, the round is not over
        try:
            await self._rule_return(action, task)
        finally:
            self._rulings.discard(task.task_id)
        return self._remember(action)

    async def _rule_return(self, action: RuleReturn, task: TaskView) -> None:
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

    @rule_return.validator
    def _validate_rule_return(self, action: RuleReturn) -> None:
        if action.request_id in self._results:
            return
        self._require(action.actor, Role.DISPATCHER)
        if action.task_id not in self._awaiting_ruling:
            self._refuse_now(
                refusals.WRONG_STATE, f"Task {action.task_id} is not a return awaiting a ruling."
            )
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the return is or is not justified.")
        if action.justified and action.route is None:
            refuse(refusals.ROUTE_REQUIRED, "A justified return needs the route the case goes to instead.")

    @workflow.update
    @handler
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
            self._refuse_now(
                refusals.TASK_NOT_OPEN, f"Task {task.task_id} is {task.status.value}; it cannot be extended."
            )
        if task.extension_requested_until is not None:
            self._refuse_now(
                refusals.WRONG_STATE, "An extension request for this task is already waiting for a ruling."
            )
        if action.due_at <= task.due_at or action.due_at <= workflow.now():
            refuse(
                refusals.DUE_IN_PAST, "The wanted due time must be later than the current one and than now."
            )
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the department needs more time.")

    @workflow.update
    @handler
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
            self._refuse_now(
                refusals.WRONG_STATE, f"No extension request is waiting on task {action.task_id}."
            )
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Give the reason for the ruling.")

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
            wait=False,
        )
        self._followed_up()
        await self._written()

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
        if self._rulings and self._one_write_per_task():
            return False  # a ruled return's new task is about to open (before the patch: "replied" at once)
        return not self._awaiting_ruling and self._status not in (CaseStatus.MERGED, CaseStatus.DEFERRED)

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
        # Not waited for: when this reply ends the round, "awaiting review" shares its write.
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
            wait=False,
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
