"""The reports area: GROUP BY counts on a hand-made month, who may open the page, and the page's
embedded chart data and tables named in the reader's language."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hotline import reports
from hotline.db import SessionFactory
from tests.web.test_public import case_row

# A month no other test writes to. 2002-06-10 17:30 UTC is 06-11 01:30 in Xining.
NOW = datetime(2002, 6, 30, 12, tzinfo=UTC)
LATE_EVENING_UTC = datetime(2002, 6, 10, 17, 30, tzinfo=UTC)


async def test_counts_group_cases_received_in_the_window(sessions: SessionFactory) -> None:
    rows = [
        case_row(received_at=LATE_EVENING_UTC, status="handling", channel="web", district_code="chengxi"),
        case_row(received_at=LATE_EVENING_UTC, status="handling", channel="hotline", district_code="chengxi"),
        case_row(received_at=datetime(2002, 6, 10, 3, tzinfo=UTC), status="closed", channel="hotline"),
        case_row(received_at=datetime(2002, 6, 29, 9, tzinfo=UTC), status="visiting", channel="hotline"),
        case_row(received_at=datetime(2002, 5, 1, tzinfo=UTC), status="closed"),  # before the window
    ]
    async with sessions() as session:
        session.add_all(rows)
        await session.commit()
        window = reports.Window.last_days(now=NOW, days=30, timezone="Asia/Shanghai")
        by_status = await reports.by_status(session=session, window=window)
        by_channel = await reports.by_channel(session=session, window=window)
        by_district = await reports.by_district(session=session, window=window)
        daily = await reports.daily_intake(session=session, window=window)

    assert [(c.key, c.count) for c in by_status] == [("handling", 2), ("visiting", 1), ("closed", 1)]
    assert [(c.key, c.count) for c in by_channel] == [("hotline", 3), ("web", 1)]
    districts = {c.key: c.count for c in by_district}
    assert districts["chengxi"] == 2 and districts["chengdong"] == 2 and districts["datong"] == 0
    assert [c.key for c in by_district][:2] == ["chengdong", "chengzhong"]  # the city's own order
    days = {c.key: c.count for c in daily}
    assert len(daily) == 30 and daily[0].key == "2002-06-01" and daily[-1].key == "2002-06-30"
    assert days["2002-06-10"] == 1 and days["2002-06-11"] == 2 and days["2002-06-29"] == 1
    assert sum(days.values()) == 4


@pytest.mark.parametrize("username", ["dispatcher", "supervisor1", "auditor", "analyst", "admin"])
async def test_the_reading_roles_open_the_reports(api: httpx.AsyncClient, login: Any, username: str) -> None:
    response = await api.get("/reports", headers=await login(username))
    assert response.status_code == 200 and "统计报表" in response.text


async def test_other_roles_and_anonymous_users_cannot(api: httpx.AsyncClient, login: Any) -> None:
    department = await api.get("/reports", headers=await login("water"))
    visitor = await api.get("/reports", headers=await login("visitor"))
    anonymous = await api.get("/reports")
    assert department.status_code == 403 and visitor.status_code == 403
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"


def _chart_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert match is not None
    return dict(json.loads(match.group(1)))


async def test_the_page_embeds_each_sections_numbers_and_shows_them_as_tables(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    recent = datetime.now(UTC) - timedelta(hours=1)
    async with sessions() as session:
        session.add(case_row(received_at=recent, status="deferred", channel="evening_news"))
        await session.commit()
    page = await api.get("/reports", headers=await login("analyst"))
    data = _chart_data(page.text)
    sections = {s["key"]: s for s in data["sections"]}
    assert list(sections) == ["status", "district", "channel", "daily"]
    assert data["series"] == "工单数"
    channel = sections["channel"]
    assert channel["chart"] == "pie" and channel["values"][channel["labels"].index("西宁晚报")] >= 1
    assert "挂账" in sections["status"]["labels"]  # status names from the catalogue
    assert "城东区" in sections["district"]["labels"] and len(sections["daily"]["values"]) == 30
    assert sum(sections["daily"]["values"]) == sum(sections["status"]["values"])
    assert '<th scope="row">西宁晚报</th>' in page.text  # the same numbers as a table
    assert "/static/vendor/echarts-6.1.0/echarts.common.min.js" in page.text
    english = await api.get("/reports", params={"lang": "en"}, headers=await login("analyst"))
    assert "Xining Evening News" in _chart_data(english.text)["sections"][2]["labels"]


async def test_the_chart_script_is_served(api: httpx.AsyncClient) -> None:
    script = await api.get("/static/reports.js")
    library = await api.get("/static/vendor/echarts-6.1.0/echarts.common.min.js")
    assert script.status_code == 200 and "report-data" in script.text
    assert library.status_code == 200
