"""Closed cases' histories kept outside Temporal, so that they stay readable and replayable after the
namespace's retention has deleted them.

What is stored: one JSON document per case, `{"case_number", "runs": [{"run_id", "history"}]}`, where each
`history` is Temporal's own JSON history format (`WorkflowHistory.to_json`), serialised canonically
(sorted keys, no spaces, UTF-8). The same document is what `GET /api/v1/audit/cases/{n}/history` answers.
It is kept gzip-compressed in a binary column, not as JSON text: histories are long, repetitive JSON that
shrinks several times over, nothing ever queries inside them, and a PostgreSQL JSON(B) column would
reorder keys and so change the bytes the hash is taken over. The SHA-256 covers the canonical JSON before
compression, so anyone holding an export can recompute it, and it is checked on every read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

from hotline import history
from hotline.db import SessionFactory, insert_for
from hotline.enums import CaseStatus
from hotline.errors import Conflict, NotFound
from hotline.models import Case, CaseArchive

_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


@dataclass(frozen=True)
class Archived:
    """The outcome of archiving one case: `created` is False when it was archived already."""

    case_number: str
    content_sha256: str
    event_count: int
    created: bool


def document(case_history: history.CaseHistory) -> dict[str, Any]:
    """The case's every run in Temporal's JSON history format."""
    return {
        "case_number": case_history.case_number,
        "runs": [{"run_id": run.run_id, "history": run.history.to_json_dict()} for run in case_history.runs],
    }


def canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def closed_at(case_history: history.CaseHistory) -> datetime:
    """When the case's workflow completed; refuses a case whose last run has not."""
    events = case_history.runs[-1].history.events
    if not events or events[-1].event_type != _COMPLETED:
        raise Conflict(
            "case_not_closed",
            f"Case {case_history.case_number} is still open in Temporal; only closed cases are archived.",
        )
    return events[-1].event_time.ToDatetime(tzinfo=UTC)


async def archive(*, client: Client, sessions: SessionFactory, case_number: str) -> Archived:
    """Store the closed case's history once. Archiving again stores nothing; a history that no longer
    hashes as the stored one did is reported (Conflict), never written over."""
    case_history = await history.fetch(client=client, case_number=case_number)
    ended = closed_at(case_history)
    content = canonical(document(case_history))
    digest = sha256(content)
    row = {
        "case_number": case_number,
        "histories": gzip.compress(content, mtime=0),
        "content_sha256": digest,
        "event_count": case_history.event_count,
        "run_ids": [run.run_id for run in case_history.runs],
        "closed_at": ended,
        "archived_at": datetime.now(UTC),
    }
    async with sessions() as session:
        statement = (
            insert_for(session, CaseArchive)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["case_number"])
        )
        result = cast(CursorResult[Any], await session.execute(statement))
        created = result.rowcount == 1
        await session.commit()
        stored = await session.get(CaseArchive, case_number)
    assert stored is not None
    if stored.content_sha256 != digest:
        raise Conflict(
            "archive_hash_mismatch",
            f"Case {case_number}'s history in Temporal no longer matches its archive; the archive is kept.",
            {"archived_sha256": stored.content_sha256, "temporal_sha256": digest},
        )
    return Archived(case_number, digest, stored.event_count, created)


async def info(*, session: AsyncSession, case_number: str) -> CaseArchive:
    row = await session.get(CaseArchive, case_number)
    if row is None:
        raise NotFound("case_not_archived", f"Case {case_number} has no archived history.")
    return row


def verified_content(row: CaseArchive) -> bytes:
    """The stored JSON, after checking it still hashes as it did when archived."""
    content = gzip.decompress(row.histories)
    if sha256(content) != row.content_sha256:
        raise Conflict(
            "archive_corrupted",
            f"The archived history of case {row.case_number} does not match its SHA-256.",
            {"archived_sha256": row.content_sha256, "actual_sha256": sha256(content)},
        )
    return content


async def read(*, sessions: SessionFactory, case_number: str) -> history.CaseHistory:
    """The archived history, checked against its hash."""
    async with sessions() as session:
        row = await info(session=session, case_number=case_number)
    doc = json.loads(verified_content(row))
    runs = []
    for run in doc["runs"]:
        workflow_history = WorkflowHistory.from_json(case_number, run["history"])
        first = workflow_history.events[0] if workflow_history.events else None
        started = first.event_time.ToDatetime(tzinfo=UTC) if first is not None else None
        runs.append(history.Run(run["run_id"], started, workflow_history))
    return history.CaseHistory(case_number, runs)


async def pending(*, sessions: SessionFactory, after: str, limit: int) -> list[str]:
    """Closed cases in the read model without an archive, in case-number order after `after`."""
    async with sessions() as session:
        rows = await session.execute(
            select(Case.case_number)
            .outerjoin(CaseArchive, col(CaseArchive.case_number) == col(Case.case_number))
            .where(
                Case.status == CaseStatus.CLOSED.value,
                col(CaseArchive.case_number).is_(None),
                col(Case.case_number) > after,
            )
            .order_by(col(Case.case_number))
            .limit(limit)
        )
        return list(rows.scalars())


def export(case_history: history.CaseHistory, out: Path) -> list[Path]:
    """One `<case>-<run_id>.json` per run, each in Temporal's JSON history format."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for run in case_history.runs:
        path = out / f"{case_history.case_number}-{run.run_id}.json"
        path.write_text(run.history.to_json(), encoding="utf-8")
        written.append(path)
    return written
