"""A department's tasks: its own inbox and its replies."""

from fastapi import APIRouter, Response

from api.deps import CurrentUser, IdempotencyKey, SessionDep, TemporalDep
from hotline import tasks
from hotline.contracts import ActionResult
from hotline.enums import AssignmentStatus
from hotline.schemas import TaskPublic, TaskReplyCreate

router = APIRouter(prefix="/api/v1/tasks", tags=["department tasks"])


@router.get("", response_model=list[TaskPublic])
async def inbox(
    user: CurrentUser, session: SessionDep, status: AssignmentStatus | None = None
) -> list[TaskPublic]:
    return await tasks.inbox(session=session, principal=user, status=status)


@router.post("/{task_id}/sign-for", response_model=ActionResult)
async def sign_for(
    task_id: str,
    user: CurrentUser,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """签收: the department accepts its task; the response clock stops."""
    return await tasks.sign_for(
        session=session, client=client, principal=user, task_id=task_id, idempotency_key=idempotency_key
    )


@router.post("/{task_id}/reply", status_code=202)
async def reply(
    task_id: str, reply_in: TaskReplyCreate, user: CurrentUser, session: SessionDep, client: TemporalDep
) -> Response:
    """Completes the department's task; the case moves on asynchronously."""
    await tasks.reply(session=session, client=client, principal=user, task_id=task_id, reply_in=reply_in)
    return Response(status_code=202)
