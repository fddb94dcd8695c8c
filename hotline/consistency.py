"""The read model against the histories: what each case's rows should be, every disagreement, a rebuild.

Each case's history carries every step the read model was given (`history.projections`). Folding those
steps with the projection's own write (`ReadModelActivities.apply`) into a scratch database gives the rows
the read model should hold — `cases`, `assignments` and `case_events` — which are then compared field by
field with the live ones. Task tokens are not in any history (each attempt of a department's task gets
a new one), so they are left out of the comparison; a department completes a task without its token by
the activity's id (hotline/tasks.py).
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlmodel import SQLModel, col, func, select
from temporalio.client import Client

from activities.read_model import ReadModelActivities
from hotline import history
from hotline.db import SessionFactory, insert_for, session_factory
from hotline.errors import Conflict, NotFound
from hotline.models import (
    Assignment,
    Case,
    CaseArchive,
    CaseEvent,
    CaseLink,
    CaseNumberCounter,
    IntakeKey,
    OutboxMessage,
)

CASE_WORKFLOW = "CaseWorkflow"
_SERIAL = re.compile(r"(?P<day>\d{8})-(?P<serial>\d+)$")
# What each compared table is keyed by within a case, and what history cannot know.
_TABLES: dict[str, tuple[type[SQLModel], str, frozenset[str]]] = {
    "cases": (Case, "case_number", frozenset()),
    "assignments": (Assignment, "task_id", frozenset({"task_token"})),
    "case_events": (CaseEvent, "seq", frozenset()),
}

Progress = Callable[[int, int], None]  # (cases done, cases in all)

# Cases per statement when reading or copying in bulk: well inside both backends' limits on bound parameters.
_CHUNK = 500


@dataclass(frozen=True)
class Selection:
    """Which cases to look at: all of them, or those with this status / district, or these numbers."""

    status: str | None = None
    district: str | None = None
    case_numbers: Sequence[str] = ()


@dataclass(frozen=True)
class Disagreement:
    case_number: str
    table: str
    key: str
    field: str  # a column, or "row" when the whole row is missing on one side
    expected: Any
    actual: Any


@dataclass
class CheckReport:
    checked: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    missing_in_read_model: list[str] = field(default_factory=list)
    missing_in_temporal: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not (self.disagreements or self.missing_in_read_model or self.missing_in_temporal)


@dataclass(frozen=True)
class Rows:
    """The read-model rows of some cases, by table, case and key."""

    by_table: dict[str, dict[str, dict[str, dict[str, Any]]]]

    def of(self, table: str, case_number: str) -> dict[str, dict[str, Any]]:
        return self.by_table.get(table, {}).get(case_number, {})


@asynccontextmanager
async def scratch() -> AsyncIterator[SessionFactory]:
    """An empty read model in a temporary SQLite file (no foreign keys: no reference data needed)."""
    with tempfile.TemporaryDirectory(prefix="hotline-fold-") as directory:
        engine = create_async_engine(f"sqlite+aiosqlite:///{directory}/fold.db")
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        try:
            yield session_factory(engine)
        finally:
            await engine.dispose()


async def fold(sessions: SessionFactory, case_history: history.CaseHistory) -> int:
    """Writes the case's steps into `sessions` exactly as the projection did; the number of steps."""
    writer = ReadModelActivities(sessions)
    steps = history.projections(case_history)
    for step in steps:
        await writer.apply(step)
    return len(steps)


async def rows(sessions: SessionFactory, case_numbers: Iterable[str]) -> Rows:
    numbers = list(case_numbers)
    by_table: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    async with sessions() as session:
        for table, (model, key, _unknown) in _TABLES.items():
            found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
            for start in range(0, len(numbers), _CHUNK):
                chunk = numbers[start : start + _CHUNK]
                result = await session.execute(
                    select(model).where(col(model.case_number).in_(chunk))  # type: ignore[attr-defined]
                )
                for row in result.scalars():
                    values = row.model_dump()
                    found[values["case_number"]][str(values[key])] = values
            by_table[table] = found
    return Rows(by_table)


