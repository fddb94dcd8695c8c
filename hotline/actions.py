"""People's actions on a running case, as Workflow Updates.

The workflow's validators are the rule; this module turns their typed refusals into the API's errors
and gives every action its actor and a request id, so a retried request is answered from the first result.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, TypeVar

from sqlmodel import col, select
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from hotline import request_session
from hotline.auth import Principal
from hotline.contracts import Action, ActionResult
from hotline.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unavailable
from hotline.models import Case
from workflows import refusals

_REFUSAL_ERRORS: dict[str, type[DomainError]] = {
    refusals.WRONG_STATE: Conflict,
    refusals.TASK_NOT_OPEN: Conflict,
    refusals.NOT_YOUR_TASK: Forbidden,
    refusals.ROLE_NOT_ALLOWED: Forbidden,
    refusals.TASK_NOT_FOUND: NotFound,
    refusals.REASON_REQUIRED: Invalid,
    refusals.INCOMPLETE_VISIT: Invalid,
    refusals.ROUTE_REQUIRED: Invalid,
    refusals.DUE_IN_PAST: Invalid,
}


A = TypeVar("A", bound=Action)

# A case that cannot answer in this time (no worker) is reported as busy instead of hanging the request.
UPDATE_TIMEOUT = timedelta(seconds=10)


def request_id(idempotency_key: str | None) -> str:
    return idempotency_key or uuid.uuid4().hex


async def act(
    *,
    client: Client,
    case_number: str,
    update: str,
    kind: type[A],
    principal: Principal,
    idempotency_key: str | None,
    **fields: Any,
) -> ActionResult:
    """Build the action with its actor and request id, and run it as the named Update."""
    action = kind(actor=principal.actor, request_id=request_id(idempotency_key), **fields)
    return await execute(client=client, case_number=case_number, update=update, action=action)


async def execute(*, client: Client, case_number: str, update: str, action: Action) -> ActionResult:
    handle = client.get_workflow_handle(case_number)
    await request_session.release_connection()  # the Update may wait up to its timeout
    try:
        # The request id is also the Update's id: a retry that arrives while the first attempt is still
        # running (its answer lost to a timeout or a restart) joins that attempt instead of being
        # validated afresh against the state the first attempt has already changed.
        return await handle.execute_update(
            update, action, id=action.request_id, result_type=ActionResult, rpc_timeout=UPDATE_TIMEOUT
        )
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise _busy(case_number, _NO_ANSWER) from None
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError) and cause.type in _REFUSAL_ERRORS:
            if await _catching_up(case_number, cause):
                raise _busy(case_number, "is catching up after a restart") from None
            raise _REFUSAL_ERRORS[cause.type](cause.type, cause.message) from None
        raise
    except RPCError as error:
        if error.status not in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise
        raise await refusal_for_lost_update(handle, case_number) from None


_NO_ANSWER = "did not answer in time (its worker may be restarting)"


def _busy(case_number: str, why: str) -> Unavailable:
    return Unavailable(
        "case_busy",
        f"Case {case_number} {why}. Retry with the same Idempotency-Key: an action is applied once however "
        "often it is sent.",
    )


async def _catching_up(case_number: str, refusal: ApplicationError) -> bool:
    """A refusal given while the workflow is behind its own read model: a worker died after the step was
    written and before its workflow task completed, so the step runs again elsewhere. The person saw the
    step and acted a moment too early; the same action is accepted once it has run. Only then does the
    read model hold events past the refusal's (which counts the workflow's own)."""
    if refusal.type not in refusals.STATE_REFUSALS or not refusal.details:
        return False
    session = request_session.current()
    if session is None:
        return False
    projected = await session.scalar(select(Case.last_event_seq).where(col(Case.case_number) == case_number))
    return projected is not None and projected > refusal.details[0]


async def refusal_for_lost_update(handle: WorkflowHandle[Any, Any], case_number: str) -> DomainError:
    """What to tell the person when Temporal answers an Update 'not found' or 'not ready'. It says so of
    a workflow that has finished, and also of an Update whose workflow task was lost (a worker killed in
    the middle of it): ask the case which it is, and never call a running case closed."""
    try:
        described = await handle.describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return NotFound("case_not_found", f"No case {case_number}.")
        raise
    if described.status == WorkflowExecutionStatus.RUNNING:
        return _busy(case_number, _NO_ANSWER)
    return Conflict("case_closed", f"Case {case_number} is closed; it takes no more actions.")
