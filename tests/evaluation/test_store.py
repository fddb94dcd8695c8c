"""The evaluation from the read model, stored and versioned: three hand-made months in 2003 (a year no
other test writes to), answers worked out by hand (tests/evaluation/data.py: good → 100, bad → 0)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline import evaluation
from hotline.db import SessionFactory
from hotline.errors import Invalid
from hotline.evaluation import Zone
from hotline.settings import Settings
from tests.evaluation.data import department_month

NOW = datetime(2003, 4, 1, 18, tzinfo=UTC)


async def _run(
    sessions: SessionFactory, settings: Settings, month: int, **kwargs: str
) -> list[evaluation.DepartmentEvaluation]:
    async with sessions() as session:
        return await evaluation.run(
            session=session, year=2003, month=month, settings=settings, now=NOW, **kwargs
        )


async def test_three_red_months_and_unjustified_returns_from_the_read_model(
    sessions: SessionFactory, settings: Settings
) -> None:
    plan = {
        "gov.chengdong": ("bad", "bad", "bad"),  # red three months in a row
        "gov.chengxi": ("bad", "good", "bad"),  # red twice, not in a row
    }
    for month in (1, 2, 3):
        for department, quality in plan.items():
            await department_month(sessions, department, 2003, month, good=quality[month - 1] == "good")
    await department_month(sessions, "company.water", 2003, 3, good=True, unjustified=2)  # 90
    await department_month(sessions, "gov.chengbei", 2003, 3, good=True, unjustified=1)  # 95
    for month in (1, 2):
        await _run(sessions, settings, month)
    march = await _run(sessions, settings, 3)

    assert [(e.department, e.score, e.zone, e.rank) for e in march] == [
        ("gov.chengbei", 95.0, Zone.GREEN, 1),
        ("company.water", 90.0, Zone.GREEN, 2),
        ("gov.chengdong", 0.0, Zone.RED, 3),  # ties at 0 with the same volume: by code
        ("gov.chengxi", 0.0, Zone.RED, 4),
    ]
    by_code = {e.department: e for e in march}
    assert [e.department for e in evaluation.ten_worst_candidates(march)] == [
        "gov.chengdong",
        "company.water",
    ]
    assert (
        by_code["gov.chengdong"].reasons[-1].text == "Red zone 3 months in a row: 2003-01, 2003-02, 2003-03"
    )
    assert by_code["company.water"].reasons[-1].text == "2 unjustified returns this month"
    assert not by_code["gov.chengxi"].ten_worst_candidate
    assert not by_code["gov.chengbei"].ten_worst_candidate
    assert [e.department for e in evaluation.ten_best(march)] == ["gov.chengbei"]
    assert by_code["gov.chengbei"].components == {
        "volume": 5,
        "response": 1.0,
        "on_time": 1.0,
        "resolution": 1.0,
        "satisfaction": 1.0,
        "unjustified_returns": 1,
        "overdue": 0,
        "returns": 1,
        "rate_points": 100.0,
        "penalty": 5.0,
    }

    async with sessions() as session:
        history = await evaluation.zone_history(session=session, department="gov.chengxi")
    assert [(p.month, p.zone) for p in history] == [
        ("2003-01", Zone.RED),
        ("2003-02", Zone.GREEN),
        ("2003-03", Zone.RED),
    ]


async def test_a_rerun_makes_a_new_version_and_keeps_the_old(
    sessions: SessionFactory, settings: Settings
) -> None:
    await department_month(sessions, "city.housing", 2003, 6, good=True)
    first = await _run(sessions, settings, 6)
    await department_month(sessions, "city.housing", 2003, 6, good=False)  # late data: 10 cases, half bad
    second = await _run(sessions, settings, 6)
    # 5/10 on every rate → 50 points, 5 overdue tasks → 45: red.
    assert (first[0].version, first[0].score) == (1, 100.0)
    assert (second[0].version, second[0].score, second[0].zone) == (2, 45.0, Zone.RED)
    async with sessions() as session:
        assert await evaluation.versions(session=session, year=2003, month=6) == [1, 2]
        latest = await evaluation.results(session=session, year=2003, month=6)
        old = await evaluation.results(session=session, year=2003, month=6, version=1)
        history = await evaluation.zone_history(session=session, department="city.housing")
    assert latest == second and old == first
    assert [(p.month, p.version, p.zone) for p in history] == [("2003-06", 2, Zone.RED)]


async def test_a_retried_run_finds_its_version(sessions: SessionFactory, settings: Settings) -> None:
    await department_month(sessions, "city.planning", 2003, 8, good=True)
    first = await _run(sessions, settings, 8, run_key="wf/run-1")
    again = await _run(sessions, settings, 8, run_key="wf/run-1")
    assert first == again and first[0].version == 1


async def test_an_unevaluated_month_has_no_results(sessions: SessionFactory) -> None:
    async with sessions() as session:
        assert await evaluation.results(session=session, year=2003, month=12) == []


def test_months_are_checked() -> None:
    assert evaluation.parse_month("2026-10") == (2026, 10)
    assert evaluation.previous_month(datetime(2026, 10, 31, 17, tzinfo=UTC), "Asia/Shanghai") == (2026, 10)
    assert evaluation.previous_month(datetime(2026, 1, 1, 0, tzinfo=UTC), "Asia/Shanghai") == (2025, 12)
    for wrong in ("2026-13", "October", "2026"):
        with pytest.raises(Invalid):
            evaluation.parse_month(wrong)
    with pytest.raises(Invalid):
        evaluation.require_over(
            2026, 10, now=datetime(2026, 10, 31, 15, tzinfo=UTC), timezone="Asia/Shanghai"
        )
    evaluation.require_over(2026, 10, now=datetime(2026, 10, 31, 16, tzinfo=UTC), timezone="Asia/Shanghai")