def compare(case_number: str, expected: Rows, actual: Rows) -> list[Disagreement]:
    found = []
    for table, (_model, _key, unknown) in _TABLES.items():
        want, have = expected.of(table, case_number), actual.of(table, case_number)
        for key in sorted(want.keys() | have.keys(), key=_natural):
            if key not in have:
                found.append(Disagreement(case_number, table, key, "row", "present", None))
            elif key not in want:
                found.append(Disagreement(case_number, table, key, "row", None, "present"))
            else:
                found += [
                    Disagreement(case_number, table, key, name, value, have[key].get(name))
                    for name, value in want[key].items()
                    if name not in unknown and value != have[key].get(name)
                ]
    return found


def _natural(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


async def _read_model_cases(sessions: SessionFactory, selection: Selection) -> set[str]:
    query = select(Case.case_number)
    if selection.status:
        query = query.where(Case.status == selection.status)
    if selection.district:
        query = query.where(Case.district_code == selection.district)
    async with sessions() as session:
        return set((await session.execute(query)).scalars())


async def _archived_cases(sessions: SessionFactory) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(select(CaseArchive.case_number))).scalars())


async def temporal_cases(client: Client, task_queue: str, selection: Selection = Selection()) -> set[str]:
    """The cases on this deployment's task queue (several deployments may share one namespace)."""
    clauses = [f"WorkflowType = '{CASE_WORKFLOW}'", f"TaskQueue = '{_quoted(task_queue)}'"]
    if selection.status:
        clauses.append(f"CaseStatus = '{_quoted(selection.status)}'")
    if selection.district:
        clauses.append(f"CaseDistrict = '{_quoted(selection.district)}'")
    return {execution.id async for execution in client.list_workflows(" AND ".join(clauses))}


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


async def _held(sessions: SessionFactory, numbers: set[str]) -> set[str]:
    async with sessions() as session:
        query = select(Case.case_number).where(col(Case.case_number).in_(numbers))
        return set((await session.execute(query)).scalars())


async def _candidates(
    *, client: Client, sessions: SessionFactory, task_queue: str, selection: Selection
) -> tuple[list[str], set[str]]:
    """The cases to check, and which of them the read model holds."""
    if selection.case_numbers:
        numbers = set(selection.case_numbers)
    else:
        numbers = await _read_model_cases(sessions, selection) | await temporal_cases(
            client, task_queue, selection
        )
        if not selection.district and selection.status in (None, "closed"):
            numbers |= await _archived_cases(sessions)
    return sorted(numbers), await _held(sessions, numbers)


async def check(
    *,
    client: Client,
    sessions: SessionFactory,
    task_queue: str,
    selection: Selection = Selection(),
    progress: Progress | None = None,
) -> CheckReport:
    """Every disagreement between the read model and the histories of the selected cases."""
    report = CheckReport()
    numbers, held = await _candidates(
        client=client, sessions=sessions, task_queue=task_queue, selection=selection
    )
    async with scratch() as expected_sessions:
        folded = []
        for done, number in enumerate(numbers):
            if progress:
                progress(done, len(numbers))
            try:
                case_history = await history.load(client=client, sessions=sessions, case_number=number)
            except NotFound:
                report.missing_in_temporal.append(number)
                continue
            if number not in held:
                report.missing_in_read_model.append(number)
                continue
            await fold(expected_sessions, case_history)
            folded.append(number)
        expected = await rows(expected_sessions, folded)
    actual = await rows(sessions, folded)
    for number in folded:
        report.checked.append(number)
        report.disagreements += compare(number, expected, actual)
    return report


@dataclass
class RebuildReport:
    cases: list[str] = field(default_factory=list)
    steps: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    archives_copied: int = 0
    intake_keys_copied: int = 0
    links_copied: int = 0


