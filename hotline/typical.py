"""Typical cases (典型案例): closed cases a supervisor or admin publishes, in an anonymised text they edit.

The draft is the case's title, content and lead department's reply with the citizen's name, phone and
house numbers removed (hotline.anonymise); the person publishing reads and corrects it. The public sees
only the published text, the category and the district.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.anonymise import anonymise
from hotline.auth import Principal
from hotline.enums import AssignmentRole, AssignmentStatus, CaseStatus, CloseReason, Role
from hotline.errors import Conflict, Forbidden, NotFound
from hotline.models import Assignment, Case, TypicalCase

PUBLISHERS = (Role.SUPERVISOR, Role.ADMIN)
# A withdrawn appeal was never handled: there is nothing typical to show.
_NOT_PUBLISHABLE = (CloseReason.WITHDRAWN,)


class TypicalCaseIn(BaseModel):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    handling: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class TypicalCasePublic(BaseModel):
    id: int
    title: str
    summary: str
    handling: str
    category_code: str
    district_code: str
    published_at: datetime


async def _publishable(session: AsyncSession, case_number: str) -> Case:
    case = await session.get(Case, case_number)
    if case is None:
        raise NotFound("case_not_found", f"No case {case_number}.")
    if case.status != CaseStatus.CLOSED or case.close_reason in _NOT_PUBLISHABLE:
        raise Conflict("case_not_publishable", "Only a closed case that was handled can be published.")
    existing = (
        await session.execute(select(TypicalCase.id).where(TypicalCase.case_number == case_number))
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            "already_published", "This case is published already.", details={"typical_case": existing}
        )
    return case


async def _lead_reply(session: AsyncSession, case_number: str) -> str | None:
    return (
        await session.execute(
            select(Assignment.reply_text)
            .where(
                Assignment.case_number == case_number,
                Assignment.role == AssignmentRole.LEAD,
                Assignment.status == AssignmentStatus.REPLIED,
            )
            .order_by(col(Assignment.replied_at).desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def _require_publisher(principal: Principal) -> None:
    if principal.role not in PUBLISHERS:
        raise Forbidden("role_not_allowed", "Only a supervisor or an administrator publishes typical cases.")


async def draft(*, session: AsyncSession, principal: Principal, case_number: str) -> TypicalCaseIn:
    """The anonymised first version of the text, for the publisher to edit."""
    _require_publisher(principal)
    case = await _publishable(session, case_number)
    reply = await _lead_reply(session, case.case_number)

    def clean(text: str) -> str:
        return anonymise(text, name=case.citizen_name, phone=case.citizen_phone)

    return TypicalCaseIn(
        title=clean(case.title),
        summary=clean(case.content),
        handling=clean(reply) if reply else "—",
    )


async def publish(
    *, session: AsyncSession, principal: Principal, case_number: str, text: TypicalCaseIn
) -> TypicalCasePublic:
    _require_publisher(principal)
    case = await _publishable(session, case_number)
    row = TypicalCase(
        case_number=case.case_number,
        title=text.title,
        summary=text.summary,
        handling=text.handling,
        category_code=case.category_code,
        district_code=case.district_code,
        published_by=principal.username,
        published_at=datetime.now(UTC),
    )
    session.add(row)
    await session.commit()
    return _public(row)


async def unpublish(*, session: AsyncSession, principal: Principal, typical_id: int) -> None:
    _require_publisher(principal)
    row = await session.get(TypicalCase, typical_id)
    if row is None:
        raise NotFound("typical_case_not_found", f"No typical case {typical_id}.")
    await session.delete(row)
    await session.commit()


async def latest(*, session: AsyncSession, limit: int = 6) -> list[TypicalCasePublic]:
    rows = await session.execute(
        select(TypicalCase).order_by(col(TypicalCase.published_at).desc()).limit(limit)
    )
    return [_public(row) for row in rows.scalars()]


async def get(*, session: AsyncSession, typical_id: int) -> TypicalCasePublic:
    row = await session.get(TypicalCase, typical_id)
    if row is None:
        raise NotFound("typical_case_not_found", f"No typical case {typical_id}.")
    return _public(row)


def _public(row: TypicalCase) -> TypicalCasePublic:
    return TypicalCasePublic.model_validate(row, from_attributes=True)
