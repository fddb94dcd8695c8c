"""Due times from urgency tiers. An activity, so that replay never depends on a calendar library."""

from datetime import datetime, timedelta

from temporalio import activity

from hotline.contracts import DueTimeRequest


@activity.defn(name="compute_due_at")
async def compute_due_at(request: DueTimeRequest) -> datetime:
    return request.start + timedelta(days=request.tier)
