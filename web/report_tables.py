"""A stored report's content as the tables its page shows, named in the reader's language.

One function per kind turns the content (hotline/report_content.py) into `Table`s; the HTML page, the
CSV and the XLSX export all draw from the same tables, so what is downloaded is what is read. A table
may say how to chart it (ECharts, drawn by web/static/reports.js). Cells are text or numbers: rates are
percentages with one decimal, hours with one decimal, an empty cell where there is no data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl import Workbook

from hotline.directory import Names
from hotline.evaluation import REASON_TEXTS, DepartmentEvaluation
from hotline.report_content import (
    AnnualReport,
    Change,
    DailyReport,
    Figures,
    MonthlyReport,
    Ranked,
    RateFigure,
    ReportWarnings,
    WeeklyReport,
)
from web import labels
from web.i18n import N_

Cell = str | int | float | None
Gettext = Callable[[str], str]


@dataclass
class Chart:
    kind: Literal["bar", "line", "pie"]
    series: list[int]  # the columns drawn, each a series; the first column names the points
    rows: int | None = None  # only the first rows (the city row of a by-key table is left out)
    skip_first: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    def chart_data(self) -> dict[str, Any] | None:
        if self.chart is None or not self.rows:
            return None
        rows = self.rows[1:] if self.chart.skip_first else self.rows
        rows = rows[: self.chart.rows] if self.chart.rows else rows
        if not rows:
            return None
        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart.kind,
            "labels": [str(r[0]) for r in rows],
            "values": [r[self.chart.series[0]] for r in rows],
            "series": [{"name": self.columns[i], "values": [r[i] for r in rows]} for i in self.chart.series],
        }


ZONES = {"green": N_("Green zone"), "yellow": N_("Yellow zone"), "red": N_("Red zone")}
FIGURE_NAMES = {
    "volume": N_("Cases received"),
    "overdue": N_("Overdue tasks"),
    "deferred": N_("Deferred at the end"),
    "returns": N_("Returns"),
    "unjustified_returns": N_("Unjustified returns"),
    "response": N_("Response rate (%)"),
    "resolution": N_("Resolution rate (%)"),
    "satisfaction": N_("Satisfaction rate (%)"),
    "on_time": N_("On-time rate (%)"),
    "reopen": N_("Reopen rate (%)"),
    "first_contact": N_("First-contact resolution (%)"),
    "avg_handling_hours": N_("Average handling time (hours)"),
    "p90_handling_hours": N_("90th percentile handling time (hours)"),
}
_BY_KEY_FIGURES = (
    "volume",
    "response",
    "on_time",
    "resolution",
    "satisfaction",
    "avg_handling_hours",
    "overdue",
    "unjustified_returns",
)


def pct(value: float | None) -> Cell:
    return None if value is None else round(value * 100, 1)


def _one(value: float | None) -> Cell:
    return None if value is None else round(value, 1)


def _cell(figures: Figures, name: str) -> Cell:
    value = getattr(figures, name)
    if isinstance(value, RateFigure):
        return pct(value.value)
    return _one(value) if isinstance(value, float) else value


class Namer:
    """Codes to names in the reader's language."""

    def __init__(self, names: Names, gettext: Gettext) -> None:
        self.names, self._ = names, gettext

    def label(self, kind: str, code: str) -> str:
        catalogue = labels.KINDS[kind]
        return self._(catalogue[code]) if code in catalogue else code

    def place(self, code: str | None) -> str:
        return self.names.places.get(code, code) if code else ""

    def category(self, code: str) -> str:
        return self.names.categories.get(code, code)

    def department(self, code: str) -> str:
        return self.names.departments.get(code, code)

    def figure_name(self, name: str) -> str:
        return self._(FIGURE_NAMES[name])

    def zone(self, zone: str | None) -> str:
        return self._(ZONES[zone]) if zone else self._("Not ranked")

    def reasons(self, result: DepartmentEvaluation) -> str:
        return "；".join(reason.render(self._(REASON_TEXTS[reason.code])) for reason in result.reasons)


