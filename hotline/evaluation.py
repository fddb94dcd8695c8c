"""评: the monthly evaluation of departments — score, zone, rank, the ten best and the ten-worst candidates.

The formula (its numbers are settings, `HOTLINE_EVALUATION_*`, documented in docs/evaluation.md):

    rate points = 100 × Σ wᵢ·rateᵢ / Σ wᵢ   over response, on-time, resolution and satisfaction rates
                                              (hotline.metrics, DEPARTMENT, the month) that have data
    penalty     = p_return × unjustified returns + p_overdue × overdue tasks
    score       = max(0, rate points − penalty), two decimals

- A rate with nothing to count (no denominator) leaves the mean, and its weight with it: "no data" is not
  0 %. A department none of whose rates has data has no score.
- Fewer than `evaluation_min_volume` cases in the month, or no score: not ranked, no zone.
- Zone: green from `evaluation_green_from`, red below `evaluation_red_below`, yellow between.
- Rank: 1, 2 … over the ranked departments by score, higher first; ties broken by volume (more cases
  first), then by department code, so that a re-run ranks the same data the same way.
- Ten best: the first `evaluation_best_count` ranked departments in the green zone that are not
  ten-worst candidates (a green department with two unjustified returns is no model).
- Ten-worst candidate (seed: 无故退单2次以上、全市考评连续3个月列入"红区"): red in this month and the
  `evaluation_red_months` − 1 months before it (their latest stored versions), or at least
  `evaluation_worst_unjustified_returns` unjustified returns (无故退单) in the month, ranked or not.

Each evaluation keeps its reasons as English msgids with parameters, translated where they are shown.
Every run of a month is stored as a new version (`department_evaluations`); readers take the latest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, computed_field
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import metrics
from hotline.errors import Invalid, NotFound
from hotline.evaluation_contracts import EvaluationSummary
from hotline.models import Department, EvaluationRecord
from hotline.settings import Settings

TEN_BEST = "ten_best"
TEN_WORST_CANDIDATE = "ten_worst_candidate"
RATES = ("response", "on_time", "resolution", "satisfaction")


class Zone(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# The reasons, in English with `%(name)s` parameters. The pages translate them by code: web/routes/
# evaluation.py marks the same texts for extraction (a test keeps the two equal) and evaluation.po has
# their Chinese.
REASON_TEXTS = {
    "green": "Score %(score)s, at or above %(green)s: green zone",
    "yellow": "Score %(score)s, from %(red)s up to %(green)s: yellow zone",
    "red": "Score %(score)s, below %(red)s: red zone",
    "no_score": "No score: none of the rates has data this month",
    "low_volume": "Not ranked: %(volume)s cases this month, fewer than %(minimum)s",
    "best": "Among the %(count)s best: rank %(rank)s",
    "red_run": "Red zone %(count)s months in a row: %(months)s",
    "unjustified_returns": "%(count)s unjustified returns this month",
}


class Reason(BaseModel):
    """Why a department stands where it does: a code from REASON_TEXTS and its parameters."""

    code: str
    params: dict[str, str | int | float] = {}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """In English."""
        return REASON_TEXTS[self.code] % self.params

    def render(self, template: str) -> str:
        """In the reader's language, from the translated template of this reason's code."""
        return template % self.params


class DepartmentEvaluation(BaseModel):
    month: str  # YYYY-MM
    version: int
    computed_at: datetime
    department: str
    score: float | None
    zone: Zone | None  # none when not ranked
    rank: int | None
    components: dict[str, Any]  # volume, the four rates (0..1 or none), counts, rate_points, penalty
    reasons: list[Reason]
    ten_best: bool
    ten_worst_candidate: bool


class ZonePoint(BaseModel):
    """A department's standing in one month (its latest version), for its zone history."""

    month: str
    version: int
    score: float | None
    zone: Zone | None
    rank: int | None
    ten_best: bool
    ten_worst_candidate: bool


# ---- months -----------------------------------------------------------------------------------------


def month_key(year: int, month: int) -> str:
    if not 1 <= month <= 12 or not 2000 <= year <= 2999:
        raise Invalid("invalid_month", f"No such month: {year}-{month}.")
    return f"{year:04d}-{month:02d}"


