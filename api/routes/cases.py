"""Cases: intake from any channel, lists and one case with its tasks and timeline."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.access import CaseReader, Intake
from api.deps import IntakeConfigDep, RequiredIdempotencyKey, SessionDep, SettingsDep, TemporalDep
from hotline import cases, intake
from hotline.case_filters import CaseFilter
from hotline.schemas import CaseCreate, CaseDetail, CasesPublic, IntakeReceipt

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.post("", response_model=IntakeReceipt, status_code=201, responses={200: {"model": IntakeReceipt}})
async def create_case(
    case_in: CaseCreate,
    response: Response,
    user: Intake,
    session: SessionDep,
    client: TemporalDep,
    config: IntakeConfigDep,
    idempotency_key: RequiredIdempotencyKey,
) -> IntakeReceipt:
    receipt = await intake.submit(
        session=session,
        client=client,
        config=config,
        case_in=case_in,
        idempotency_key=idempotency_key,
        actor=user.actor,
        channel_scope=user.channel,
    )
    if not receipt.created:
        response.status_code = 200
    return receipt


@router.get("", response_model=CasesPublic)
async def list_cases(
    user: CaseReader, session: SessionDep, filters: Annotated[CaseFilter, Query()]
) -> CasesPublic:
    """Cases from the read model, filtered and sorted; a department sees only cases it holds or held."""
    return await cases.list_cases(session=session, principal=user, case_filter=filters)


@router.get("/{case_number}", response_model=CaseDetail)
async def get_case(
    case_number: str, user: CaseReader, session: SessionDep, settings: SettingsDep
) -> CaseDetail:
    return await cases.get_case(
        session=session,
        principal=user,
        case_number=case_number,
        warning_fraction=settings.warning_fraction,
    )
