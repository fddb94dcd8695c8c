"""评 for leaders: a month's evaluation of departments (ranking, zones, the ten best, the ten-worst
candidates and why) and each department's zone history, with ECharts charts of the scores.

Everything shown comes from hotline.evaluation; this module only names and translates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, SettingsDep
from hotline import directory, evaluation
from hotline.auth import Principal
from hotline.enums import Role
from hotline.errors import NotFound
from hotline.evaluation import DepartmentEvaluation, Reason, Zone
from web.i18n import N_
from web.render import gettext_for, page_allow, render

router = APIRouter(include_in_schema=False)

READERS = (Role.DISPATCHER, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
Reader = Annotated[Principal, page_allow(*READERS)]

# The same texts as hotline.evaluation.REASON_TEXTS (a test keeps them equal), marked for translation.
REASONS = {
    "green": N_("Score %(score)s, at or above %(green)s: green zone"),
    "yellow": N_("Score %(score)s, from %(red)s up to %(green)s: yellow zone"),
    "red": N_("Score %(score)s, below %(red)s: red zone"),
    "no_score": N_("No score: none of the rates has data this month"),
    "low_volume": N_("Not ranked: %(volume)s cases this month, fewer than %(minimum)s"),
    "best": N_("Among the %(count)s best: rank %(rank)s"),
    "red_run": N_("Red zone %(count)s months in a row: %(months)s"),
    "unjustified_returns": N_("%(count)s unjustified returns this month"),
}
ZONES = {Zone.GREEN: N_("Green zone"), Zone.YELLOW: N_("Yellow zone"), Zone.RED: N_("Red zone")}


@dataclass(frozen=True)
class Line:
    """One department's evaluation, named and translated for the page."""

    evaluation: DepartmentEvaluation
    name: str
    zone: str
    reasons: list[str]


def _lines(request: Request, found: list[DepartmentEvaluation], names: dict[str, str]) -> list[Line]:
    gettext = gettext_for(request)

    def reason(r: Reason) -> str:
        return r.render(gettext(REASONS[r.code])) if r.code in REASONS else r.text

    return [
        Line(
            evaluation=e,
            name=names.get(e.department, e.department),
            zone=gettext(ZONES[e.zone]) if e.zone else gettext(N_("Not ranked")),
            reasons=[reason(r) for r in e.reasons],
        )
        for e in found
    ]


def _chart(kind: str, labels: list[str], lines: list[Any], settings: Any, series: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "series": series,
        "labels": labels,
        "values": [line.score for line in lines],
        "zones": [line.zone.value if line.zone else None for line in lines],
        "green": settings.evaluation_green_from,
        "red": settings.evaluation_red_below,
    }


@router.get("/reports/evaluation", response_class=HTMLResponse)
async def month_page(
    request: Request,
    user: Reader,
    session: SessionDep,
    settings: SettingsDep,
    month: Annotated[str | None, Query(description="YYYY-MM; the month before this one if left out")] = None,
) -> HTMLResponse:
    year, number = (
        evaluation.parse_month(month)
        if month
        else evaluation.previous_month(datetime.now(UTC), settings.timezone)
    )
    found = await evaluation.results(session=session, year=year, month=number)
    names = (await directory.names(session=session)).departments
    lines = _lines(request, found, names)
    by_code = {line.evaluation.department: line for line in lines}
    ranked = [line for line in lines if line.evaluation.score is not None and line.evaluation.rank]
    gettext = gettext_for(request)
    return render(
        request,
        "evaluation/month.html",
        month=evaluation.month_key(year, number),
        previous=evaluation.month_key(*evaluation.shift_month(year, number, -1)),
        following=evaluation.month_key(*evaluation.shift_month(year, number, 1)),
        head=found[0] if found else None,
        lines=lines,
        best=[by_code[e.department] for e in evaluation.ten_best(found)],
        worst=[by_code[e.department] for e in evaluation.ten_worst_candidates(found)],
        settings=settings,
        chart=_chart(
            "bar",
            [line.name for line in ranked],
            [line.evaluation for line in ranked],
            settings,
            gettext(N_("Score")),
        ),
    )


@router.get("/reports/evaluation/departments/{code}", response_class=HTMLResponse)
async def department_page(
    request: Request, code: str, user: Reader, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    names = (await directory.names(session=session)).departments
    if code not in names:
        raise NotFound("department_not_found", f"No department {code}.")
    history = await evaluation.zone_history(session=session, department=code)
    gettext = gettext_for(request)
    zones = [gettext(ZONES[p.zone]) if p.zone else gettext(N_("Not ranked")) for p in history]
    return render(
        request,
        "evaluation/department.html",
        code=code,
        name=names[code],
        history=list(zip(history, zones, strict=True)),
        settings=settings,
        chart=_chart("line", [p.month for p in history], history, settings, gettext(N_("Score"))),
    )
