"""OutboxDelivery: started every minute by a Temporal Schedule; sends what the cases have queued."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

BATCH_SIZE = 200
MAX_BATCHES = 50  # one run sends at most this many batches; the next run picks up the rest


@workflow.defn
class OutboxDelivery:
    @workflow.run
    async def run(self) -> int:
        sent = 0
        for _ in range(MAX_BATCHES):
            batch = await workflow.execute_activity(
                "deliver_outbox",
                BATCH_SIZE,
                result_type=int,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=5),
            )
            sent += batch
            if batch < BATCH_SIZE:
                break
        return sent
