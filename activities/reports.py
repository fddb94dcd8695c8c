"""Making a report, run by ReportWorkflow (workflows/reports.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from hotline import report_periods, report_store
from hotline.db import SessionFactory
from hotline.report_store import ReportJob, ReportVersion
from hotline.settings import Settings


class ReportActivities:
    def __init__(self, sessions: SessionFactory, settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    @activity.defn(name="generate_report")
    async def generate_report(self, job: ReportJob) -> ReportVersion:
        """Builds the report of the named period, or of the period just ended at the workflow's start,
        from the read model as it is now, and stores it as the period's next version."""
        if job.period is None:
            period = report_periods.last_complete(job.kind, job.at, self._settings.timezone)
        else:
            period = report_periods.parse(job.kind, job.period)
        return await report_store.generate(
            sessions=self._sessions,
            settings=self._settings,
            period=period,
            now=datetime.now(UTC),
            generated_by=job.generated_by,
            requested_by=job.requested_by,
        )