def parse_month(text: str) -> tuple[int, int]:
    """ "2026-10" → (2026, 10)."""
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        raise Invalid("invalid_month", f"A month is written YYYY-MM, not {text!r}.") from None
    month_key(year, month)
    return year, month


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def previous_month(now: datetime, timezone: str) -> tuple[int, int]:
    """The calendar month before the one `now` falls in, in the city's time zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return shift_month(today.year, today.month, -1)


def require_over(year: int, month: int, *, now: datetime, timezone: str) -> None:
    """Only a month that has ended is evaluated: an evaluation is a verdict on the whole month."""
    first = date(*shift_month(year, month, 1), 1)
    if now.astimezone(ZoneInfo(timezone)).date() < first:
        raise Invalid("month_not_over", f"{month_key(year, month)} is not over yet.")


# ---- the formula ------------------------------------------------------------------------------------


class Draft(BaseModel):
    """An evaluation before it is stored: what `evaluate` works out from the metrics."""

    department: str
    score: float | None
    zone: Zone | None
    rank: int | None = None
    components: dict[str, Any]
    reasons: list[Reason] = []
    ten_best: bool = False
    ten_worst_candidate: bool = False


def score(row: metrics.MetricRow, settings: Settings) -> tuple[float | None, dict[str, Any]]:
    """A department's score from its month's metrics, and the components it was made of."""
    weights = settings.evaluation_weights.model_dump()
    rates = {name: getattr(row, name).value for name in RATES}
    counted = {name: value for name, value in rates.items() if value is not None and weights[name] > 0}
    total_weight = sum(weights[name] for name in counted)
    rate_points = (
        100 * sum(weights[name] * value for name, value in counted.items()) / total_weight
        if total_weight
        else None
    )
    penalty = (
        settings.evaluation_unjustified_return_penalty * row.unjustified_returns
        + settings.evaluation_overdue_penalty * row.overdue
    )
    components: dict[str, Any] = {
        "volume": row.volume,
        **rates,
        "unjustified_returns": row.unjustified_returns,
        "overdue": row.overdue,
        "returns": row.returns,
        "rate_points": None if rate_points is None else round(rate_points, 2),
        "penalty": round(penalty, 2),
    }
    value = None if rate_points is None else round(max(0.0, rate_points - penalty), 2)
    return value, components


def zone_of(value: float, settings: Settings) -> Zone:
    if value >= settings.evaluation_green_from:
        return Zone.GREEN
    if value < settings.evaluation_red_below:
        return Zone.RED
    return Zone.YELLOW


def _zone_reason(value: float, zone: Zone, settings: Settings) -> Reason:
    return Reason(
        code=zone.value,
        params={
            "score": value,
            "green": settings.evaluation_green_from,
            "red": settings.evaluation_red_below,
        },
    )


def evaluate(
    rows: Iterable[metrics.MetricRow],
    *,
    month: str,
    red_before: dict[str, list[str]],
    settings: Settings,
) -> list[Draft]:
    """Score, zone, rank and candidates of each department's row, in ranking order (unranked last).

    `red_before` maps a department to the months just before `month` in which it was in the red zone
    (only the unbroken run up to `month` matters)."""
    drafts = []
    for row in rows:
        value, components = score(row, settings)
        draft = Draft(department=row.key, score=value, zone=None, components=components)
        if value is None:
            draft.reasons.append(Reason(code="no_score"))
        elif row.volume < settings.evaluation_min_volume:
            draft.reasons.append(
                Reason(
                    code="low_volume",
                    params={"volume": row.volume, "minimum": settings.evaluation_min_volume},
                )
            )
        else:
            draft.zone = zone_of(value, settings)
            draft.reasons.append(_zone_reason(value, draft.zone, settings))
        drafts.append(draft)

    ranked = sorted(
        (d for d in drafts if d.zone is not None),
        key=lambda d: (-(d.score or 0.0), -d.components["volume"], d.department),
    )
    for rank, draft in enumerate(ranked, start=1):
        draft.rank = rank
    needed = settings.evaluation_red_months - 1
    for draft in drafts:
        run = red_before.get(draft.department, [])
        if draft.zone == Zone.RED and len(run) >= needed:
            months = [*run[len(run) - needed :], month]
            draft.ten_worst_candidate = True
            draft.reasons.append(
                Reason(
                    code="red_run",
                    params={"count": len(months), "months": ", ".join(months)},
                )
            )
        unjustified = draft.components["unjustified_returns"]
        if unjustified >= settings.evaluation_worst_unjustified_returns:
            draft.ten_worst_candidate = True
            draft.reasons.append(Reason(code="unjustified_returns", params={"count": unjustified}))
    best = [d for d in ranked if d.zone == Zone.GREEN and not d.ten_worst_candidate]
    for draft in best[: settings.evaluation_best_count]:
        draft.ten_best = True
        draft.reasons.append(
            Reason(code="best", params={"count": settings.evaluation_best_count, "rank": draft.rank or 0})
        )
    unranked = sorted((d for d in drafts if d.zone is None), key=lambda d: d.department)
    return [*ranked, *unranked]


# ---- stored, versioned ------------------------------------------------------------------------------


def _latest_versions(months: list[str]) -> Any:
    return (
        select(col(EvaluationRecord.month), func.max(EvaluationRecord.version).label("version"))
        .where(col(EvaluationRecord.month).in_(months))
        .group_by(col(EvaluationRecord.month))
        .subquery("latest")
    )


async def _red_before(
    session: AsyncSession, year: int, month: int, settings: Settings
) -> dict[str, list[str]]:
    """Each department's unbroken run of red months just before this one, oldest first."""
    wanted = [
        month_key(*shift_month(year, month, -n)) for n in range(settings.evaluation_red_months - 1, 0, -1)
    ]
    if not wanted:
        return {}
    latest = _latest_versions(wanted)
    rows = await session.execute(
        select(col(EvaluationRecord.department_code), col(EvaluationRecord.month))
        .join(
            latest,
            (latest.c.month == col(EvaluationRecord.month))
            & (latest.c.version == col(EvaluationRecord.version)),
        )
        .where(col(EvaluationRecord.zone) == Zone.RED)
    )
    red: dict[str, set[str]] = {}
    for department, red_month in rows.all():
        red.setdefault(department, set()).add(red_month)
    runs = {}
    for department, months in red.items():
        run: list[str] = []
        for candidate in reversed(wanted):  # the month just before first, backwards
            if candidate not in months:
                break
            run.insert(0, candidate)
        runs[department] = run
    return runs


