"""MonthlyEvaluationWorkflow: a month's evaluation of departments, computed and stored as a new version.

Started by its Temporal Schedule at 02:00 city time on the 1st for the month before (hotline/schedules.py),
or on demand for a given month (API, CLI).
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from hotline.evaluation_contracts import EvaluateMonth, EvaluationRequest, EvaluationSummary

EVALUATE_TIMEOUT = timedelta(minutes=10)
RETRY = RetryPolicy(
    maximum_interval=timedelta(minutes=1), maximum_attempts=5, non_retryable_error_types=["Invalid"]
)


@workflow.defn
class MonthlyEvaluationWorkflow:
    @workflow.run
    async def run(self, request: EvaluationRequest) -> EvaluationSummary:
        return await workflow.execute_activity(
            "evaluate_month",
            EvaluateMonth(year=request.year, month=request.month, as_of=workflow.now()),
            result_type=EvaluationSummary,
            start_to_close_timeout=EVALUATE_TIMEOUT,
            retry_policy=RETRY,
        )