async def rebuild(
    *,
    client: Client,
    source: SessionFactory,
    target: SessionFactory,
    task_queue: str,
    progress: Progress | None = None,
) -> RebuildReport:
    """Every case's steps written into `target` (migrated, reference data loaded, no cases yet).

    The cases are those Temporal holds on the task queue and those archived in `source`. Also restored:
    the per-day case-number counters (from the highest numbers), and — when `source` is another database
    that still has them — the archives, the intake idempotency keys and the proactive cases' links to
    their member appeals, which no history carries.
    Notifications of rebuilt steps are marked sent unless `source` still holds them unsent, so that a
    rebuild never tells a citizen or a department the same thing twice.
    """
    async with target() as session:
        if (await session.execute(select(func.count()).select_from(Case))).scalar_one():
            raise Conflict("read_model_not_empty", "Rebuild into a new, empty read model.")
    report = RebuildReport()
    numbers = sorted(await temporal_cases(client, task_queue) | await _archived_cases(source))
    for done, number in enumerate(numbers):
        if progress:
            progress(done, len(numbers))
        case_history = await history.load(client=client, sessions=source, case_number=number)
        report.steps += await fold(target, case_history)
        report.cases.append(number)
    report.counters = await _restore_counters(target, report.cases)
    if source is not target:
        report.archives_copied = await _copy(source, target, CaseArchive, "case_number", report.cases)
        report.intake_keys_copied = await _copy(source, target, IntakeKey, "idempotency_key", report.cases)
        report.links_copied = await _copy_links(source, target, report.cases)
    await _settle_outbox(source, target)
    return report


async def _restore_counters(target: SessionFactory, case_numbers: Iterable[str]) -> dict[str, int]:
    highest: dict[str, int] = {}
    for number in case_numbers:
        matched = _SERIAL.search(number)
        if matched:
            day, serial = matched["day"], int(matched["serial"])
            highest[day] = max(highest.get(day, 0), serial)
    async with target() as session:
        for day, last in highest.items():
            counter = await session.get(CaseNumberCounter, day)
            if counter is None:
                session.add(CaseNumberCounter(day=day, last=last))
            elif counter.last < last:
                counter.last = last
        await session.commit()
    return highest


async def _copy(
    source: SessionFactory, target: SessionFactory, model: type[SQLModel], key: str, case_numbers: list[str]
) -> int:
    copied = 0
    async with source() as reading, target() as writing:
        for start in range(0, len(case_numbers), _CHUNK):
            chunk = case_numbers[start : start + _CHUNK]
            result = await reading.execute(
                select(model).where(col(model.case_number).in_(chunk))  # type: ignore[attr-defined]
            )
            copied += await _insert_missing(writing, model, list(result.scalars()), [key])
        await writing.commit()
    return copied


async def _copy_links(source: SessionFactory, target: SessionFactory, case_numbers: list[str]) -> int:
    """Proactive cases' links to their member appeals (一类事) are in no history: copied where both
    ends were rebuilt."""
    rebuilt = set(case_numbers)
    copied = 0
    async with source() as reading, target() as writing:
        for start in range(0, len(case_numbers), _CHUNK):
            chunk = case_numbers[start : start + _CHUNK]
            result = await reading.execute(select(CaseLink).where(col(CaseLink.case_number).in_(chunk)))
            links = [link for link in result.scalars() if link.member_case_number in rebuilt]
            copied += await _insert_missing(writing, CaseLink, links, ["case_number", "member_case_number"])
        await writing.commit()
    return copied


async def _insert_missing(
    writing: AsyncSession, model: type[SQLModel], rows: Sequence[SQLModel], key: list[str]
) -> int:
    """The rows the target lacks, in one statement; how many were inserted."""
    if not rows:
        return 0
    statement = insert_for(writing, model).values([row.model_dump() for row in rows])
    done = await writing.execute(statement.on_conflict_do_nothing(index_elements=key))
    return cast(CursorResult[Any], done).rowcount


async def _settle_outbox(source: SessionFactory, target: SessionFactory) -> None:
    unsent: set[tuple[str, int, int]] = set()
    if source is not target:
        async with source() as session:
            result = await session.execute(
                select(OutboxMessage.case_number, OutboxMessage.seq, OutboxMessage.position).where(
                    col(OutboxMessage.sent_at).is_(None)
                )
            )
            unsent = {(number, seq, position) for number, seq, position in result.all()}
    now = datetime.now(UTC)
    async with target() as session:
        result = await session.execute(
            select(
                OutboxMessage.id, OutboxMessage.case_number, OutboxMessage.seq, OutboxMessage.position
            ).where(col(OutboxMessage.sent_at).is_(None))
        )
        settled = [id_ for id_, *key in result.all() if tuple(key) not in unsent]
        for start in range(0, len(settled), _CHUNK):
            await session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(settled[start : start + _CHUNK]))
                .values(sent_at=now)
            )
        await session.commit()
