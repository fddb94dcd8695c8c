"""Likely duplicates of an appeal being registered (重复件提示), so the dispatcher can merge instead of
dispatching the same problem twice.

The method, in two steps:

1. SQL narrows the candidates: open cases (not closed, not merged) received in the last
   `WINDOW_DAYS`, in the same category or at the same place (the same street when one is given,
   else the same district), newest first, at most `CANDIDATES` rows. The table is never scanned in Python.
2. Each candidate is scored by the overlap of character bigrams of title + address + content (Chinese
   has no spaces, so bigrams stand in for words): |A ∩ B| / min(|A|, |B|), the overlap coefficient, which
   does not punish a short text typed so far against a long one already registered. Punctuation and
   spaces are dropped first. A candidate in the same category, or on the same street, gets a small bonus,
   since the same words at the same place about the same kind of problem are the likeliest repeat.

Candidates at or above `THRESHOLD` are returned, best first. Too little text (fewer than
`MIN_BIGRAMS` bigrams) suggests nothing: a few characters match everything.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.enums import CaseStatus
from hotline.models import Case

WINDOW_DAYS = 30
CANDIDATES = 200
THRESHOLD = 0.45
MIN_BIGRAMS = 3
CATEGORY_BONUS = 0.1
STREET_BONUS = 0.05
_CLOSED = (CaseStatus.CLOSED.value, CaseStatus.MERGED.value)
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


class DuplicateQuery(BaseModel):
    category: str | None = None
    district: str | None = None
    street: str | None = None
    title: str = ""
    address: str = ""
    content: str = ""


class Duplicate(BaseModel):
    case_number: str
    title: str
    status: str
    district: str
    street: str | None
    category: str
    address: str
    received_at: datetime
    score: float


def bigrams(text: str) -> set[str]:
    """The text's character bigrams, lower-cased, without punctuation or spaces."""
    letters = _NOT_TEXT.sub("", text.lower())
    return {letters[i : i + 2] for i in range(len(letters) - 1)}


def similarity(a: set[str], b: set[str]) -> float:
    """The overlap coefficient of two bigram sets: 1.0 when one is contained in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


async def likely(
    *, session: AsyncSession, query: DuplicateQuery, limit: int = 5, now: datetime | None = None
) -> list[Duplicate]:
    """Open cases that probably report the same problem, best first."""
    wanted = bigrams(" ".join((query.title, query.address, query.content)))
    if len(wanted) < MIN_BIGRAMS or not (query.category or query.district):
        return []
    since = (now or datetime.now(UTC)) - timedelta(days=WINDOW_DAYS)
    rows = (
        (
            await session.execute(
                select(Case)
                .where(
                    col(Case.status).not_in(_CLOSED),
                    col(Case.received_at) >= since,
                    or_(*_near(query)),
                )
                .order_by(col(Case.received_at).desc())
                .limit(CANDIDATES)
            )
        )
        .scalars()
        .all()
    )
    scored = [(_score(case, wanted, query), case) for case in rows]
    best = sorted(
        ((score, case) for score, case in scored if score >= THRESHOLD),
        key=lambda pair: (pair[0], pair[1].received_at),
        reverse=True,
    )
    return [
        Duplicate(
            case_number=case.case_number,
            title=case.title,
            status=case.status,
            district=case.district_code,
            street=case.street_code,
            category=case.category_code,
            address=case.address,
            received_at=case.received_at,
            score=round(min(score, 1.0), 2),
        )
        for score, case in best[:limit]
    ]


def _near(query: DuplicateQuery) -> list[ColumnElement[bool]]:
    """Same category, or the same place (street if given, else district)."""
    conditions: list[ColumnElement[bool]] = []
    if query.category:
        conditions.append(col(Case.category_code) == query.category)
    if query.street:
        conditions.append(col(Case.street_code) == query.street)
    elif query.district:
        conditions.append(col(Case.district_code) == query.district)
    return conditions


def _score(case: Case, wanted: set[str], query: DuplicateQuery) -> float:
    score = similarity(wanted, bigrams(" ".join((case.title, case.address, case.content))))
    if query.category and case.category_code == query.category:
        score += CATEGORY_BONUS
    if query.street and case.street_code == query.street:
        score += STREET_BONUS
    return score
