"""The clock: due times from urgency tiers (natural or working days) and the city's case policy.

Activities, so that a case replays from its history whatever the settings or the holiday table say now.
The values themselves come from hotline.case_terms, which the API also uses at intake.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from hotline import case_terms
from hotline.contracts import CasePolicy, DueTimeRequest
from hotline.settings import Settings


class DeadlineActivities:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @activity.defn(name="compute_due_at")
    async def compute_due_at(self, request: DueTimeRequest) -> datetime:
        return case_terms.due_at(self._settings, request.start, request.tier)

    @activity.defn(name="case_policy")
    async def case_policy(self) -> CasePolicy:
        return case_terms.policy(self._settings)