async def run(
    *,
    session: AsyncSession,
    year: int,
    month: int,
    settings: Settings,
    now: datetime,
    run_key: str | None = None,
) -> list[DepartmentEvaluation]:
    """Evaluate every department for the month from the read model and store it as a new version.

    With a `run_key` already stored for the month (a retried activity), that version is returned as it is.
    """
    key = month_key(year, month)
    if run_key is not None:
        done = await session.scalar(
            select(func.max(EvaluationRecord.version)).where(
                col(EvaluationRecord.month) == key, col(EvaluationRecord.run_key) == run_key
            )
        )
        if done is not None:
            return await results(session=session, year=year, month=month, version=done)
    departments = list((await session.execute(select(col(Department.code)))).scalars())
    rows = await metrics.compute(
        session=session,
        period=metrics.Period.month(year, month, settings.timezone),
        dimension=metrics.Dimension.DEPARTMENT,
        settings=settings,
        keys=departments,
    )
    drafts = evaluate(
        rows, month=key, red_before=await _red_before(session, year, month, settings), settings=settings
    )
    latest = await session.scalar(
        select(func.max(EvaluationRecord.version)).where(col(EvaluationRecord.month) == key)
    )
    version = (latest or 0) + 1
    for draft in drafts:
        session.add(
            EvaluationRecord(
                month=key,
                version=version,
                department_code=draft.department,
                score=draft.score,
                zone=draft.zone,
                rank=draft.rank,
                components=draft.components,
                reasons=[r.model_dump(include={"code", "params"}) for r in draft.reasons],
                flags=[
                    f
                    for f, on in (
                        (TEN_BEST, draft.ten_best),
                        (TEN_WORST_CANDIDATE, draft.ten_worst_candidate),
                    )
                    if on
                ],
                computed_at=now,
                run_key=run_key,
            )
        )
    await session.commit()
    return await results(session=session, year=year, month=month, version=version)


