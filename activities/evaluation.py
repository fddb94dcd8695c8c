"""The monthly evaluation's activity, run by MonthlyEvaluationWorkflow (workflows/evaluation.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from hotline import evaluation
from hotline.db import SessionFactory
from hotline.evaluation_contracts import EvaluateMonth, EvaluationSummary
from hotline.settings import Settings


class EvaluationActivities:
    def __init__(self, sessions: SessionFactory, settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    @activity.defn(name="evaluate_month")
    async def evaluate_month(self, request: EvaluateMonth) -> EvaluationSummary:
        """Evaluates the month and stores it as a new version; a retry of the same run finds the version
        it already stored (keyed by the workflow run)."""
        if request.year is None or request.month is None:
            year, month = evaluation.previous_month(request.as_of, self._settings.timezone)
        else:
            year, month = request.year, request.month
        info = activity.info()
        async with self._sessions() as session:
            done = await evaluation.run(
                session=session,
                year=year,
                month=month,
                settings=self._settings,
                now=datetime.now(UTC),
                run_key=f"{info.workflow_id}/{info.workflow_run_id}",
            )
        return evaluation.summary(done, month=evaluation.month_key(year, month))
