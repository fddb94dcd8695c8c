"""The periodic reports' pages: the monthly bulletin in Chinese with the ranking, zones and warnings;
its CSV and XLSX downloads read back equal to the page's tables; the versions; the run button; the
overview listing the four kinds."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from hotline import evaluation, report_store
from hotline.db import SessionFactory
from hotline.models import Assignment
from hotline.report_periods import GeneratedBy, parse
from hotline.settings import Settings
from tests.reports import dataset
from tests.web.test_public import case_row

# June 2009: no other test writes there. Three appeals from one address (a place that keeps coming
# back), each led by the water company, whose tasks are signed for in time and replied on time.
MONTH = "2009-06"
NOW = datetime(2009, 7, 1, 3, tzinfo=UTC)


def _rows() -> list[Any]:
    rows: list[Any] = []
    for n in range(3):
        received = datetime(2009, 6, 20 + n, 2, tzinfo=UTC)
        case = case_row(
            case_number=f"RPG09-{n}",
            tracking_code=f"RPG09{n}",
            received_at=received,
            closed_at=received + timedelta(days=2),
            status="closed",
            rating="satisfied",
            resolved=True,
            close_reason="visited",
            lead_department_code="company.water",
            district_code="chengxi",
            street_code="chengxi.xiguan",
            address="五四大街12号",
            category_code="water.pipe_burst",
        )
        task = Assignment(
            task_id=f"RPG09-{n}-T1",
            case_number=case.case_number,
            department_code="company.water",
            role="lead",
            status="replied",
            assigned_at=received + timedelta(minutes=10),
            signed_at=received + timedelta(minutes=20),
            replied_at=received + timedelta(hours=20),
            due_at=received + timedelta(days=1),
        )
        rows += [case, task]
    return rows


async def _bulletin(sessions: SessionFactory, settings: Settings) -> None:
    async with sessions() as session:
        if (await session.get(Assignment, "RPG09-0-T1")) is None:
            for row in _rows():
                session.add(row)
                await session.flush()
            await session.commit()
        lenient = settings.model_copy(update={"evaluation_min_volume": 1})
        await evaluation.run(session=session, year=2009, month=6, settings=lenient, now=NOW)
        await session.commit()
    await report_store.generate(
        sessions=sessions,
        settings=settings,
        period=parse("monthly", MONTH),
        now=NOW,
        generated_by=GeneratedBy.SCHEDULE,
    )


def _page_tables(page: str) -> dict[str, list[list[str]]]:
    tables = {}
    for key, body in re.findall(r'<table id="table-([\w]+)" class="report-data">(.*?)</table>', page, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([html.unescape(c).strip() for c in cells])
        tables[key] = rows
    return tables


async def test_the_monthly_bulletin_in_chinese(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, settings: Settings
) -> None:
    await _bulletin(sessions, settings)
    page = await api.get(f"/reports/monthly/{MONTH}", headers=await login("supervisor1"))
    assert page.status_code == 200, page.text
    text = page.text
    assert "月通报 · 2009-06" in text and "定时生成" in text
    for heading in ("排名", "十佳", "“十差”候选", "分承办单位", "分区县", "解决一类事", "典型案例"):
        assert f">{heading}</h2>" in text, heading
    tables = _page_tables(text)
    ranking = {row[0]: row for row in tables["ranking"][1:]}
    water = ranking["西宁供水（集团）有限责任公司"]
    assert (water[1], water[2], water[3]) == ("1", "100.0", "绿区") and "第 1 名" in water[4]
    # The three appeals from 五四大街12号 within 30 days: a place that keeps coming back.
    assert any(row[1] == "五四大街12号" and row[2] == "3" for row in tables["repeat_places"][1:])
    assert tables["summary"][1] == ["受理量", "3"]
    assert "/static/vendor/echarts-6.1.0/echarts.common.min.js" in text


def _value(cell: object) -> object:
    """A number as a number (the page writes 100.0, the workbook keeps 100), text as it is."""
    if cell is None:
        return ""
    try:
        return float(str(cell))
    except ValueError:
        return str(cell)


async def test_the_downloads_carry_the_pages_tables(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, settings: Settings
) -> None:
    await _bulletin(sessions, settings)
    headers = await login("analyst")
    tables = _page_tables((await api.get(f"/reports/monthly/{MONTH}", headers=headers)).text)

    exported = await api.get(f"/reports/monthly/{MONTH}.csv", headers=headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert re.search(r'filename="report-monthly-2009-06-v\d+\.csv"', exported.headers["content-disposition"])
    blocks = exported.content.decode("utf-8-sig").split("\r\n\r\n")
    read = [list(csv.reader(io.StringIO(block))) for block in blocks if block.strip()]
    assert len(read) == len(tables)
    for (key, rows), block in zip(tables.items(), read, strict=True):
        shown = [r for r in rows if not (len(r) == 1 and r[0] == "本期无数据。")]
        assert block[1:] == shown, key  # block[0] is the table's title

    workbook = await api.get(f"/reports/monthly/{MONTH}.xlsx", headers=headers)
    assert "report-monthly-2009-06" in workbook.headers["content-disposition"]
    book = load_workbook(io.BytesIO(workbook.content))
    assert len(book.worksheets) == len(tables)
    for (key, rows), sheet in zip(tables.items(), book.worksheets, strict=True):
        cells = [[_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        shown = [r for r in rows if not (len(r) == 1 and r[0] == "本期无数据。")]
        assert cells == [[_value(v) for v in row] for row in shown], key


async def test_versions_and_the_run_button(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, settings: Settings
) -> None:
    await _bulletin(sessions, settings)
    supervisor = await login("supervisor1")
    page = await api.get(f"/reports/monthly/{MONTH}", headers=supervisor)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None and "重新生成本报告" in page.text
    before = page.text.count('<li><a href="/reports/monthly/2009-06?version=')
    made = await api.post(
        "/reports/monthly/run", data={"period": MONTH, "csrf_token": token.group(1)}, headers=supervisor
    )
    assert made.status_code == 303 and made.headers["location"] == f"/reports/monthly/{MONTH}"
    again = await api.get(f"/reports/monthly/{MONTH}", headers=supervisor)
    assert again.text.count('<li><a href="/reports/monthly/2009-06?version=') == before + 1
    assert "由 supervisor1 手动生成" in again.text
    # Auditors read, and make none.
    auditor = await api.get(f"/reports/monthly/{MONTH}", headers=await login("auditor"))
    assert auditor.status_code == 200 and "重新生成本报告" not in auditor.text
    assert (await api.get(f"/reports/monthly/{MONTH}", headers=await login("water"))).status_code == 403
    assert (await api.get("/reports/monthly/1901-01", headers=supervisor)).status_code == 404

    overview = await api.get("/reports", headers=supervisor)
    assert "日报告、周分析、月通报、年总结" in overview.text
    assert f'href="/reports/monthly/{MONTH}"' in overview.text or "月通报" in overview.text


@pytest.mark.parametrize(
    ("kind", "period", "shown"),
    [
        (
            "daily",
            "2009-03-11",
            ["日报告 · 2009-03-11", "分渠道", "当前超期", "西宁供水（集团）有限责任公司"],
        ),
        ("weekly", "2009-W11", ["周分析 · 2009-W11", "周环比", "高发诉求类别", "东关大街街道"]),
        ("annual", "2009", ["年总结 · 2009", "逐月情况", "全年分区情况", "2009-03"]),
    ],
)
async def test_the_other_kinds_pages(
    api: httpx.AsyncClient,
    login: Any,
    sessions: SessionFactory,
    settings: Settings,
    kind: str,
    period: str,
    shown: list[str],
) -> None:
    await dataset.load(sessions)
    await report_store.generate(
        sessions=sessions,
        settings=settings,
        period=parse(kind, period),
        now=dataset.NOW,
        generated_by=GeneratedBy.SCHEDULE,
    )
    page = await api.get(f"/reports/{kind}/{period}", headers=await login("analyst"))
    assert page.status_code == 200, page.text
    for text in shown:
        assert text in page.text, text
    assert (
        await api.get(f"/reports/{kind}/{period}.xlsx", headers=await login("analyst"))
    ).status_code == 200
