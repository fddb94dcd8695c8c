"""The reports area: a list of sections, each a count from hotline.reports drawn as an ECharts chart
(served locally) and shown as a plain table of the same numbers (for screen readers and without JS).

A new report is one more `Section`: a title, the chart's kind, how its keys are named, and the query.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from babel.dates import format_skeleton
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import SessionDep, SettingsDep
from hotline import directory, reports
from hotline.auth import Principal
from hotline.enums import Role
from web import labels
from web.i18n import N_
from web.render import gettext_for, locale_of, page_allow, render
from web.routes import report_pages

router = APIRouter(include_in_schema=False)

READERS = (Role.DISPATCHER, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
Reader = Annotated[Principal, page_allow(*READERS)]
PERIOD_DAYS = 30

Counter = Callable[..., Awaitable[list[reports.Count]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # an English msgid
    chart: Literal["bar", "pie", "line"]
    # How the keys are named: a kind from web.labels (status, channel …), "district" or "date".
    names: str
    count: Counter


SECTIONS = (
    Section("status", N_("Cases by status"), "bar", "status", reports.by_status),
    Section("district", N_("Cases by district or county"), "bar", "district", reports.by_district),
    Section("channel", N_("Cases by channel"), "pie", "channel", reports.by_channel),
    Section("daily", N_("Cases received per day"), "line", "date", reports.daily_intake),
)


@dataclass(frozen=True)
class Figure:
    """A section's numbers, named in the reader's language; what the page's table and chart show."""

    key: str
    title: str
    chart: str
    rows: list[tuple[str, int]]
    total: int

    def chart_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart,
            "labels": [name for name, _ in self.rows],
            "values": [count for _, count in self.rows],
        }


def _namer(request: Request, places: dict[str, str], kind: str) -> Callable[[str], str]:
    gettext, locale = gettext_for(request), locale_of(request)
    if kind == "district":
        return lambda code: places.get(code, code)
    if kind == "date":
        return lambda day: format_skeleton("MMMd", date.fromisoformat(day), locale=locale)
    names = labels.KINDS[kind]
    return lambda code: gettext(names[code]) if code in names else code


async def figures(request: Request, *, session: AsyncSession, window: reports.Window) -> list[Figure]:
    places = (await directory.names(session=session)).places
    result = []
    for section in SECTIONS:
        name = _namer(request, places, section.names)
        counts = await section.count(session=session, window=window)
        rows = [(name(c.key), c.count) for c in counts]
        result.append(
            Figure(
                key=section.key,
                title=gettext_for(request)(section.title),
                chart=section.chart,
                rows=rows,
                total=sum(n for _, n in rows),
            )
        )
    return result


@router.get("/reports", response_class=HTMLResponse)
async def overview(
    request: Request, user: Reader, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    window = reports.Window.last_days(now=datetime.now(UTC), days=PERIOD_DAYS, timezone=settings.timezone)
    shown = await figures(request, session=session, window=window)
    return render(
        request,
        "reports/index.html",
        window=window,
        days=PERIOD_DAYS,
        figures=shown,
        charts=[f.chart_data() for f in shown],
        periodic=await report_pages.latest(session),
        can_run=user.role in report_pages.MAKERS,
    )
