"""hotline.metrics on a hand-made June 1996 (Asia/Shanghai), every figure worked out by hand below.

The formulas are those of docs/metrics.md. The rows are inserted directly; June 1996 is written by no
other test, so the city-wide figures are exactly these rows. Runs on SQLite and on PostgreSQL.

Period: June 1996 in Asia/Shanghai = [1996-05-31 16:00 UTC, 1996-06-30 16:00 UTC). All times below UTC.
W = company.water, G = gov.chengxi (departments); 东 = chengdong, 西 = chengxi (districts).

Cases (received → closed; lead; district; channel; what it covers):
  C1  Jun 2 → Jun 5, visited, resolved, 满意;                 W 东 hotline
  C2  Jun 3 → Jun 9, visited, resolved, 基本满意, reopened once; W 东 hotline
  C3  Jun 4 → Jun 10, supervisor's close, unresolved, 不满意, reopened twice; G 西 web
  C4  Jun 5 → Jun 12, unreachable (无法联系), no answer;          G 西 hotline
  C5  Jun 6 → Jun 7, withdrawn (撤单) with an earlier answer "resolved, 满意" that must not count; W 东 web
  C6  Jun 2 06:00 → Jun 6, merged duplicate of C1 (并单), visited, resolved, 满意, no task; W 东 hotline
  C7  Jun 8, deferred (挂账) Jun 9 until July;                  G 西 hotline
  C8  May 20 (before June), deferral refused May 25, approved Jun 1, ended Jun 15; W 东
  C9  Jun 11 → Jun 11 00:30, a consultation answered at intake (直接办结), no lead; 东 hotline
  C10 Jun 12, handling: W returned it (justified), re-routed to G; G 东 web
  C11 Jun 13, handling: G returned it without reason (无故退单), reissued to G, now overdue; G 西 hotline
  C12 Jun 20 → Jul 3 (closed after June); W 东 hotline
  C13 May 25 (before June) → Jun 3, visited, unresolved, 不满意; W 东 hotline

Tasks (assigned; signed; due; replied; status):
  t1   C1  W Jun 2 01:00, in time, due Jun 4, replied Jun 3                  on time
  t2a  C2  W Jun 3 01:00, in time, due Jun 5, replied Jun 6, overdue         late
  t2b  C2  W Jun 7 00:00, in time, due Jun 8, replied Jun 7 12:00            on time
  t3   C3  G Jun 4 01:00, signed LATE, due Jun 6, replied Jun 5              on time
  t4   C4  G Jun 5 01:00, in time, due Jun 9 (extended from Jun 7), replied Jun 8   on time
  t5   C5  W Jun 6 01:00, in time, void (the case was withdrawn)
  t7   C7  G Jun 8 01:00, in time, void (withdrawn by the deferral)
  t8   C8  W May 20 01:00 — before June: in no task figure
  t10a C10 W Jun 12 01:00, in time, returned, justified
  t10b C10 G Jun 12 05:00, in time, due Jun 30, not replied yet               undecided
  t11a C11 G Jun 13 01:00, window passed unsigned (late), returned, UNjustified
  t11b C11 G Jun 14 00:00, in time, due Jun 16, not replied, overdue         late
  t12  C12 W Jun 20 01:00, open within its window                           undecided
  t13  C13 W May 25 01:00 — before June; replied May 28 (C13's last reply)
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import delete

from hotline import headlines, metrics
from hotline.db import SessionFactory
from hotline.metrics import Dimension, MetricRow, Period
from hotline.models import Assignment, Case, CaseEvent
from hotline.settings import Settings

TZ = "Asia/Shanghai"
JUNE = Period.month(1996, 6, TZ)
W, G = "company.water", "gov.chengxi"


def at(day: int, hour: int = 0, minute: int = 0, month: int = 6) -> datetime:
    return datetime(1996, month, day, hour, minute, tzinfo=UTC)


def _case(name: str, received: datetime, **fields: Any) -> Case:
    defaults: dict[str, Any] = {
        "case_number": f"XM{name}{uuid.uuid4().hex[:8].upper()}",
        "tracking_code": uuid.uuid4().hex[:10].upper(),
        "channel": "hotline",
        "appeal_type": "help",
        "status": "closed",
        "district_code": "chengdong",
        "category_code": "water.pipe_burst",
        "title": name,
        "content": name,
        "received_at": received,
        "updated_at": received,
    }
    return Case(**{**defaults, **fields})


def _task(case: Case, department: str, assigned: datetime, **fields: Any) -> Assignment:
    defaults: dict[str, Any] = {
        "task_id": uuid.uuid4().hex,
        "case_number": case.case_number,
        "department_code": department,
        "role": "lead",
        "status": "signed",
        "assigned_at": assigned,
        "due_at": assigned + timedelta(days=2),
        "signed_at": assigned + timedelta(minutes=20),
    }
    return Assignment(**{**defaults, **fields})


def _event(case: Case, seq: int, kind: str, when: datetime, data: dict[str, Any]) -> CaseEvent:
    return CaseEvent(
        case_number=case.case_number,
        seq=seq,
        kind=kind,
        occurred_at=when,
        actor_user="sup",
        actor_role="supervisor",
        summary=kind,
        data=data,
    )


def _month() -> list[Any]:
    visited = {"close_reason": "visited"}
    c1 = _case(
        "C1", at(2), lead_department_code=W, closed_at=at(5), resolved=True, rating="satisfied", **visited
    )
    c2 = _case(
        "C2",
        at(3),
        lead_department_code=W,
        closed_at=at(9),
        resolved=True,
        rating="basically_satisfied",
        reopen_count=1,
        **visited,
    )
    c3 = _case(
        "C3",
        at(4),
        lead_department_code=G,
        district_code="chengxi",
        channel="web",
        closed_at=at(10),
        close_reason="supervisor_decision",
        resolved=False,
        rating="dissatisfied",
        reopen_count=2,
    )
    c4 = _case(
        "C4",
        at(5),
        lead_department_code=G,
        district_code="chengxi",
        closed_at=at(12),
        close_reason="unreachable",
    )
    c5 = _case(
        "C5",
        at(6),
        lead_department_code=W,
        channel="web",
        closed_at=at(7),
        close_reason="withdrawn",
        resolved=True,
        rating="satisfied",
    )
    c6 = _case(
        "C6",
        at(2, 6),
        lead_department_code=W,
        closed_at=at(6),
        resolved=True,
        rating="satisfied",
        merged_into=c1.case_number,
        **visited,
    )
    c7 = _case(
        "C7",
        at(8),
        lead_department_code=G,
        district_code="chengxi",
        status="deferred",
        deferred_until=at(20, month=7),
    )
    c8 = _case("C8", at(20, month=5), lead_department_code=W, status="handling")
    c9 = _case(
        "C9", at(11), appeal_type="consultation", closed_at=at(11, 0, 30), close_reason="resolved_at_intake"
    )
    c10 = _case("C10", at(12), lead_department_code=G, channel="web", status="handling")
    c11 = _case("C11", at(13), lead_department_code=G, district_code="chengxi", status="handling")
    c12 = _case("C12", at(20), lead_department_code=W, closed_at=at(3, month=7), resolved=True, **visited)
    c13 = _case(
        "C13",
        at(25, month=5),
        lead_department_code=W,
        closed_at=at(3),
        resolved=False,
        rating="dissatisfied",
        **visited,
    )
    cases = [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13]
    replied = {"status": "replied"}
    tasks = [
        _task(c1, W, at(2, 1), due_at=at(4), replied_at=at(3), **replied),
        _task(c2, W, at(3, 1), due_at=at(5), replied_at=at(6), overdue=True, **replied),
        _task(c2, W, at(7), due_at=at(8), replied_at=at(7, 12), **replied),
        _task(
            c3, G, at(4, 1), signed_at=at(4, 6), sign_for_late=True, due_at=at(6), replied_at=at(5), **replied
        ),
        _task(c4, G, at(5, 1), due_at=at(9), replied_at=at(8), **replied),
        _task(c5, W, at(6, 1), status="void"),
        _task(c7, G, at(8, 1), status="void"),
        _task(c8, W, at(20, 1, month=5)),
        _task(c10, W, at(12, 1), status="returned", return_reason="不属本单位职责", return_justified=True),
        _task(c10, G, at(12, 5), due_at=at(30)),
        _task(
            c11,
            G,
            at(13, 1),
            signed_at=None,
            sign_for_late=True,
            status="returned",
            return_reason="无",
            return_justified=False,
        ),
        _task(c11, G, at(14), due_at=at(16), overdue=True),
        _task(c12, W, at(20, 1), signed_at=None, status="open"),
        _task(c13, W, at(25, 1, month=5), replied_at=at(28, month=5), **replied),
    ]
    events = [
        _event(c7, 1, "deferral_ruled", at(9), {"approve": True, "target_date": at(20, month=7).isoformat()}),
        _event(c8, 1, "deferral_ruled", at(25, month=5), {"approve": False, "reason": "no"}),
        _event(c8, 2, "deferral_ruled", at(1), {"approve": True, "target_date": at(15).isoformat()}),
        _event(c8, 3, "deferral_ended", at(15), {}),
    ]
    return [*cases, *tasks, *events]


@pytest.fixture
async def june(sessions: SessionFactory) -> Any:
    rows = _month()
    async with sessions() as session:
        for row in rows:
            session.add(row)
            await session.flush()
        await session.commit()
    yield
    numbers = [row.case_number for row in rows if isinstance(row, Case)]
    async with sessions() as session:
        for table in (CaseEvent, Assignment, Case):
            await session.execute(delete(table).where(table.case_number.in_(numbers)))  # type: ignore[attr-defined]
        await session.commit()


async def _compute(sessions: SessionFactory, dimension: Dimension, **settings: Any) -> dict[str, MetricRow]:
    async with sessions() as session:
        rows = await metrics.compute(
            session=session, period=JUNE, dimension=dimension, settings=Settings(**settings)
        )
    return {row.key: row for row in rows}


def _rate(rate: metrics.Rate) -> tuple[int, int]:
    return rate.numerator, rate.denominator


async def test_city(sessions: SessionFactory, june: None) -> None:
    (city,) = (await _compute(sessions, Dimension.CITY)).values()
    assert city.key == ""
    # Received in June: C1–C7, C9–C12 (C8 and C13 came in May).
    assert city.volume == 11
    # Answered at intake: C9, out of all 11.
    assert _rate(city.first_contact) == (1, 11)
    # Closed in June: C1 C2 C3 C4 C5 C6 C9 C13 (C12 closed in July). Withdrawn C5 and unreachable C4
    # are no verdict; C9 has no answer. Resolved: C1 C2 C6 of C1 C2 C3 C6 C13.
    assert _rate(city.resolution) == (3, 5)
    # Rated C1 满意, C2 基本满意, C3 不满意, C6 满意, C13 不满意: 基本满意 counts by default.
    assert _rate(city.satisfaction) == (3, 5)
    # Reopen, over the cases closed after a return visit (visited, unreachable, supervisor's close):
    # C1 C2 C3 C4 C6 C13; reopened C2 and C3.
    assert _rate(city.reopen) == (2, 6)
    # Handling (received → last reply) of the cases closed in June, not withdrawn, with a reply:
    # C1 24 h, C2 108 h (Jun 3 → t2b Jun 7 12:00), C3 24 h, C4 72 h, C13 72 h (C6 and C9 have no task).
    # Mean 300/5 = 60; p90 of [24 24 72 72 108]: rank 4·0.9 = 3.6 → 72 + 0.6·36 = 93.6.
    assert city.avg_handling_hours == pytest.approx(60.0, abs=1e-3)
    assert city.p90_handling_hours == pytest.approx(93.6, abs=1e-3)
    # Tasks assigned in June: t1 t2a t2b t3 t4 t5 t7 t10a t10b t11a t11b t12 (t8, t13: May).
    # Signed in time: t1 t2a t2b t4 t5 t7 t10a t10b t11b = 9; late: t3 (signed late), t11a (never);
    # t12 is still within its window.
    assert _rate(city.response) == (9, 11)
    # On time, over the tasks neither void nor returned whose deadline is decided: replied, or overdue.
    # Decided: t1 t2a t2b t3 t4 t11b (t10b, t12 still running); on time: t1 t2b t3 t4 (t4 by its
    # extended due time).
    assert _rate(city.on_time) == (4, 6)
    assert city.overdue == 2  # t2a, t11b
    assert (city.returns, city.unjustified_returns) == (2, 1)  # t10a justified, t11a not
    # In 挂账 at the end of June: C7 (C8's deferral ended on Jun 15).
    assert city.deferred == 1


async def test_departments(sessions: SessionFactory, june: None) -> None:
    rows = await _compute(sessions, Dimension.DEPARTMENT)
    assert set(rows) == {W, G}  # C9 has no lead department
    water, chengxi = rows[W], rows[G]
    # W leads C1 C2 C5 C6 C12 received in June (C8, C13 in May).
    assert water.volume == 5 and _rate(water.first_contact) == (0, 5)
    # Closed in June, led by W: C1 C2 C5 C6 C13; C5 withdrawn. Resolved C1 C2 C6 of C1 C2 C6 C13.
    assert _rate(water.resolution) == (3, 4)
    assert _rate(water.satisfaction) == (3, 4)
    assert _rate(water.reopen) == (1, 4)  # C2 of C1 C2 C6 C13
    # C1 24, C2 108, C13 72: mean 68; p90 rank 2·0.9 = 1.8 → 72 + 0.8·36 = 100.8.
    assert water.avg_handling_hours == pytest.approx(68.0, abs=1e-3)
    assert water.p90_handling_hours == pytest.approx(100.8, abs=1e-3)
    # W's own tasks in June: t1 t2a t2b t5 t10a t12. All signed in time but t12 (undecided).
    assert _rate(water.response) == (5, 5)
    # Decided, neither void nor returned: t1 t2a t2b; on time t1 t2b.
    assert _rate(water.on_time) == (2, 3)
    assert (water.overdue, water.returns, water.unjustified_returns, water.deferred) == (1, 1, 0, 0)

    # G leads C3 C4 C7 C10 C11, all received in June.
    assert chengxi.volume == 5 and _rate(chengxi.first_contact) == (0, 5)
    # Closed: C3 (supervisor's close, unresolved, 不满意) and C4 (unreachable: no verdict).
    assert _rate(chengxi.resolution) == (0, 1)
    assert _rate(chengxi.satisfaction) == (0, 1)
    assert _rate(chengxi.reopen) == (1, 2)  # C3 of C3 C4
    # C3 24, C4 72: mean 48; p90 rank 0.9 → 24 + 0.9·48 = 67.2.
    assert chengxi.avg_handling_hours == pytest.approx(48.0, abs=1e-3)
    assert chengxi.p90_handling_hours == pytest.approx(67.2, abs=1e-3)
    # G's tasks: t3 t4 t7 t10b t11a t11b; in time t4 t7 t10b t11b, late t3 t11a.
    assert _rate(chengxi.response) == (4, 6)
    # Decided: t3 t4 t11b; on time t3 t4.
    assert _rate(chengxi.on_time) == (2, 3)
    assert (chengxi.overdue, chengxi.returns, chengxi.unjustified_returns, chengxi.deferred) == (1, 1, 1, 1)

    only = await _keys(sessions, Dimension.DEPARTMENT, [G])
    assert [row.key for row in only] == [G] and only[0] == chengxi


async def _keys(sessions: SessionFactory, dimension: Dimension, keys: list[str]) -> list[MetricRow]:
    async with sessions() as session:
        return await metrics.compute(
            session=session, period=JUNE, dimension=dimension, settings=Settings(), keys=keys
        )


async def test_districts(sessions: SessionFactory, june: None) -> None:
    rows = await _keys(sessions, Dimension.DISTRICT, ["chengdong", "chengxi"])
    east, west = rows
    assert (east.key, west.key) == ("chengdong", "chengxi")
    # 东: C1 C2 C5 C6 C9 C10 C12 received; C9 answered at intake.
    assert east.volume == 7 and _rate(east.first_contact) == (1, 7)
    # Closed: C1 C2 C5 C6 C9 C13 → resolved C1 C2 C6 of C1 C2 C6 C13; reopened C2 of C1 C2 C6 C13.
    assert (_rate(east.resolution), _rate(east.satisfaction), _rate(east.reopen)) == ((3, 4), (3, 4), (1, 4))
    assert east.avg_handling_hours == pytest.approx(68.0, abs=1e-3)  # C1 24, C2 108, C13 72
    # Tasks on 东's cases: t1 t2a t2b t5 t10a t10b t12: six signed in time, t12 undecided.
    assert _rate(east.response) == (6, 6)
    assert _rate(east.on_time) == (2, 3)  # t1 t2b of t1 t2a t2b
    assert (east.overdue, east.returns, east.unjustified_returns, east.deferred) == (1, 1, 0, 0)
    # 西: C3 C4 C7 C11; tasks t3 t4 t7 t11a t11b.
    assert west.volume == 4 and _rate(west.first_contact) == (0, 4)
    assert (_rate(west.resolution), _rate(west.satisfaction), _rate(west.reopen)) == ((0, 1), (0, 1), (1, 2))
    assert west.p90_handling_hours == pytest.approx(67.2, abs=1e-3)
    assert _rate(west.response) == (3, 5)  # t4 t7 t11b in time; t3 t11a late
    assert _rate(west.on_time) == (2, 3)
    assert (west.overdue, west.returns, west.unjustified_returns, west.deferred) == (1, 1, 1, 1)


async def test_channels_add_up_to_the_city(sessions: SessionFactory, june: None) -> None:
    rows = await _keys(sessions, Dimension.CHANNEL, ["hotline", "web"])
    hotline, web = rows
    # web: C3 C5 C10; hotline: the other eight received in June.
    assert (hotline.volume, web.volume) == (8, 3)
    assert _rate(web.resolution) == (0, 1)  # C3 (C5 withdrawn)
    assert _rate(web.response) == (3, 4)  # t3 late; t5 t10a t10b in time


async def test_the_citys_choices(sessions: SessionFactory, june: None) -> None:
    (city,) = (
        await _compute(
            sessions,
            Dimension.CITY,
            metrics_basically_satisfied_counts=False,
            metrics_supervisor_close_resolved=True,
            metrics_count_merged_duplicates=False,
            metrics_handling_end="closed",
            metrics_handling_percentile=0.5,
        )
    ).values()
    assert _rate(city.satisfaction) == (2, 5)  # C2's 基本满意 no longer counts
    assert _rate(city.resolution) == (4, 5)  # C3's supervisor close counts as resolved
    assert city.volume == 10 and _rate(city.first_contact) == (1, 10)  # C6, the duplicate, left out
    # received → closed, every case closed in June but the withdrawn C5: C9 0.5, C1 72, C6 90,
    # C2 144, C3 144, C4 168, C13 216 → mean 834.5/7; median 144.
    assert city.avg_handling_hours == pytest.approx(834.5 / 7, abs=1e-3)
    assert city.p90_handling_hours == pytest.approx(144.0, abs=1e-3)


async def test_deferred_trend(sessions: SessionFactory, june: None) -> None:
    may, tenth = JUNE.previous(), Period.day(date(1996, 6, 10), TZ)
    async with sessions() as session:
        trend = await metrics.deferred_trend(session=session, periods=[may, JUNE, tenth], settings=Settings())
    # End of May: C8's deferral was refused → 0. End of June: C7. End of Jun 10: C7 and C8 (ended Jun 15).
    assert [count for _, count in trend] == [0, 1, 2]
    assert [period for period, _ in trend] == [may, JUNE, tenth]


async def test_a_month_with_nothing_has_no_data_not_zero(sessions: SessionFactory) -> None:
    async with sessions() as session:
        (city,) = await metrics.compute(
            session=session, period=Period.month(1990, 2, TZ), dimension=Dimension.CITY, settings=Settings()
        )
        departments = await metrics.compute(
            session=session,
            period=Period.month(1990, 2, TZ),
            dimension=Dimension.DEPARTMENT,
            settings=Settings(),
        )
    assert city.volume == 0 and city.satisfaction.value is None and city.p90_handling_hours is None
    assert departments == []


async def test_headlines_are_the_city_metrics(sessions: SessionFactory, june: None) -> None:
    now = JUNE.until
    async with sessions() as session:
        figures = await headlines.headlines(session=session, now=now, days=30)
        (city,) = await metrics.compute(
            session=session,
            period=Period(since=now - timedelta(days=30), until=now),
            dimension=Dimension.CITY,
            settings=Settings(),
        )
    assert (figures.response, figures.resolution, figures.satisfaction) == (
        city.response,
        city.resolution,
        city.satisfaction,
    )


def test_periods() -> None:
    shanghai = ZoneInfo(TZ)
    assert JUNE.since == datetime(1996, 6, 1, tzinfo=shanghai)
    assert JUNE.since == datetime(1996, 5, 31, 16, tzinfo=UTC)
    assert JUNE.previous() == Period.month(1996, 5, TZ)
    assert Period.month(1996, 1, TZ).previous() == Period.month(1995, 12, TZ)
    assert Period.year(1996, TZ).previous() == Period.year(1995, TZ)
    assert Period.week(date(1996, 6, 10), TZ).previous() == Period.week(date(1996, 6, 3), TZ)
    assert Period.day(date(1996, 3, 1), TZ).previous() == Period.day(date(1996, 2, 29), TZ)
    assert JUNE.label() == "1996-06" and Period.year(1996, TZ).label() == "1996"
    with pytest.raises(ValueError):
        Period.week(date(1996, 6, 11), TZ)


async def test_the_api(api: httpx.AsyncClient, login: Any, june: None) -> None:
    analyst = await login("analyst")
    june_days = {"since": "1996-06-01", "until": "1996-07-01"}
    response = await api.get(
        "/api/v1/metrics", params={"dimension": "department", **june_days}, headers=analyst
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dimension"] == "department" and body["since"] == "1996-06-01T00:00:00+08:00"
    rows = {row["key"]: row for row in body["rows"]}
    assert rows[W]["resolution"] == {"numerator": 3, "denominator": 4, "value": 0.75}
    assert rows[G]["p90_handling_hours"] == pytest.approx(67.2, abs=1e-3)
    only = await api.get(
        "/api/v1/metrics", params={"dimension": "district", "key": "chengxi", **june_days}, headers=analyst
    )
    assert [row["key"] for row in only.json()["rows"]] == ["chengxi"]
    backwards = await api.get(
        "/api/v1/metrics", params={"since": "1996-07-01", "until": "1996-06-01"}, headers=analyst
    )
    assert backwards.status_code == 422
    department = await api.get("/api/v1/metrics", headers=await login("water"))
    assert department.status_code == 403
