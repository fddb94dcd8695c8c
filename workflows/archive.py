"""ArchiveClosedCases: started by a Temporal Schedule; archives the closed cases not archived yet."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from hotline.contracts import ArchiveBatch, ArchiveBatchResult

BATCH_SIZE = 50
MAX_BATCHES = 20  # one run archives at most this many batches; the next run picks up the rest
BATCH_TIMEOUT = timedelta(minutes=10)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=5)


@workflow.defn
class ArchiveClosedCases:
    @workflow.run
    async def run(self) -> ArchiveBatchResult:
        total = ArchiveBatchResult()
        after = ""
        for _ in range(MAX_BATCHES):
            batch = await workflow.execute_activity(
                "archive_closed_cases",
                ArchiveBatch(after=after, size=BATCH_SIZE),
                result_type=ArchiveBatchResult,
                start_to_close_timeout=BATCH_TIMEOUT,
                heartbeat_timeout=timedelta(minutes=2),
                retry_policy=RETRY,
            )
            total.archived += batch.archived
            total.failed.update(batch.failed)
            if batch.last is None:
                break
            after = total.last = batch.last
        return total