def _public(record: EvaluationRecord) -> DepartmentEvaluation:
    return DepartmentEvaluation(
        month=record.month,
        version=record.version,
        computed_at=record.computed_at,
        department=record.department_code,
        score=record.score,
        zone=Zone(record.zone) if record.zone else None,
        rank=record.rank,
        components=record.components,
        reasons=[Reason.model_validate(r) for r in record.reasons],
        ten_best=TEN_BEST in record.flags,
        ten_worst_candidate=TEN_WORST_CANDIDATE in record.flags,
    )


async def results(
    *, session: AsyncSession, year: int, month: int, version: int | None = None
) -> list[DepartmentEvaluation]:
    """The month's latest evaluation (or the given version), in ranking order (unranked departments
    last, by code); empty when the month was never evaluated."""
    key = month_key(year, month)
    if version is None:
        version = await session.scalar(
            select(func.max(EvaluationRecord.version)).where(col(EvaluationRecord.month) == key)
        )
    records = await session.execute(
        select(EvaluationRecord)
        .where(col(EvaluationRecord.month) == key, col(EvaluationRecord.version) == version)
        .order_by(
            col(EvaluationRecord.rank).is_(None),
            col(EvaluationRecord.rank),
            col(EvaluationRecord.department_code),
        )
    )
    return [_public(r) for r in records.scalars()]


async def versions(*, session: AsyncSession, year: int, month: int) -> list[int]:
    """Every stored version of the month, oldest first."""
    rows = await session.execute(
        select(col(EvaluationRecord.version))
        .where(col(EvaluationRecord.month) == month_key(year, month))
        .distinct()
        .order_by(col(EvaluationRecord.version))
    )
    return list(rows.scalars())


async def zone_history(*, session: AsyncSession, department: str) -> list[ZonePoint]:
    """The department's standing in every evaluated month (each month's latest version), oldest first."""
    latest = (
        select(col(EvaluationRecord.month), func.max(EvaluationRecord.version).label("version"))
        .group_by(col(EvaluationRecord.month))
        .subquery("latest")
    )
    records = await session.execute(
        select(EvaluationRecord)
        .join(
            latest,
            (latest.c.month == col(EvaluationRecord.month))
            & (latest.c.version == col(EvaluationRecord.version)),
        )
        .where(col(EvaluationRecord.department_code) == department)
        .order_by(col(EvaluationRecord.month))
    )
    return [
        ZonePoint(
            month=e.month,
            version=e.version,
            score=e.score,
            zone=e.zone,
            rank=e.rank,
            ten_best=e.ten_best,
            ten_worst_candidate=e.ten_worst_candidate,
        )
        for e in map(_public, records.scalars())
    ]


def ten_best(evaluations: list[DepartmentEvaluation]) -> list[DepartmentEvaluation]:
    """The ten best, best first."""
    return [e for e in evaluations if e.ten_best]


def ten_worst_candidates(evaluations: list[DepartmentEvaluation]) -> list[DepartmentEvaluation]:
    """The ten-worst candidates, worst first (lowest rank first, then the unranked ones)."""
    candidates = [e for e in evaluations if e.ten_worst_candidate]
    return sorted(candidates, key=lambda e: (e.rank is None, -(e.rank or 0), e.department))


def summary(evaluations: list[DepartmentEvaluation], *, month: str) -> EvaluationSummary:
    return EvaluationSummary(
        month=month,
        version=evaluations[0].version if evaluations else 0,
        departments=len(evaluations),
        ranked=sum(1 for e in evaluations if e.rank is not None),
        red=[e.department for e in evaluations if e.zone == Zone.RED],
        ten_best=[e.department for e in ten_best(evaluations)],
        ten_worst_candidates=[e.department for e in ten_worst_candidates(evaluations)],
    )


class MonthEvaluation(BaseModel):
    """A month's latest evaluation as the API and the pages show it."""

    month: str
    version: int
    computed_at: datetime
    departments: list[DepartmentEvaluation]


async def month_evaluation(*, session: AsyncSession, year: int, month: int) -> MonthEvaluation:
    """The month's latest evaluation; NotFound when the month was never evaluated."""
    found = await results(session=session, year=year, month=month)
    if not found:
        raise NotFound("evaluation_not_found", f"{month_key(year, month)} has not been evaluated yet.")
    return MonthEvaluation(
        month=found[0].month, version=found[0].version, computed_at=found[0].computed_at, departments=found
    )
