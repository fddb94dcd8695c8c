"""预警预报 Early warning: spikes, places that keep coming back, and clusters of similar appeals.

Spikes. For each category × district, and category × street or town, the number of cases received in
the last 24 hours (`now` − 24 h to `now`) is compared with the same 24 hours one, two … `weeks` weeks
earlier (default 8), so the baseline holds the same weekday and hour: a weekly pattern (busy Mondays)
is in the baseline and does not fire. With mean m and sample standard deviation s of those `weeks`
counts (a week without cases counts 0), σ = max(s, √m, 1) — counts of appeals are roughly Poisson, and a
baseline that happened to be flat must not make one extra case an alarm — and the pair fires when

    count ≥ max(min_count, m + k·σ)        (defaults k = 3, min_count = 5)

Streets are tested the same way; `min_count` keeps thin streets quiet. The counts are SQL GROUP BYs
(first the last 24 hours with HAVING count ≥ min_count, then the baseline of only those pairs); the
statistics over ≤ `weeks` numbers per pair are Python.

Repeat places. Cases at the same district + street + normalised address (trimmed, lower case, spaces
removed) received in the last `repeat_days` days (default 30), at least `repeat_min_cases` (default 3).

Clusters. Cases received in the period, newest first, at most `cluster_max_cases` (default 2,000) of
them, grouped by their title and content (hotline.text_clusters: jieba, TF-IDF, cosine, average
linkage at `cluster_similarity`, default 0.2); groups of at least `cluster_min_size` (default 3).

Everything leaves out proactive cases (they are the answer, not the signal) and duplicates merged into
another case. Settings: `warning_*` in hotline.settings.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from hotline import proactive, text_clusters
from hotline.enums import Channel
from hotline.metrics import Period
from hotline.models import Case, Category, District, Street
from hotline.proactive import ProactiveCase
from hotline.settings import Settings

WINDOW = timedelta(hours=24)
WEEK = timedelta(days=7)
REPEAT_LIMIT = 100

__all__ = ["Cluster", "ProactiveCase", "RepeatPlace", "Spike", "Warnings", "clusters", "proactive_cases"]


class Spike(BaseModel):
    level: Literal["district", "street"]
    category: str
    district: str
    street: str | None = None
    count: int
    baseline: list[int]  # the same 24 hours 1, 2 … weeks earlier
    mean: float
    sd: float
    threshold: float
    since: datetime
    until: datetime


class RepeatPlace(BaseModel):
    district: str
    street: str | None
    address: str
    count: int
    first_received: datetime
    last_received: datetime
    categories: list[tuple[str, int]]  # most frequent first


class PlaceCount(BaseModel):
    district: str
    street: str | None
    count: int


class Cluster(BaseModel):
    key: str  # the oldest member's case number: stable while the cluster grows
    size: int
    top_terms: list[str]
    places: list[PlaceCount]
    categories: list[tuple[str, int]]
    first_received: datetime
    last_received: datetime
    case_numbers: list[str]  # newest first


def threshold(baseline: list[int], *, k: float, min_count: int) -> tuple[float, float, float]:
    """(mean, sd, the count that fires) for one pair's baseline counts."""
    mean = statistics.fmean(baseline) if baseline else 0.0
    sd = statistics.stdev(baseline) if len(baseline) > 1 else 0.0
    sigma = max(sd, math.sqrt(mean), 1.0)
    return mean, sd, max(float(min_count), mean + k * sigma)


def _counted() -> ColumnElement[bool]:
    return and_(col(Case.channel) != Channel.PROACTIVE.value, col(Case.merged_into).is_(None))


async def spikes(*, session: AsyncSession, now: datetime, settings: Settings) -> list[Spike]:
    found = [
        *await _spikes(session, now, settings, street=False),
        *await _spikes(session, now, settings, street=True),
    ]
    return sorted(found, key=lambda s: (-(s.count - s.mean) / max(s.threshold - s.mean, 1e-9), s.category))


async def _spikes(session: AsyncSession, now: datetime, settings: Settings, *, street: bool) -> list[Spike]:
    weeks, since = settings.warning_spike_weeks, now - WINDOW
    place = [col(Case.category_code), col(Case.district_code)] + ([col(Case.street_code)] if street else [])
    where = [_counted(), col(Case.received_at) >= since, col(Case.received_at) < now]
    if street:
        where.append(col(Case.street_code).is_not(None))
    current = (
        await session.execute(
            select(*place, func.count())
            .where(*where)
            .group_by(*place)
            .having(func.count() >= settings.warning_spike_min_count)
        )
    ).all()
    if not current:
        return []
    # Which of the previous `weeks` same-24-hour windows a case fell in (None: between them).
    bucket = case(
        *[
            (and_(col(Case.received_at) >= since - n * WEEK, col(Case.received_at) < now - n * WEEK), n)
            for n in range(1, weeks + 1)
        ],
        else_=None,
    ).label("bucket")
    categories = {row[0] for row in current}
    districts = {row[1] for row in current}
    inner = (
        select(*place, bucket)
        .where(
            _counted(),
            col(Case.received_at) >= since - weeks * WEEK,
            col(Case.received_at) < now - WEEK,
            col(Case.category_code).in_(categories),
            col(Case.district_code).in_(districts),
            *([col(Case.street_code).is_not(None)] if street else []),
        )
        .subquery()
    )
    keys = [inner.c.category_code, inner.c.district_code] + ([inner.c.street_code] if street else [])
    history: dict[tuple[str, ...], dict[int, int]] = {}
    grouped = (
        select(*keys, inner.c.bucket, func.count())
        .where(inner.c.bucket.is_not(None))
        .group_by(*keys, inner.c.bucket)
    )
    for row in await session.execute(grouped):
        history.setdefault(tuple(row[: len(keys)]), {})[int(row[-2])] = int(row[-1])
    result = []
    for row in current:
        values: tuple[Any, ...] = tuple(row)
        key, count = values[:-1], int(values[-1])
        weekly = history.get(key, {})
        baseline = [weekly.get(n, 0) for n in range(1, weeks + 1)]
        mean, sd, fires_at = threshold(
            baseline, k=settings.warning_spike_k, min_count=settings.warning_spike_min_count
        )
        if count >= fires_at:
            result.append(
                Spike(
                    level="street" if street else "district",
                    category=key[0],
                    district=key[1],
                    street=key[2] if street else None,
                    count=count,
                    baseline=baseline,
                    mean=round(mean, 2),
                    sd=round(sd, 2),
                    threshold=round(fires_at, 2),
                    since=since,
                    until=now,
                )
            )
    return result