def _by_key(
    key: str,
    title: str,
    first: str,
    rows: list[Figures],
    name: Callable[[str], str],
    n: Namer,
    city: Figures | None,
) -> Table:
    _ = n._
    table = Table(
        key=key,
        title=_(title),
        columns=[_(first)] + [_(FIGURE_NAMES[f]) for f in _BY_KEY_FIGURES],
        chart=Chart("bar", [1], skip_first=city is not None, rows=15),
    )
    if city is not None:
        table.rows.append([_("Whole city"), *(_cell(city, f) for f in _BY_KEY_FIGURES)])
    table.rows += [[name(r.key), *(_cell(r, f) for f in _BY_KEY_FIGURES)] for r in rows]
    return table


def _summary(city: Figures, n: Namer) -> Table:
    _ = n._
    return Table(
        key="summary",
        title=_("The whole city"),
        columns=[_("Figure"), _("Value")],
        rows=[[_(label), _cell(city, name)] for name, label in FIGURE_NAMES.items()],
    )


def _changes(changes: list[Change], n: Namer) -> Table:
    _ = n._
    table = Table(
        key="changes",
        title=_("Week over week"),
        columns=[_("Figure"), _("This week"), _("Previous week"), _("Change"), _("Change (%)")],
        note=_("Rates change in percentage points; counts and hours also in percent of the previous week."),
    )
    for c in changes:
        convert = pct if c.unit == "rate" else _one
        table.rows.append(
            [
                _(FIGURE_NAMES[c.figure]),
                convert(c.current),
                convert(c.previous),
                convert(c.change),
                pct(c.relative),
            ]
        )
    return table


def _ranked(
    key: str, title: str, first: str, rows: list[Ranked], name: Callable[[str], str], n: Namer
) -> Table:
    _ = n._
    return Table(
        key=key,
        title=_(title),
        columns=[_(first), _("Cases"), _("Previous period"), _("Change")],
        rows=[[name(r.key), r.volume, r.previous_volume, r.change] for r in rows],
        chart=Chart("bar", [1, 2]),
    )


def _warnings(warnings: ReportWarnings, n: Namer) -> list[Table]:
    _ = n._
    return [
        Table(
            key="spikes",
            title=_("Spikes"),
            columns=[_("Category"), _("Place"), _("Cases in 24 hours"), _("Threshold")],
            rows=[
                [
                    n.category(s.category),
                    " ".join(filter(None, [n.place(s.district), n.place(s.street)])),
                    s.count,
                    _one(s.threshold),
                ]
                for s in warnings.spikes
            ],
        ),
        Table(
            key="repeat_places",
            title=_("Places that keep coming back"),
            columns=[_("Place"), _("Address"), _("Cases"), _("Category")],
            rows=[
                [
                    " ".join(filter(None, [n.place(r.district), n.place(r.street)])),
                    r.address,
                    r.count,
                    "、".join(n.category(code) for code, _count in r.categories[:3]),
                ]
                for r in warnings.repeat_places
            ],
        ),
        Table(
            key="clusters",
            title=_("Clusters of similar appeals"),
            columns=[_("Top terms"), _("Cases"), _("Places"), _("Category")],
            rows=[
                [
                    "、".join(c.top_terms[:6]),
                    c.size,
                    "、".join(n.place(p.street or p.district) for p in c.places[:3]),
                    "、".join(n.category(code) for code, _count in c.categories[:3]),
                ]
                for c in warnings.clusters
            ],
        ),
    ]


def daily(content: DailyReport, n: Namer) -> list[Table]:
    _ = n._
    overdue = Table(
        key="overdue",
        title=_("Overdue now"),
        columns=[_("Department"), _("Overdue tasks")],
        rows=[[n.department(c.key), c.count] for c in content.overdue_now.by_department],
        note=_("%(count)s open cases past their due time when the report was made.")
        % {"count": content.overdue_now.cases},
    )
    return [
        _summary(content.city, n),
        _by_key(
            "channel",
            N_("By channel"),
            N_("Channel"),
            content.by_channel,
            lambda k: n.label("channel", k),
            n,
            content.city,
        ),
        _by_key(
            "district",
            N_("By district or county"),
            N_("District"),
            content.by_district,
            n.place,
            n,
            content.city,
        ),
        overdue,
    ]


