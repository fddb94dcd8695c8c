"""预警预报 Early warning (spikes, repeat places, clusters of similar appeals) and 未诉先办: a supervisor
turns a cluster into a proactive governance case linked to its member cases."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Response

from api.access import Supervisor, allow
from api.deps import IntakeConfigDep, RequiredIdempotencyKey, SessionDep, SettingsDep, TemporalDep
from hotline import proactive, warnings
from hotline.auth import Principal
from hotline.enums import Role
from hotline.schemas import IntakeReceipt

router = APIRouter(prefix="/api/v1/warnings", tags=["warnings"])

READERS = (Role.SUPERVISOR, Role.ANALYST, Role.DISPATCHER, Role.ADMIN, Role.AUDITOR)
Reader = Annotated[Principal, allow(*READERS)]


@router.get("", response_model=warnings.Warnings)
async def read_warnings(user: Reader, session: SessionDep, settings: SettingsDep) -> warnings.Warnings:
    """Spikes over the last 24 hours, repeat places and clusters over the last days (docs/metrics.md)."""
    return await warnings.overview(session=session, now=datetime.now(UTC), settings=settings)


@router.post(
    "/clusters/proactive",
    response_model=IntakeReceipt,
    status_code=201,
    responses={200: {"model": IntakeReceipt}},
)
async def start_proactive_case(
    case_in: proactive.ProactiveCaseCreate,
    response: Response,
    user: Supervisor,
    session: SessionDep,
    client: TemporalDep,
    config: IntakeConfigDep,
    idempotency_key: RequiredIdempotencyKey,
) -> IntakeReceipt:
    """未诉先办: a case of its own (channel `proactive`) that runs like any case, linked to its members."""
    receipt = await proactive.start(
        session=session,
        client=client,
        config=config,
        case_in=case_in,
        idempotency_key=idempotency_key,
        actor=user.actor,
    )
    if not receipt.created:
        response.status_code = 200
    return receipt
