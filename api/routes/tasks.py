"""A department's tasks: its own inbox and its replies."""

from fastapi import APIRouter, Response

from api.access import Department
from api.deps import IdempotencyKey, SessionDep, SettingsDep, TemporalDep
from hotline import tasks
from hotline.contracts import ActionResult
from hotline.enums import AssignmentStatus
from hotline.schemas import DeferralCreate, ExtensionCreate, TaskPublic, TaskReplyCreate, TaskReturnCreate

router = APIRouter(prefix="/api/v1/tasks", tags=["department tasks"])


@router.get("", response_model=list[TaskPublic])
async def inbox(
    user: Department, session: SessionDep, settings: SettingsDep, status: AssignmentStatus | None = None
) -> list[TaskPublic]:
    return await tasks.inbox(
        session=session, principal=user, status=status, warning_fraction=settings.warning_fraction
    )


@router.post("/{task_id}/sign-for", response_model=ActionResult)
async def sign_for(
    task_id: str,
    user: Department,
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
    task_id: str, reply_in: TaskReplyCreate, user: Department, session: SessionDep, client: TemporalDep
) -> Response:
    """Completes the department's task; the case moves on asynchronously."""
    await tasks.reply(session=session, client=client, principal=user, task_id=task_id, reply_in=reply_in)
    return Response(status_code=202)


@router.post("/{task_id}/return", status_code=202)
async def return_task(
    task_id: str, body: TaskReturnCreate, user: Department, session: SessionDep, client: TemporalDep
) -> Response:
    """退单: sends the task back with a reason; the dispatcher rules whether it was justified."""
    await tasks.return_task(
        session=session, client=client, principal=user, task_id=task_id, reason=body.reason
    )
    return Response(status_code=202)


@router.post("/{task_id}/extension", response_model=ActionResult)
async def request_extension(
    task_id: str,
    body: ExtensionCreate,
    user: Department,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """延期申请: asks for a later due time; the dispatcher approves or refuses."""
    return await tasks.request_extension(
        session=session,
        client=client,
        principal=user,
        task_id=task_id,
        extension_in=body,
        idempotency_key=idempotency_key,
    )


@router.post("/{task_id}/deferral", response_model=ActionResult)
async def request_deferral(
    task_id: str,
    body: DeferralCreate,
    user: Department,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """挂账申请 with a plan and a target date; a supervisor approves."""
    return await tasks.request_deferral(
        session=session,
        client=client,
        principal=user,
        task_id=task_id,
        deferral_in=body,
        idempotency_key=idempotency_key,
    )
