"""A department's task: an activity that the department itself completes, through the API.

The activity opens the task in the department's inbox with its task token and returns without a
result; the task stays open in Temporal until the department's reply completes it (asynchronous activity
completion). A retried attempt has a new token, so the row always holds the one that can complete it.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from hotline.contracts import TaskAssignment, TaskReply, TaskWithdrawal
from hotline.db import SessionFactory, WriteTurns, upsert
from hotline.enums import AssignmentStatus
from hotline.models import Assignment


class DepartmentTaskActivities:
    def __init__(self, sessions: SessionFactory, client: Client) -> None:
        self._sessions = sessions
        self._writes = WriteTurns(sessions)
        self._client = client

    @activity.defn(name="department_task")
    async def department_task(self, assignment: TaskAssignment) -> TaskReply:
        row = {
            "task_id": assignment.task_id,
            "case_number": assignment.case_number,
            "department_code": assignment.department,
            "role": assignment.role.value,
            "status": AssignmentStatus.OPEN.value,
            "task_token": activity.info().task_token,
            "assigned_at": assignment.assigned_at,
            "due_at": assignment.due_at,
        }
        async with self._writes.session() as session:
            await session.execute(upsert(session, Assignment, row, keys=["task_id"], update=["task_token"]))
            await session.commit()
        activity.raise_complete_async()

    @activity.defn(name="withdraw_task")
    async def withdraw_task(self, withdrawal: TaskWithdrawal) -> bool:
        """Tell Temporal the department's task was withdrawn (re-route). False when the department's
        reply got there first: the workflow then receives that reply and records it as void."""
        async with self._sessions() as session:
            task = await session.get(Assignment, withdrawal.task_id)
        if task is None:
            return False
        if task.task_token is not None:
            handle = self._client.get_async_activity_handle(task_token=task.task_token)
        else:
            # A read model rebuilt from histories has no tokens; the task's activity id is its task id,
            # in this very run of the case.
            info = activity.info()
            handle = self._client.get_async_activity_handle(
                workflow_id=withdrawal.case_number,
                run_id=info.workflow_run_id,
                activity_id=withdrawal.task_id,
            )
        try:
            await handle.report_cancellation()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True
