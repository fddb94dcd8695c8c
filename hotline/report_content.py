"""What a report holds: typed, JSON-serialisable content models, one per kind, stored as `reports.content`.

Everything is codes and numbers (department, district, category and channel codes; rates as numerator,
denominator and value), never names or translated words: the pages name them in the reader's language,
and a stored report stays readable when a department is renamed. The figures are those of
`hotline.metrics` (their formulas: docs/metrics.md), copied into models of our own so that a stored
report keeps its shape when the metrics module grows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from hotline.evaluation import DepartmentEvaluation
from hotline.headlines import Rate
from hotline.metrics import MetricRow
from hotline.proactive import ProactiveCase
from hotline.report_periods import ReportPeriod
from hotline.warnings import Cluster, RepeatPlace, Spike

RATES = ("response", "resolution", "satisfaction", "on_time", "reopen", "first_contact")
COUNTS = ("volume", "overdue", "deferred", "returns", "unjustified_returns")
HOURS = ("avg_handling_hours", "p90_handling_hours")


class RateFigure(BaseModel):
    numerator: int
    denominator: int
    value: float | None  # None when nothing was counted ("no data" is not 0 %)

    @classmethod
    def of(cls, rate: Rate) -> RateFigure:
        return cls(numerator=rate.numerator, denominator=rate.denominator, value=rate.value)


class Figures(BaseModel):
    """One row of metrics: the city ("" key) or one department, district, street, category or channel."""

    key: str
    volume: int
    response: RateFigure
    resolution: RateFigure
    satisfaction: RateFigure
    on_time: RateFigure
    reopen: RateFigure
    first_contact: RateFigure
    avg_handling_hours: float | None
    p90_handling_hours: float | None
    overdue: int
    deferred: int
    returns: int
    unjustified_returns: int

    @classmethod
    def of(cls, row: MetricRow) -> Figures:
        return cls(
            key=row.key,
            volume=row.volume,
            **{name: RateFigure.of(getattr(row, name)) for name in RATES},
            avg_handling_hours=row.avg_handling_hours,
            p90_handling_hours=row.p90_handling_hours,
            overdue=row.overdue,
            deferred=row.deferred,
            returns=row.returns,
            unjustified_returns=row.unjustified_returns,
        )

    def figure(self, name: str) -> float | None:
        """A figure by name; a rate as its value (a fraction)."""
        value = getattr(self, name)
        return value.value if isinstance(value, RateFigure) else value


class PeriodInfo(BaseModel):
    key: str
    start: date
    end: date  # exclusive
    timezone: str

    @classmethod
    def of(cls, period: ReportPeriod, timezone: str) -> PeriodInfo:
        return cls(key=period.key, start=period.start, end=period.end, timezone=timezone)


class KeyCount(BaseModel):
    key: str
    count: int


class OverdueNow(BaseModel):
    """A snapshot when the report was made: open cases past their due time, and open department tasks
    past theirs by department."""

    as_of: datetime
    cases: int
    by_department: list[KeyCount]


class Change(BaseModel):
    """A figure this period against the previous one. Counts and hours: `change` is the difference and
    `relative` the difference over the previous value. Rates: `change` is the difference of the two
    values (a fraction: 0.05 is five percentage points) and `relative` is None."""

    figure: str
    unit: Literal["count", "rate", "hours"]
    current: float | None
    previous: float | None
    change: float | None
    relative: float | None


class Ranked(BaseModel):
    """A category or place among the period's most frequent, with the previous period's count."""

    key: str
    volume: int
    previous_volume: int
    change: int


class TypicalEntry(BaseModel):
    id: int
    case_number: str
    title: str
    category_code: str
    district_code: str
    published_at: datetime


class ReportWarnings(BaseModel):
    """预警预报 as of the period's end (hotline/warnings.py): spikes in the last 24 hours, places that keep
    coming back, and clusters of similar appeals received in the period."""

    spikes: list[Spike] = Field(default_factory=list)
    repeat_places: list[RepeatPlace] = Field(default_factory=list)
    clusters: list[Cluster] = Field(default_factory=list)


class DailyReport(BaseModel):
    """日报告: yesterday's volume and rates, by channel and by district, and what is overdue now."""

    kind: Literal["daily"] = "daily"
    period: PeriodInfo
    city: Figures
    by_channel: list[Figures]
    by_district: list[Figures]
    overdue_now: OverdueNow


class WeeklyReport(BaseModel):
    """周分析: every city figure against the week before, the top categories and places, warnings."""

    kind: Literal["weekly"] = "weekly"
    period: PeriodInfo
    previous_period: PeriodInfo
    city: Figures
    previous_city: Figures
    changes: list[Change]
    top_categories: list[Ranked]
    top_places: list[Ranked]  # streets and towns
    warnings: ReportWarnings = Field(default_factory=ReportWarnings)


class MonthlyReport(BaseModel):
    """月通报: rates by department and district, the evaluation's ranking with zones, the ten best and the
    ten-worst candidates with reasons, typical cases, warnings and the classes of cases fixed."""

    kind: Literal["monthly"] = "monthly"
    period: PeriodInfo
    city: Figures
    by_department: list[Figures]
    by_district: list[Figures]
    typical_cases: list[TypicalEntry]
    # The month's evaluation (hotline/evaluation.py), in ranking order; empty when not evaluated yet.
    evaluation: list[DepartmentEvaluation] = Field(default_factory=list)
    warnings: ReportWarnings = Field(default_factory=ReportWarnings)
    # 一类事: the proactive governance cases (未诉先办) started in the month, with their member appeals.
    classes_of_cases: list[ProactiveCase] = Field(default_factory=list)

    @property
    def ten_best(self) -> list[DepartmentEvaluation]:
        return [e for e in self.evaluation if e.ten_best]

    @property
    def ten_worst_candidates(self) -> list[DepartmentEvaluation]:
        return [e for e in self.evaluation if e.ten_worst_candidate]


class MonthFigures(BaseModel):
    month: str  # 2026-03
    figures: Figures
    deferred_at_end: int


class ZoneYear(BaseModel):
    department: str
    zones: list[str | None]  # one per month, January first; None before the month was evaluated


class AnnualReport(BaseModel):
    """年总结: the year's totals, month by month, and each department's zones over the year."""

    kind: Literal["annual"] = "annual"
    period: PeriodInfo
    totals: Figures
    months: list[MonthFigures]
    zones: list[ZoneYear] = Field(default_factory=list)


Content = Annotated[DailyReport | WeeklyReport | MonthlyReport | AnnualReport, Field(discriminator="kind")]
CONTENT: TypeAdapter[DailyReport | WeeklyReport | MonthlyReport | AnnualReport] = TypeAdapter(Content)


def load(data: dict[str, Any]) -> DailyReport | WeeklyReport | MonthlyReport | AnnualReport:
    return CONTENT.validate_python(data)