def _normalised_address() -> ColumnElement[str]:
    return func.replace(func.replace(func.lower(func.trim(col(Case.address))), " ", ""), "\u3000", "")


async def repeat_places(*, session: AsyncSession, now: datetime, settings: Settings) -> list[RepeatPlace]:
    # Grouped through a CTE: PostgreSQL does not match an expression with parameters in GROUP BY.
    cases = (
        select(
            col(Case.district_code).label("district"),
            func.coalesce(col(Case.street_code), "").label("street"),
            _normalised_address().label("place"),
            col(Case.address).label("address"),
            col(Case.category_code).label("category"),
            col(Case.received_at).label("received_at"),
        )
        .where(
            _counted(),
            col(Case.received_at) >= now - timedelta(days=settings.warning_repeat_days),
            col(Case.received_at) < now,
            func.length(func.trim(col(Case.address))) > 0,
        )
        .cte("recent")
    )
    place = [cases.c.district, cases.c.street, cases.c.place]
    places = (
        select(
            *place,
            func.count().label("n"),
            func.min(cases.c.address).label("shown"),
            func.min(cases.c.received_at).label("first"),
            func.max(cases.c.received_at).label("last"),
        )
        .group_by(*place)
        .having(func.count() >= settings.warning_repeat_min_cases)
        .order_by(func.count().desc(), func.max(cases.c.received_at).desc(), *place)
        .limit(REPEAT_LIMIT)
        .subquery()
    )
    rows = (await session.execute(select(places))).all()
    by_place = {(r.district, r.street, r.place): Counter[str]() for r in rows}
    if rows:
        joined = (
            select(*place, cases.c.category, func.count())
            .join(
                places,
                and_(
                    places.c.district == cases.c.district,
                    places.c.street == cases.c.street,
                    places.c.place == cases.c.place,
                ),
            )
            .group_by(*place, cases.c.category)
        )
        for row in await session.execute(joined):
            by_place[(row[0], row[1], row[2])][row[3]] = row[4]
    return [
        RepeatPlace(
            district=r.district,
            street=r.street or None,
            address=r.shown,
            count=r.n,
            first_received=r.first,
            last_received=r.last,
            categories=by_place[(r.district, r.street, r.place)].most_common(),
        )
        for r in rows
    ]


async def clusters(*, session: AsyncSession, period: Period, settings: Settings) -> list[Cluster]:
    rows = (
        await session.execute(
            select(
                col(Case.case_number),
                col(Case.title),
                col(Case.content),
                col(Case.category_code),
                col(Case.district_code),
                col(Case.street_code),
                col(Case.received_at),
            )
            .where(_counted(), col(Case.received_at) >= period.since, col(Case.received_at) < period.until)
            .order_by(col(Case.received_at).desc(), col(Case.case_number).desc())
            .limit(settings.warning_cluster_max_cases)
        )
    ).all()
    grouping = text_clusters.group(
        [f"{r.title}\n{r.content}" for r in rows],
        similarity=settings.warning_cluster_similarity,
        min_size=settings.warning_cluster_min_size,
        vocabulary=await _vocabulary(session) if rows else (),
    )
    result = []
    for indices, terms in zip(grouping.groups, grouping.terms, strict=True):
        members = [rows[i] for i in indices]  # newest first, as the rows came
        places = Counter((m.district_code, m.street_code) for m in members)
        result.append(
            Cluster(
                key=members[-1].case_number,
                size=len(members),
                top_terms=terms,
                places=[PlaceCount(district=d, street=s, count=n) for (d, s), n in places.most_common()],
                categories=Counter(m.category_code for m in members).most_common(),
                first_received=members[-1].received_at,
                last_received=members[0].received_at,
                case_numbers=[m.case_number for m in members],
            )
        )
    return result


async def _vocabulary(session: AsyncSession) -> list[str]:
    """Category, district and street names: words jieba should not cut."""
    names: list[str] = []
    for column in (col(Category.name), col(District.name), col(Street.name)):
        names.extend((await session.execute(select(column))).scalars())
    return names


async def proactive_cases(*, session: AsyncSession, period: Period) -> list[ProactiveCase]:
    """Proactive governance cases started in the period, each with the class of cases it answers."""
    return await proactive.started(session=session, period=period)


class Warnings(BaseModel):
    """The three lists as of `until`; clusters over the `warning_cluster_days` before it."""

    since: datetime
    until: datetime
    spikes: list[Spike]
    repeat_places: list[RepeatPlace]
    clusters: list[Cluster]


async def overview(*, session: AsyncSession, now: datetime, settings: Settings) -> Warnings:
    period = Period(since=now - timedelta(days=settings.warning_cluster_days), until=now)
    return Warnings(
        since=period.since,
        until=now,
        spikes=await spikes(session=session, now=now, settings=settings),
        repeat_places=await repeat_places(session=session, now=now, settings=settings),
        clusters=await clusters(session=session, period=period, settings=settings),
    )
