"""A hand-made week in March 2009 (no other test writes there), Xining time (UTC+8).

The daily report is for Wednesday 2009-03-11 (local), i.e. [03-10 16:00, 03-11 16:00) UTC; its week is
Monday 03-09 to Sunday 03-15, the previous week 03-02 to 03-08.

    (received in UTC, day local)
    case received    day   channel district  street   category         state
    A 03-11 02:00 03-11 hotline chengdong dongguan food.hygiene     handling, due 03-11 10:00
    B 03-10 17:00 03-11 web     chengxi   dongguan water.pipe_burst closed 03-11 09:00, 满意, resolved
    C 03-11 15:59 03-11 hotline chengxi   dongguan food.hygiene     registered, due 03-14
    D 03-10 15:00 03-10 hotline chengdong xiguan   food.hygiene     closed 03-11 08:00, 不满意
    E 03-11 16:30 03-12 hotline chengdong -        water.pipe_burst handling
    F 03-03 02:00 03-03 hotline chengdong dongguan water.pipe_burst closed 03-04 02:00, 满意, resolved
    G 03-05 02:00 03-05 web     chengdong -        water.pipe_burst handling

Tasks: A's (company.water, assigned 03-11 03:00, signed 03:10 in time, due 03-11 12:00, still signed);
B's (company.water, assigned 03-10 17:30 = local 03-11, signed late, replied 03-11 05:00, due 03-12).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hotline.db import SessionFactory
from hotline.models import Assignment, Case
from tests.web.test_public import case_row

DAY = datetime(2009, 3, 11).date()
# The daily schedule fires at 00:30 local on the next day: 03-11 16:30 UTC.
NOW = datetime(2009, 3, 11, 16, 30, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2009, month, day, hour, minute, tzinfo=UTC)


def _case(name: str, **fields: Any) -> Case:
    return case_row(
        case_number=f"RPT09-{name}", tracking_code=f"RPT09{name}", updated_at=utc(3, 11, 0), **fields
    )


def rows() -> list[Any]:
    closed_ok = {"status": "closed", "rating": "satisfied", "resolved": True, "close_reason": "visited"}
    cases = [
        _case(
            "A",
            received_at=utc(3, 11, 2),
            channel="hotline",
            district_code="chengdong",
            street_code="chengdong.dongguan",
            category_code="food.hygiene",
            status="handling",
            due_at=utc(3, 11, 10),
        ),
        _case(
            "B",
            received_at=utc(3, 10, 17),
            channel="web",
            district_code="chengxi",
            street_code="chengdong.dongguan",
            category_code="water.pipe_burst",
            closed_at=utc(3, 11, 9),
            **closed_ok,
        ),
        _case(
            "C",
            received_at=utc(3, 11, 15, 59),
            channel="hotline",
            district_code="chengxi",
            street_code="chengdong.dongguan",
            category_code="food.hygiene",
            status="registered",
            due_at=utc(3, 14, 0),
        ),
        _case(
            "D",
            received_at=utc(3, 10, 15),
            channel="hotline",
            district_code="chengdong",
            street_code="chengxi.xiguan",
            category_code="food.hygiene",
            status="closed",
            closed_at=utc(3, 11, 8),
            rating="dissatisfied",
            resolved=False,
            close_reason="visited",
        ),
        _case(
            "E",
            received_at=utc(3, 11, 16, 30),
            channel="hotline",
            district_code="chengdong",
            category_code="water.pipe_burst",
            status="handling",
        ),
        _case(
            "F",
            received_at=utc(3, 3, 2),
            channel="hotline",
            district_code="chengdong",
            street_code="chengdong.dongguan",
            category_code="water.pipe_burst",
            closed_at=utc(3, 4, 2),
            **closed_ok,
        ),
        _case(
            "G",
            received_at=utc(3, 5, 2),
            channel="web",
            district_code="chengdong",
            category_code="water.pipe_burst",
            status="handling",
        ),
    ]
    tasks = [
        Assignment(
            task_id="RPT09-A-T1",
            case_number="RPT09-A",
            department_code="company.water",
            role="lead",
            status="signed",
            assigned_at=utc(3, 11, 3),
            signed_at=utc(3, 11, 3, 10),
            due_at=utc(3, 11, 12),
        ),
        Assignment(
            task_id="RPT09-B-T1",
            case_number="RPT09-B",
            department_code="company.water",
            role="lead",
            status="replied",
            assigned_at=utc(3, 10, 17, 30),
            signed_at=utc(3, 10, 23),
            sign_for_late=True,
            replied_at=utc(3, 11, 5),
            due_at=utc(3, 12, 0),
        ),
    ]
    return [*cases, *tasks]


async def load(sessions: SessionFactory) -> None:
    """Adds the dataset once per database (the session-scoped read model is shared by every test)."""
    async with sessions() as session:
        if await session.get(Case, "RPT09-A") is not None:
            return
        for row in rows():
            session.add(row)
            await session.flush()
        await session.commit()
