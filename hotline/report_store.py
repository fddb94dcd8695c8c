"""Generated reports, stored and versioned: every run for a period adds a version (1, 2, …); the pages
and the API show the latest unless a version is asked for, with the list of versions.

`generate` is what the schedules' activity, the API's on-demand run and the command line all call.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import report_builder
from hotline.db import SessionFactory
from hotline.errors import NotFound
from hotline.models import Report
from hotline.report_periods import GeneratedBy, ReportKind, ReportPeriod
from hotline.settings import Settings

_ATTEMPTS = 5  # two runs for the same period at once: the one that loses the version number retries


class ReportVersion(BaseModel):
    id: int
    kind: ReportKind
    period: str
    version: int
    generated_at: datetime
    generated_by: GeneratedBy
    requested_by: str | None


class ReportRun(BaseModel):
    """ReportWorkflow's input: a kind, and a period key or date (None: the period just ended)."""

    kind: ReportKind
    period: str | None = None
    generated_by: GeneratedBy = GeneratedBy.SCHEDULE
    requested_by: str | None = None


class ReportJob(BaseModel):
    """The activity's input: the run, with the workflow's start time to find "the period just ended"."""

    kind: ReportKind
    period: str | None
    at: datetime
    generated_by: GeneratedBy
    requested_by: str | None


class LatestPeriod(BaseModel):
    kind: ReportKind
    period: str
    versions: int
    generated_at: datetime


def _version(row: Report) -> ReportVersion:
    return ReportVersion(
        id=row.id or 0,
        kind=ReportKind(row.kind),
        period=row.period_key,
        version=row.version,
        generated_at=row.generated_at,
        generated_by=GeneratedBy(row.generated_by),
        requested_by=row.requested_by,
    )


async def save(
    *,
    sessions: SessionFactory,
    period: ReportPeriod,
    content: dict[str, object],
    generated_at: datetime,
    generated_by: GeneratedBy,
    requested_by: str | None = None,
) -> ReportVersion:
    """Stores `content` as the next version of the period's report."""
    for attempt in range(_ATTEMPTS):
        async with sessions() as session:
            last = (
                await session.execute(
                    select(func.max(Report.version)).where(
                        Report.kind == period.kind.value, Report.period_start == period.start
                    )
                )
            ).scalar_one_or_none()
            row = Report(
                kind=period.kind.value,
                period_key=period.key,
                period_start=period.start,
                period_end=period.end,
                version=(last or 0) + 1,
                generated_at=generated_at,
                generated_by=generated_by.value,
                requested_by=requested_by,
                content=content,
            )
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            return _version(row)
    raise AssertionError("unreachable")


async def generate(
    *,
    sessions: SessionFactory,
    settings: Settings,
    period: ReportPeriod,
    now: datetime,
    generated_by: GeneratedBy,
    requested_by: str | None = None,
) -> ReportVersion:
    """Builds the report of `period` from the read model as it is `now` and stores it as a new version."""
    async with sessions() as session:
        content = await report_builder.build(session=session, settings=settings, period=period, now=now)
    return await save(
        sessions=sessions,
        period=period,
        content=content.model_dump(mode="json"),
        generated_at=now,
        generated_by=generated_by,
        requested_by=requested_by,
    )


async def get(*, session: AsyncSession, period: ReportPeriod, version: int | None = None) -> Report:
    """The period's latest report, or the version asked for; NotFound when there is none."""
    query = select(Report).where(Report.kind == period.kind.value, Report.period_start == period.start)
    if version is not None:
        query = query.where(Report.version == version)
    row = (await session.execute(query.order_by(col(Report.version).desc()).limit(1))).scalar_one_or_none()
    if row is None:
        which = f"version {version} of " if version is not None else ""
        raise NotFound("report_not_found", f"No {which}{period.kind.value} report for {period.key}.")
    return row


async def versions(*, session: AsyncSession, period: ReportPeriod) -> list[ReportVersion]:
    """Every version of the period's report, newest first."""
    rows = (
        await session.execute(
            select(Report)
            .where(Report.kind == period.kind.value, Report.period_start == period.start)
            .order_by(col(Report.version).desc())
        )
    ).scalars()
    return [_version(row) for row in rows]


async def latest_periods(*, session: AsyncSession, kind: ReportKind, limit: int = 6) -> list[LatestPeriod]:
    """The most recent periods of `kind` with a report, newest first, with how many versions each has."""
    rows = await session.execute(
        select(  # type: ignore[call-overload]
            Report.period_key,
            Report.period_start,
            func.count(),
            func.max(Report.generated_at),
        )
        .where(Report.kind == kind.value)
        .group_by(col(Report.period_key), col(Report.period_start))
        .order_by(col(Report.period_start).desc())
        .limit(limit)
    )
    return [
        LatestPeriod(kind=kind, period=key, versions=count, generated_at=at)
        for key, _, count, at in rows.all()
    ]
