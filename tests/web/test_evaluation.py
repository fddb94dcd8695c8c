"""The leaders' evaluation pages: a month's ranking with zones, the ten best and the ten-worst candidates
with their reasons, and a department's zone history — in Chinese and in English; readers only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from hotline import evaluation
from hotline.db import SessionFactory
from hotline.settings import Settings
from tests.evaluation.data import department_month
from web.routes.evaluation import REASONS

NOW = datetime(2005, 8, 1, 12, tzinfo=UTC)


async def _evaluate(sessions: SessionFactory, settings: Settings, month: int) -> None:
    async with sessions() as session:
        await evaluation.run(session=session, year=2005, month=month, settings=settings, now=NOW)


async def test_the_month_page_shows_ranking_lists_and_reasons_in_chinese_and_english(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, settings: Settings
) -> None:
    for month in (5, 6, 7):
        await department_month(sessions, "city.transport", 2005, month, good=False)
    await department_month(sessions, "company.gas", 2005, 7, good=True)
    await department_month(sessions, "company.heating", 2005, 7, good=True, unjustified=2)
    for month in (5, 6, 7):
        await _evaluate(sessions, settings, month)
    headers = await login("analyst")

    page = await api.get("/reports/evaluation", params={"month": "2005-07"}, headers=headers)
    assert page.status_code == 200
    text = page.text
    for expected in (
        "承办单位月度考评",
        "十佳",
        "“十差”候选",
        "连续 3 个月列入红区：2005-05, 2005-06, 2005-07",
        "本月无故退单 2 次",
        "列入10佳：第 1 名",
        'class="zone zone-red"',
        'href="/reports/evaluation/departments/city.transport"',
        'id="evaluation-data"',
        "echarts.common.min.js",
    ):
        assert expected in text, expected
    best = text[text.index('id="ten-best"') : text.index('id="ten-worst"')]
    assert "company.gas" in best and "company.heating" not in best
    worst = text[text.index('id="ten-worst"') : text.index('id="ranking"')]
    assert worst.index("city.transport") < worst.index("company.heating")  # worst first

    english = await api.get("/reports/evaluation", params={"month": "2005-07", "lang": "en"}, headers=headers)
    for expected in (
        "Monthly evaluation of departments",
        "Ten-worst candidates",
        "Red zone 3 months in a row: 2005-05, 2005-06, 2005-07",
        "2 unjustified returns this month",
        "Green zone",
    ):
        assert expected in english.text, expected

    history = await api.get(
        "/reports/evaluation/departments/city.transport", params={"lang": "zh_CN"}, headers=headers
    )
    assert history.status_code == 200
    rows = history.text[history.text.index('id="zone-history"') :]
    assert [m for m in ("2005-05", "2005-06", "2005-07") if f"?month={m}" in rows] == [
        "2005-05",
        "2005-06",
        "2005-07",
    ]
    assert rows.count('class="zone zone-red"') == 3 and "分区历史" in history.text


async def test_a_month_not_evaluated_says_so_and_a_wrong_month_is_refused(
    api: httpx.AsyncClient, login: Any
) -> None:
    headers = await login("supervisor1")
    page = await api.get("/reports/evaluation", params={"month": "2005-11"}, headers=headers)
    assert page.status_code == 200 and "2005-11 尚未考评。" in page.text
    assert (
        await api.get("/reports/evaluation", params={"month": "2005-13"}, headers=headers)
    ).status_code == 422
    missing = await api.get("/reports/evaluation/departments/no.such", headers=headers)
    assert missing.status_code == 404


async def test_only_readers_open_the_pages_and_the_reports_page_links_them(
    api: httpx.AsyncClient, login: Any
) -> None:
    department = await login("water")
    assert (await api.get("/reports/evaluation", headers=department)).status_code == 403
    assert (
        await api.get("/reports/evaluation/departments/company.water", headers=department)
    ).status_code == 403
    reports = await api.get("/reports", headers=await login("admin"))
    assert 'href="/reports/evaluation"' in reports.text


def test_the_pages_translate_every_reason_the_evaluation_gives() -> None:
    assert REASONS == evaluation.REASON_TEXTS
