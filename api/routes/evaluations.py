"""评: the monthly evaluation of departments — read a month's ranking, or evaluate a month again."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter

from api.access import allow
from api.deps import SessionDep, SettingsDep, TemporalDep
from hotline import evaluation, evaluation_runs
from hotline.auth import Principal
from hotline.enums import Role

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluation"])
Reader = Annotated[Principal, allow(Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.DISPATCHER)]
Runner = Annotated[Principal, allow(Role.ADMIN, Role.SUPERVISOR)]


@router.get("/{year}/{month}", response_model=evaluation.MonthEvaluation)
async def month_evaluation(
    year: int, month: int, user: Reader, session: SessionDep
) -> evaluation.MonthEvaluation:
    """The month's latest evaluation: every department's score, zone, rank, components and reasons, in
    ranking order; 404 until the month has been evaluated."""
    return await evaluation.month_evaluation(session=session, year=year, month=month)


@router.post("/{year}/{month}", response_model=evaluation_runs.EvaluationStarted, status_code=202)
async def evaluate_month(
    year: int, month: int, user: Runner, client: TemporalDep, settings: SettingsDep
) -> evaluation_runs.EvaluationStarted:
    """Evaluate the month (again): starts MonthlyEvaluationWorkflow, whose result is stored as a new
    version; a month not over yet is refused (422)."""
    return await evaluation_runs.start(
        client=client,
        task_queue=settings.temporal_task_queue,
        year=year,
        month=month,
        now=datetime.now(UTC),
        timezone=settings.timezone,
        requested_by=user.username,
    )
