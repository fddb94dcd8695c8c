"""Gauges read from the read model at scrape time: cases by status, overdue tasks, escalated cases.

One grouped query each, never one per case, and the result is kept for `max_age_seconds` so that
several Prometheus servers (or a short scrape interval) cost the database one round of queries per
period. A failed refresh keeps the last figures and says so in the log; the snapshot's time is a gauge
of its own, so an alert can tell stale figures from quiet ones.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.db import SessionFactory
from hotline.enums import AssignmentStatus, CaseStatus
from hotline.models import Assignment, Case

log = logging.getLogger(__name__)
ESCALATION_LEVELS = (1, 2, 3)
_LIVE_TASK = (AssignmentStatus.OPEN.value, AssignmentStatus.SIGNED.value)


@dataclass(frozen=True)
class Snapshot:
    cases_by_status: dict[str, int]
    overdue_tasks: int
    escalated_by_level: dict[int, int]
    taken_at: datetime


async def take_snapshot(session: AsyncSession, now: datetime) -> Snapshot:
    by_status = await session.execute(select(Case.status, func.count()).group_by(col(Case.status)))
    # Overdue the way a department's clock shows it (hotline/task_clock.py): a live task past its due
    # time, or marked overdue by the workflow, on a case that is not deferred (挂账 stops the clock).
    overdue = await session.execute(
        select(func.count())
        .select_from(Assignment)
        .join(Case, col(Case.case_number) == col(Assignment.case_number))
        .where(
            col(Assignment.status).in_(_LIVE_TASK),
            col(Case.status) != CaseStatus.DEFERRED.value,
            or_(col(Assignment.overdue).is_(True), col(Assignment.due_at) <= now),
        )
    )
    by_level = await session.execute(
        select(Case.escalation_level, func.count())
        .where(col(Case.status) != CaseStatus.CLOSED.value, col(Case.escalation_level) > 0)
        .group_by(col(Case.escalation_level))
    )
    return Snapshot(
        cases_by_status={str(status): int(count) for status, count in by_status.all()},
        overdue_tasks=int(overdue.scalar_one()),
        escalated_by_level={int(level): int(count) for level, count in by_level.all()},
        taken_at=now,
    )


class ReadModelGauges:
    """A Prometheus collector over a cached snapshot; `refresh` (async) before each scrape."""

    def __init__(self, sessions: SessionFactory, *, max_age_seconds: float) -> None:
        self._sessions = sessions
        self._max_age = max_age_seconds
        self._snapshot: Snapshot | None = None
        self._taken_monotonic = 0.0
        self._lock = asyncio.Lock()

    def _fresh(self) -> bool:
        return self._snapshot is not None and time.monotonic() - self._taken_monotonic < self._max_age

    async def refresh(self) -> None:
        if self._fresh():
            return
        async with self._lock:  # scrapes that arrive together share one round of queries
            if self._fresh():
                return
            try:
                async with self._sessions() as session:
                    self._snapshot = await take_snapshot(session, datetime.now(UTC))
                self._taken_monotonic = time.monotonic()
            except Exception:  # the other metrics are still worth serving; the age gauge shows staleness
                log.warning("read-model metrics not refreshed; serving the last figures", exc_info=True)

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot
        if snapshot is None:
            return
        cases = GaugeMetricFamily("hotline_cases", "Cases in the read model by status", labels=["status"])
        for status in CaseStatus:
            cases.add_metric([status.value], snapshot.cases_by_status.get(status.value, 0))
        yield cases
        yield GaugeMetricFamily(
            "hotline_tasks_overdue",
            "Department tasks open or signed for and past their due time (deferred cases excluded)",
            value=snapshot.overdue_tasks,
        )
        escalated = GaugeMetricFamily(
            "hotline_cases_escalated",
            "Open cases by escalation level (1 command center, 2 supervision office, 3 discipline)",
            labels=["level"],
        )
        for level in ESCALATION_LEVELS:
            escalated.add_metric([str(level)], snapshot.escalated_by_level.get(level, 0))
        yield escalated
        yield GaugeMetricFamily(
            "hotline_readmodel_snapshot_timestamp_seconds",
            "When the read-model figures above were counted (Unix time)",
            value=snapshot.taken_at.timestamp(),
        )
