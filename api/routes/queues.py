"""Work queues: the dispatcher's, the supervisors' (by their own level) and the visit operators'."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import allow
from api.deps import SessionDep
from hotline import cases
from hotline.auth import Principal
from hotline.case_filters import Queue
from hotline.enums import Role
from hotline.schemas import CasesPublic

router = APIRouter(prefix="/api/v1/queues", tags=["queues"])
QueueWorker = Annotated[Principal, allow(Role.DISPATCHER, Role.SUPERVISOR, Role.VISIT_OPERATOR)]


@router.get("/{name}", response_model=CasesPublic)
async def work_queue(
    name: Queue,
    user: QueueWorker,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> CasesPublic:
    """new, returned, review, overdue, deferred, extensions (dispatchers); escalated (cases at or above
    the supervisor's own level), decisions (supervisors); visits (visit operators)."""
    return await cases.queue(session=session, principal=user, name=name, page=page, page_size=page_size)
