"""并单 Merging, as part of CaseWorkflow: a duplicate appeal joins an open (primary) case.

The duplicate withdraws its own tasks and waits. When the primary's reply is accepted, the primary
tells every merged case, and each runs its own return visit, so the merged citizen also gets the reply
and the visit. If the primary is withdrawn instead, merged cases go back to their own departments.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from hotline.contracts import (
        SYSTEM_ACTOR,
        ActionResult,
        AssignmentPatch,
        CasePatch,
        MergedCase,
        MergeInto,
        Notification,
        PrimaryReply,
    )
    from hotline.enums import AssignmentStatus, CaseStatus, EventKind, Role
    from workflows import refusals
    from workflows.base import CaseBase, handler
    from workflows.clock import is_live
    from workflows.refusals import refuse

MERGEABLE = (CaseStatus.HANDLING, CaseStatus.REPLIED)


class Merging(CaseBase):
    """A part of CaseWorkflow, over the state and helpers of CaseBase."""

    @workflow.update
    @handler
    async def merge_into(self, action: MergeInto) -> ActionResult:
        if action.request_id in self._results:
            return self._results[action.request_id]
        case_number = workflow.info().workflow_id
        try:
            await workflow.get_external_workflow_handle(action.primary).signal(
                "merged_in", MergedCase(case_number=case_number, reason=action.reason)
            )
        except Exception as error:  # the primary is gone or closed: nothing here has changed yet
            raise ApplicationError(
                f"Case {action.primary} is not open; merge into an open case.", type=refusals.WRONG_STATE
            ) from error
        withdrawn = [t for t in self._tasks.values() if is_live(t)]
        for task in withdrawn:
            task.status = AssignmentStatus.VOID
        self._merged_into = action.primary
        self._set_status(CaseStatus.MERGED)
        await self._record(
            EventKind.MERGED,
            action.actor,
            f"并单至 {action.primary}：{action.reason}",
            data={
                "primary": action.primary,
                "reason": action.reason,
                "withdrawn": [t.task_id for t in withdrawn],
            },
            case=CasePatch(status=self._status, merged_into=action.primary),
            assignments=[AssignmentPatch(task_id=t.task_id, status=AssignmentStatus.VOID) for t in withdrawn],
        )
        for task in withdrawn:
            await self._withdraw(task)
        return self._remember(action)

    @merge_into.validator
    def _validate_merge_into(self, action: MergeInto) -> None:
        if action.request_id in self._results:
            return
        if action.actor.role != Role.DISPATCHER:
            refuse(refusals.ROLE_NOT_ALLOWED, "Only a dispatcher merges appeals.")
        if self._status not in MERGEABLE or self._close_reason is not None or self._merged:
            self._refuse_now(
                refusals.WRONG_STATE, f"A {self._status.value} case cannot be merged into another."
            )
        if action.primary == workflow.info().workflow_id:
            refuse(refusals.WRONG_STATE, "A case cannot be merged into itself.")
        if not action.reason.strip():
            refuse(refusals.REASON_REQUIRED, "Say why the appeals are the same.")

    @workflow.signal
    @handler
    async def merged_in(self, merged: MergedCase) -> None:
        self._merged.append(merged.case_number)
        await self._record(
            EventKind.MERGED_IN,
            SYSTEM_ACTOR,
            f"并入重复诉求 {merged.case_number}",
            data={"case_number": merged.case_number, "reason": merged.reason},
        )

    @workflow.signal
    @handler
    async def primary_replied(self, reply: PrimaryReply) -> None:
        if self._status != CaseStatus.MERGED:
            return
        self._set_status(CaseStatus.VISITING)
        await self._record(
            EventKind.PRIMARY_REPLIED,
            SYSTEM_ACTOR,
            f"主单 {reply.primary} 已答复，待回访",
            data={"primary": reply.primary, "text": reply.text},
            case=CasePatch(status=self._status),
            notifications=[Notification(recipient_kind="citizen", recipient="citizen", template="replied")],
        )

    @workflow.signal
    @handler
    async def primary_withdrawn(self, reply: PrimaryReply) -> None:
        if self._status != CaseStatus.MERGED:
            return
        self._merged_into = None
        self._to_reissue = self._departments()
        self._set_status(CaseStatus.HANDLING)
        await self._record(
            EventKind.PRIMARY_WITHDRAWN,
            SYSTEM_ACTOR,
            f"主单 {reply.primary} 已撤单，恢复办理",
            data={"primary": reply.primary},
            case=CasePatch(status=self._status),
            wait=False,
        )
        await self._then_follow_up()  # written with the departments' new tasks

    async def _tell_merged(self, signal: str) -> None:
        """Pass the primary's outcome to every merged case."""
        reply = PrimaryReply(primary=workflow.info().workflow_id, text=self._reply_text)
        for case_number in self._merged:
            await workflow.get_external_workflow_handle(case_number).signal(signal, reply)
