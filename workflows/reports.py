"""ReportWorkflow: makes one report (daily, weekly, monthly or annual) and stores it as a new version.

Started by the report schedules (hotline/schedules.py) for the period just ended, and on demand for a
named period. The period is found in the activity from the workflow's start time and the city's zone
(hotline/report_periods.py), so a schedule firing at 00:30 on the 26th reports on the 25th.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from hotline.report_periods import GeneratedBy, ReportKind
    from hotline.report_store import ReportJob, ReportRun, ReportVersion

# An annual summary over a large read model is a few dozen aggregations: minutes at most.
TIMEOUT = timedelta(minutes=30)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), maximum_attempts=5)


@workflow.defn
class ReportWorkflow:
    @workflow.run
    async def run(self, request: ReportRun) -> ReportVersion:
        job = ReportJob(
            kind=ReportKind(request.kind),
            period=request.period,
            at=workflow.now(),
            generated_by=GeneratedBy(request.generated_by),
            requested_by=request.requested_by,
        )
        return await workflow.execute_activity(
            "generate_report",
            job,
            result_type=ReportVersion,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
