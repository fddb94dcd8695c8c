"""The case list's filters and sorting, as one typed object; queues are named filters.

Every filter is a SQL predicate over indexed columns (or an EXISTS over assignments by department and
status), so lists stay one query whatever is combined.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, exists, or_
from sqlmodel import col, select

from hotline.enums import AssignmentStatus, CaseStatus
from hotline.errors import Forbidden
from hotline.models import Assignment, Case

_LIVE = (AssignmentStatus.OPEN, AssignmentStatus.SIGNED)


class SortKey(StrEnum):
    RECEIVED_AT = "received_at"
    DUE_AT = "due_at"
    ESCALATION_LEVEL = "escalation_level"
    UPDATED_AT = "updated_at"


class CaseFilter(BaseModel):
    status: list[CaseStatus] = Field(default_factory=list)
    district: str | None = None
    street: str | None = None
    category: str | None = None
    department: str | None = Field(default=None, description="Any department that holds or held a task")
    tier: int | None = Field(default=None, ge=1, le=30)
    channel: str | None = None
    overdue: bool | None = Field(default=None, description="Open cases past their due time")
    escalation_min: int | None = Field(default=None, ge=0, le=3)
    received_from: datetime | None = None
    received_to: datetime | None = None
    text: str | None = Field(default=None, max_length=100, description="In title, content or address")
    awaiting_ruling: bool = Field(default=False, description="A department's return waits for a ruling")
    extension_requested: bool = Field(default=False, description="An extension request waits for a ruling")
    sort: SortKey = SortKey.RECEIVED_AT
    descending: bool = True
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=20, ge=1, le=200)


class Queue(StrEnum):
    """Work queues: each a named filter, for the role that works it."""

    NEW = "new"
    RETURNED = "returned"
    REVIEW = "review"
    OVERDUE = "overdue"
    DEFERRED = "deferred"
    EXTENSIONS = "extensions"
    ESCALATED = "escalated"
    DECISIONS = "decisions"
    VISITS = "visits"


def queue_filter(queue: Queue, supervision_level: int | None, page: int, page_size: int) -> CaseFilter:
    paging = {"page": page, "page_size": page_size}
    match queue:
        case Queue.NEW:
            return CaseFilter(status=[CaseStatus.REGISTERED], **paging)
        case Queue.RETURNED:
            return CaseFilter(awaiting_ruling=True, **paging)
        case Queue.REVIEW:
            return CaseFilter(
                status=[CaseStatus.REPLIED], sort=SortKey.UPDATED_AT, descending=False, **paging
            )
        case Queue.OVERDUE:
            return CaseFilter(overdue=True, sort=SortKey.DUE_AT, descending=False, **paging)
        case Queue.DEFERRED:
            return CaseFilter(status=[CaseStatus.DEFERRED], sort=SortKey.DUE_AT, descending=False, **paging)
        case Queue.EXTENSIONS:
            return CaseFilter(extension_requested=True, **paging)
        case Queue.ESCALATED:
            if supervision_level is None:
                raise Forbidden("role_not_allowed", "Only supervisors have an escalation queue.")
            open_states = [s for s in CaseStatus if s != CaseStatus.CLOSED]
            return CaseFilter(
                status=open_states, escalation_min=supervision_level, sort=SortKey.ESCALATION_LEVEL, **paging
            )
        case Queue.DECISIONS:
            return CaseFilter(status=[CaseStatus.AWAITING_DECISION], **paging)
        case Queue.VISITS:
            return CaseFilter(
                status=[CaseStatus.VISITING], sort=SortKey.UPDATED_AT, descending=False, **paging
            )


def predicates(f: CaseFilter) -> list[Any]:
    """The SQL conditions a filter stands for."""
    conditions: list[Any] = []
    equal = {
        "district_code": f.district,
        "street_code": f.street,
        "category_code": f.category,
        "tier": f.tier,
        "channel": f.channel,
    }
    conditions += [getattr(Case, column) == value for column, value in equal.items() if value is not None]
    if f.status:
        conditions.append(col(Case.status).in_([s.value for s in f.status]))
    if f.department is not None:
        conditions.append(_has_task(Assignment.department_code == f.department))
    if f.overdue is not None:
        late = and_(col(Case.status) == CaseStatus.HANDLING, col(Case.due_at) < datetime.now(UTC))
        conditions.append(late if f.overdue else ~late)
    if f.escalation_min is not None:
        conditions.append(col(Case.escalation_level) >= f.escalation_min)
    if f.received_from is not None:
        conditions.append(col(Case.received_at) >= f.received_from)
    if f.received_to is not None:
        conditions.append(col(Case.received_at) < f.received_to)
    if f.text:
        like = f"%{f.text}%"
        conditions.append(
            or_(col(Case.title).like(like), col(Case.content).like(like), col(Case.address).like(like))
        )
    if f.awaiting_ruling:
        conditions.append(
            _has_task(
                and_(
                    col(Assignment.status) == AssignmentStatus.RETURNED,
                    col(Assignment.return_justified).is_(None),
                )
            )
        )
    if f.extension_requested:
        conditions.append(
            _has_task(
                and_(
                    col(Assignment.extension_requested_until).is_not(None), col(Assignment.status).in_(_LIVE)
                )
            )
        )
    return conditions


def order(f: CaseFilter) -> Any:
    column = col(getattr(Case, f.sort.value))
    return (column.desc() if f.descending else column.asc()), col(Case.case_number).desc()


def _has_task(condition: Any) -> Any:
    return exists(select(Assignment.task_id).where(Assignment.case_number == Case.case_number, condition))