def weekly(content: WeeklyReport, n: Namer) -> list[Table]:
    return [
        _changes(content.changes, n),
        _ranked("categories", N_("Top categories"), N_("Category"), content.top_categories, n.category, n),
        _ranked("places", N_("Top places"), N_("Street or town"), content.top_places, n.place, n),
        *_warnings(content.warnings, n),
    ]


def _ranking(results: list[DepartmentEvaluation], key: str, title: str, n: Namer) -> Table:
    _ = n._
    return Table(
        key=key,
        title=_(title),
        columns=[_("Department"), _("Rank"), _("Score"), _("Zone"), _("Reasons")],
        rows=[
            [n.department(r.department), r.rank, _one(r.score), n.zone(r.zone), n.reasons(r)] for r in results
        ],
    )


def monthly(content: MonthlyReport, n: Namer) -> list[Table]:
    _ = n._
    ranking = _ranking(content.evaluation, "ranking", N_("Ranking"), n)
    ranking.chart = Chart("bar", [2], rows=30)  # the scores of the ranked departments
    classes = Table(
        key="classes",
        title=_("One class of cases fixed"),
        columns=[_("Proactive case"), _("Title"), _("Cases answered"), _("Member cases")],
        rows=[
            [p.case_number, p.title or "", len(p.members), "、".join(m.case_number for m in p.members)]
            for p in content.classes_of_cases
        ],
    )
    typical = Table(
        key="typical",
        title=_("Typical cases"),
        columns=[_("Title"), _("Category"), _("District")],
        rows=[
            [t.title, n.category(t.category_code), n.place(t.district_code)] for t in content.typical_cases
        ],
    )
    tables = [
        _summary(content.city, n),
        ranking,
        _ranking(content.ten_best, "ten_best", N_("Ten best"), n),
        _ranking(content.ten_worst_candidates, "ten_worst", N_("Ten-worst candidates"), n),
        _by_key(
            "department", N_("By department"), N_("Department"), content.by_department, n.department, n, None
        ),
        _by_key(
            "district",
            N_("By district or county"),
            N_("District"),
            content.by_district,
            n.place,
            n,
            content.city,
        ),
        *_warnings(content.warnings, n),
        classes,
        typical,
    ]
    return tables


def annual(content: AnnualReport, n: Namer) -> list[Table]:
    _ = n._
    months = Table(
        key="months",
        title=_("Month by month"),
        columns=[
            _("Month"),
            n.figure_name("volume"),
            n.figure_name("response"),
            n.figure_name("resolution"),
            n.figure_name("satisfaction"),
            n.figure_name("deferred"),
        ],
        rows=[
            [
                m.month,
                m.figures.volume,
                pct(m.figures.response.value),
                pct(m.figures.resolution.value),
                pct(m.figures.satisfaction.value),
                m.deferred_at_end,
            ]
            for m in content.months
        ],
        chart=Chart("line", [1]),
    )
    rates = Table(
        key="rates",
        title=_("Rates month by month"),
        columns=months.columns[:1] + months.columns[2:5],
        rows=[r[:1] + r[2:5] for r in months.rows],
        chart=Chart("line", [1, 2, 3]),
    )
    zones = Table(
        key="zones",
        title=_("Zones over the year"),
        columns=[_("Department")] + [m.month[5:] for m in content.months],
        rows=[
            [n.department(z.department), *(n.zone(zone) if zone else "" for zone in z.zones)]
            for z in content.zones
        ],
    )
    return [_summary(content.totals, n), months, rates, zones]


BUILDERS: dict[str, Callable[[Any, Namer], list[Table]]] = {
    "daily": daily,
    "weekly": weekly,
    "monthly": monthly,
    "annual": annual,
}


def tables(content: Any, names: Names, gettext: Gettext) -> list[Table]:
    return BUILDERS[content.kind](content, Namer(names, gettext))


def to_csv(tables: list[Table]) -> str:
    """Every table one after the other: its title, its header, its rows, a blank line. With a BOM, so
    that spreadsheet programs read the Chinese as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([["" if c is None else c for c in row] for row in table.rows])
        writer.writerow([])
    return out.getvalue()


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table (named by its title), the header in the first row."""
    book = Workbook()
    book.remove(book.worksheets[0])
    used: set[str] = set()
    for table in tables:
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or table.key
        while name in used:
            name += "+"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
