"""Hand-made months for the evaluation tests: a department's cases and tasks written straight into the
read model, good or bad, with the metrics they give worked out by hand.

- good: 5 cases led by the department, received and closed in the month, resolved and satisfied; their
  5 tasks signed for in time and replied before the due time. Every rate 5/5: score 100.
- bad: the same cases unresolved and dissatisfied; the tasks signed for late and replied after the due
  time, overdue. Every rate 0/5, 5 overdue tasks: score max(0, 0 − 5) = 0, red.
- `unjustified` more tasks, signed for in time, then returned without justification (无故退单): they
  count in the response rate (signed in time) and cost 5 points each; returned tasks leave on-time.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hotline.db import SessionFactory
from hotline.models import Assignment, Case


def _case(department: str, received: datetime, *, good: bool) -> Case:
    return Case(
        case_number=f"XE{uuid.uuid4().hex[:12].upper()}",
        tracking_code=uuid.uuid4().hex[:10].upper(),
        channel="hotline",
        appeal_type="help",
        status="closed",
        district_code="chengdong",
        category_code="water.pipe_burst",
        title="小区自来水管爆裂",
        content="和盛园小区水管爆裂。",
        lead_department_code=department,
        received_at=received,
        updated_at=received + timedelta(days=5),
        closed_at=received + timedelta(days=5),
        close_reason="visited",
        resolved=good,
        rating="satisfied" if good else "dissatisfied",
    )


def _task(case_number: str, department: str, assigned: datetime, **fields: Any) -> Assignment:
    return Assignment(
        **{
            "task_id": uuid.uuid4().hex,
            "case_number": case_number,
            "department_code": department,
            "role": "lead",
            "assigned_at": assigned,
            "due_at": assigned + timedelta(days=2),
            **fields,
        }
    )


async def department_month(
    sessions: SessionFactory, department: str, year: int, month: int, *, good: bool, unjustified: int = 0
) -> None:
    received = datetime(year, month, 10, 1, tzinfo=UTC)  # 09:00 in Xining
    assigned = received + timedelta(hours=1)
    cases = [_case(department, received, good=good) for _ in range(5)]
    if good:
        reply = {"signed_at": assigned + timedelta(hours=1), "replied_at": assigned + timedelta(days=1)}
    else:
        reply = {
            "signed_at": assigned + timedelta(days=1),
            "sign_for_late": True,
            "replied_at": assigned + timedelta(days=4),
            "overdue": True,
        }
    tasks = [_task(c.case_number, department, assigned, status="replied", **reply) for c in cases]
    tasks += [
        _task(
            cases[0].case_number,
            department,
            assigned,
            status="returned",
            signed_at=assigned + timedelta(hours=1),
            return_reason="不属于本单位职责",
            return_justified=False,
        )
        for _ in range(unjustified)
    ]
    async with sessions() as session:
        session.add_all(cases)
        await session.flush()
        session.add_all(tasks)
        await session.commit()
