"""What every fault test asserts at the end: cases closed in Temporal, the read model equal to the
histories (the check of `hotline readmodel check`), and no timeline event written twice."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlmodel import col, select
from temporalio.client import Client

from hotline import consistency
from hotline.db import SessionFactory
from hotline.models import CaseEvent
from tests.helpers import eventually


async def workflow_ids(client: Client, task_queue: str, query: str = "") -> list[str]:
    """Every case execution on the task queue (each run once), optionally narrowed by a query."""
    clauses = [f"WorkflowType = '{consistency.CASE_WORKFLOW}'", f"TaskQueue = '{task_queue}'"]
    if query:
        clauses.append(query)
    return [execution.id async for execution in client.list_workflows(" AND ".join(clauses))]


async def assert_closed_in_temporal(client: Client, task_queue: str, numbers: Iterable[str]) -> None:
    """Each case finished in Temporal, exactly once (visibility lags a little behind, hence the wait)."""
    expected = sorted(numbers)

    async def completed() -> list[str] | None:
        found = sorted(await workflow_ids(client, task_queue, "ExecutionStatus = 'Completed'"))
        return found if found == expected else None

    await eventually(completed, within=30)


async def assert_read_model_matches_histories(
    client: Client, sessions: SessionFactory, task_queue: str, numbers: Iterable[str]
) -> None:
    report = await consistency.check(client=client, sessions=sessions, task_queue=task_queue)
    assert report.consistent, (
        report.disagreements[:10],
        report.missing_in_read_model,
        report.missing_in_temporal,
    )
    assert sorted(report.checked) == sorted(numbers)


async def timelines(sessions: SessionFactory, numbers: Iterable[str]) -> dict[str, list[CaseEvent]]:
    async with sessions() as session:
        events = await session.execute(
            select(CaseEvent)
            .where(col(CaseEvent.case_number).in_(list(numbers)))
            .order_by(col(CaseEvent.case_number), col(CaseEvent.seq))
        )
        by_case: dict[str, list[CaseEvent]] = defaultdict(list)
        for event in events.scalars():
            by_case[event.case_number].append(event)
    return dict(by_case)


def assert_no_event_twice(by_case: dict[str, list[CaseEvent]]) -> None:
    """No (case, seq) twice, and no event's content (kind, actor, time, text, data) twice in a case."""
    for number, events in by_case.items():
        seqs = Counter(event.seq for event in events)
        assert max(seqs.values()) == 1, (number, seqs)
        contents = Counter(
            (e.kind, e.actor_user, e.occurred_at, e.summary, json.dumps(e.data, sort_keys=True))
            for e in events
        )
        twice = [content for content, count in contents.items() if count > 1]
        assert not twice, (number, twice)
        assert [event.seq for event in events] == list(range(1, len(events) + 1)), number


def kinds(by_case: dict[str, list[CaseEvent]]) -> dict[str, list[str]]:
    return {number: [event.kind for event in events] for number, events in by_case.items()}
