"""The periodic reports (日报告 周分析 月通报 年总结) as pages: one report's tables and charts, its versions,
the CSV and XLSX downloads of the same tables, and the button that makes one now.

    GET  /reports/{kind}/{period}            the latest version (or ?version=N), with the list of versions
    GET  /reports/{kind}/{period}.csv|.xlsx  its tables (web/report_tables.py)
    POST /reports/{kind}/run                 make the period's report now (analyst, supervisor, admin)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep, SettingsDep
from hotline import directory, report_content, report_periods, report_store
from hotline.auth import Principal
from hotline.db import SessionFactory
from hotline.enums import Role
from hotline.models import Report
from hotline.report_periods import GeneratedBy, ReportKind, ReportPeriod
from web import csrf, report_tables
from web.i18n import N_
from web.render import gettext_for, page_allow, redirect, render

router = APIRouter(include_in_schema=False)

READERS = (Role.DISPATCHER, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
MAKERS = (Role.ANALYST, Role.SUPERVISOR, Role.ADMIN)
Reader = Annotated[Principal, page_allow(*READERS)]
Maker = Annotated[Principal, page_allow(*MAKERS)]
Version = Annotated[int | None, Query(ge=1)]

KIND_TITLES = {
    ReportKind.DAILY: N_("Daily report"),
    ReportKind.WEEKLY: N_("Weekly analysis"),
    ReportKind.MONTHLY: N_("Monthly bulletin"),
    ReportKind.ANNUAL: N_("Annual summary"),
}


async def _tables(
    request: Request, session: SessionDep, kind: ReportKind, period: str, version: int | None
) -> tuple[ReportPeriod, Report, list[report_tables.Table]]:
    chosen = report_periods.parse(kind, period)
    row = await report_store.get(session=session, period=chosen, version=version)
    content = report_content.load(row.content)
    names = await directory.names(session=session)
    return chosen, row, report_tables.tables(content, names, gettext_for(request))


def _filename(row: Report, suffix: str) -> dict[str, str]:
    name = f"report-{row.kind}-{row.period_key}-v{row.version}.{suffix}"
    return {"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"}


@router.get("/reports/{kind}/{period}.csv")
async def report_csv(
    request: Request,
    kind: ReportKind,
    period: str,
    user: Reader,
    session: SessionDep,
    version: Version = None,
) -> Response:
    _, row, tables = await _tables(request, session, kind, period, version)
    return Response(
        report_tables.to_csv(tables), media_type="text/csv; charset=utf-8", headers=_filename(row, "csv")
    )


@router.get("/reports/{kind}/{period}.xlsx")
async def report_xlsx(
    request: Request,
    kind: ReportKind,
    period: str,
    user: Reader,
    session: SessionDep,
    version: Version = None,
) -> Response:
    _, row, tables = await _tables(request, session, kind, period, version)
    return Response(
        report_tables.to_xlsx(tables),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_filename(row, "xlsx"),
    )


@router.get("/reports/{kind}/{period}", response_class=HTMLResponse)
async def report_page(
    request: Request,
    kind: ReportKind,
    period: str,
    user: Reader,
    session: SessionDep,
    version: Version = None,
) -> HTMLResponse:
    chosen, row, tables = await _tables(request, session, kind, period, version)
    charts = [data for data in (t.chart_data() for t in tables) if data is not None]
    return render(
        request,
        "reports/report.html",
        kind=kind,
        kind_title=gettext_for(request)(KIND_TITLES[kind]),
        period=chosen,
        report=row,
        versions=await report_store.versions(session=session, period=chosen),
        tables=tables,
        charts=charts,
        can_run=user.role in MAKERS,
        previous=chosen.previous().key,
        next=report_periods.containing(kind, chosen.end).key,
    )


@router.post("/reports/{kind}/run", dependencies=[Depends(csrf.check)])
async def run_report(
    request: Request,
    kind: ReportKind,
    user: Maker,
    settings: SettingsDep,
    period: Annotated[str, Form()],
) -> Response:
    chosen = report_periods.parse(kind, period)
    sessions: SessionFactory = request.app.state.sessions
    await report_store.generate(
        sessions=sessions,
        settings=settings,
        period=chosen,
        now=datetime.now(UTC),
        generated_by=GeneratedBy.USER,
        requested_by=user.username,
    )
    return redirect(f"/reports/{kind.value}/{chosen.key}")


async def latest(session: SessionDep) -> list[tuple[ReportKind, str, list[report_store.LatestPeriod]]]:
    """Each kind with its latest periods, for the reports overview."""
    return [
        (kind, title, await report_store.latest_periods(session=session, kind=kind))
        for kind, title in KIND_TITLES.items()
    ]
