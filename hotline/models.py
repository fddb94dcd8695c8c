"""Read-model tables (SQLModel). A projection of the case workflows plus reference data and users.

Temporal holds each case's process; these tables serve lists, search, inboxes and reports, and can be
rebuilt from the histories. Changes go through Alembic migrations (migrations/versions).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from hotline.db import UTCDateTime


def _when(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


# ---- reference data ---------------------------------------------------------------------------------


class District(SQLModel, table=True):
    __tablename__ = "districts"
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=40)
    kind: str = Field(max_length=16)  # district | county
    sort_order: int = 0


class Street(SQLModel, table=True):
    __tablename__ = "streets"
    code: str = Field(primary_key=True, max_length=60)
    district_code: str = Field(foreign_key="districts.code", index=True, max_length=40)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=16)  # street | town
    sort_order: int = 0


class Department(SQLModel, table=True):
    __tablename__ = "departments"
    code: str = Field(primary_key=True, max_length=80)
    name: str = Field(max_length=80)
    kind: str = Field(max_length=16)  # DepartmentKind
    level: str = Field(max_length=16)  # Level
    district_code: str | None = Field(default=None, foreign_key="districts.code", max_length=40)
    street_code: str | None = Field(default=None, foreign_key="streets.code", max_length=60)
    active: bool = True


class Category(SQLModel, table=True):
    __tablename__ = "categories"
    code: str = Field(primary_key=True, max_length=80)
    name: str = Field(max_length=80)
    parent_code: str | None = Field(default=None, foreign_key="categories.code", index=True, max_length=80)
    sector_department_code: str | None = Field(default=None, foreign_key="departments.code", max_length=80)
    default_tier: int | None = None
    sort_order: int = 0


class DispatchRule(SQLModel, table=True):
    """The dispatch catalogue: category × place → lead and assisting departments."""

    __tablename__ = "dispatch_rules"
    __table_args__ = (
        UniqueConstraint("category_code", "district_code", "street_code", name="uq_dispatch_rule"),
    )
    id: int | None = Field(default=None, primary_key=True)
    category_code: str = Field(foreign_key="categories.code", index=True, max_length=80)
    district_code: str | None = Field(default=None, max_length=40)
    street_code: str | None = Field(default=None, max_length=60)
    mode: str = Field(max_length=16)  # DispatchMode
    # A department code, or "@street" / "@district": the territorial office of the case's place.
    lead: str = Field(max_length=80)
    assisting: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    team: str | None = Field(default=None, max_length=120)


class ReferenceDataVersion(SQLModel, table=True):
    __tablename__ = "reference_data_versions"
    name: str = Field(primary_key=True, max_length=40)
    version: str = Field(max_length=40)
    loaded_at: datetime = _when()


# ---- users and sessions -----------------------------------------------------------------------------


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=24)  # Role
    department_code: str | None = Field(default=None, foreign_key="departments.code", max_length=80)
    supervision_level: int | None = None
    active: bool = True


class UserSession(SQLModel, table=True):
    """A login; only the SHA-256 of the bearer token is stored."""

    __tablename__ = "user_sessions"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = _when()
    expires_at: datetime = _when()


class ApiToken(SQLModel, table=True):
    """A bearer token for an integration (channel adapter, Open311 client), scoped to one channel.

    Only its SHA-256 is stored; the token is shown once, when it is made.
    """

    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    channel: str = Field(max_length=24)  # Channel
    token_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=12)  # shown in lists so that people can tell tokens apart
    created_by: str = Field(max_length=64)
    created_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)
    last_used_at: datetime | None = _when(nullable=True)


class CaseAccess(SQLModel, table=True):
    """Who saw a citizen's contact details unmasked, or read a case as an auditor, and when."""

    __tablename__ = "case_access_log"
    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(index=True, max_length=32)
    username: str = Field(max_length=64)
    role: str = Field(max_length=24)
    kind: str = Field(max_length=16)  # unmasked | audit_read
    at: datetime = _when(index=True)


# ---- intake -----------------------------------------------------------------------------------------


class IntakeKey(SQLModel, table=True):
    """An intake request's idempotency key: the same key never makes two cases."""

    __tablename__ = "intake_keys"
    idempotency_key: str = Field(primary_key=True, max_length=128)
    case_number: str = Field(unique=True, max_length=32)
    tracking_code: str = Field(max_length=16)
    request_hash: str = Field(max_length=64)
    created_at: datetime = _when()


class CaseNumberCounter(SQLModel, table=True):
    """Per-day serial behind case numbers such as XN20261126-000123."""

    __tablename__ = "case_number_counters"
    day: str = Field(primary_key=True, max_length=8)
    last: int = 0


# ---- the case projection ----------------------------------------------------------------------------


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_due", "status", "due_at"),
        Index("ix_cases_district_street", "district_code", "street_code"),
    )
    case_number: str = Field(primary_key=True, max_length=32)
    tracking_code: str = Field(unique=True, max_length=16)
    channel: str = Field(index=True, max_length=24)
    appeal_type: str = Field(max_length=16)
    status: str = Field(index=True, max_length=24)
    citizen_name: str | None = Field(default=None, max_length=64)
    citizen_phone: str | None = Field(default=None, max_length=32)
    anonymous: bool = False
    district_code: str = Field(max_length=40)
    street_code: str | None = Field(default=None, max_length=60)
    address: str = Field(default="", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    category_code: str = Field(index=True, max_length=80)
    tier: int | None = None
    title: str = Field(max_length=200)
    content: str
    lead_department_code: str | None = Field(default=None, index=True, max_length=80)
    dispatch_mode: str | None = Field(default=None, max_length=16)
    due_at: datetime | None = _when(nullable=True, index=True)
    escalation_level: int = Field(default=0, index=True)
    reopen_count: int = 0
    rating: str | None = Field(default=None, max_length=24)  # Rating
    resolved: bool | None = None
    close_reason: str | None = Field(default=None, max_length=24)  # CloseReason
    merged_into: str | None = Field(default=None, max_length=32)  # the primary case of a duplicate
    deferred_until: datetime | None = _when(nullable=True)  # 挂账 target date while deferred
    received_at: datetime = _when(index=True)
    updated_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True, index=True)
    last_event_seq: int = 0


class Assignment(SQLModel, table=True):
    """A department's task on a case (办理任务). The task token lets the department complete it."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_department_status", "department_code", "status"),)
    task_id: str = Field(primary_key=True, max_length=64)
    case_number: str = Field(foreign_key="cases.case_number", index=True, max_length=32)
    department_code: str = Field(foreign_key="departments.code", max_length=80)
    role: str = Field(max_length=16)  # AssignmentRole
    status: str = Field(max_length=16)  # AssignmentStatus
    task_token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    assigned_at: datetime = _when(index=True)
    due_at: datetime = _when(index=True)
    signed_at: datetime | None = _when(nullable=True)
    sign_for_late: bool = False
    overdue: bool = False
    extension_requested_until: datetime | None = _when(nullable=True)
    return_reason: str | None = None
    # 无故退单 counts against the department: False here is an unjustified return.
    return_justified: bool | None = None
    replied_at: datetime | None = _when(nullable=True)
    reply_text: str | None = None
    outcome: str | None = Field(default=None, max_length=32)


class CaseEvent(SQLModel, table=True):
    """The timeline: one row per accepted action or system step, in workflow order."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_kind_occurred_at", "kind", "occurred_at"),)  # metrics: 挂账 stock
    case_number: str = Field(primary_key=True, foreign_key="cases.case_number", max_length=32)
    seq: int = Field(primary_key=True)
    kind: str = Field(max_length=32)
    occurred_at: datetime = _when()
    actor_user: str = Field(max_length=64)
    actor_role: str = Field(max_length=24)
    actor_department: str | None = Field(default=None, max_length=80)
    summary: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """Notifications to send (warnings, escalations, urges, replies to citizens), written in the same
    transaction as the event that causes them; a sender delivers them and marks them sent."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("case_number", "seq", "position", name="uq_outbox_event_position"),)
    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(foreign_key="cases.case_number", max_length=32)
    seq: int
    position: int
    recipient_kind: str = Field(max_length=16)
    recipient: str = Field(max_length=80)
    template: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True, index=True)


# ---- 宣: what the public sees ------------------------------------------------------------------------


class TypicalCase(SQLModel, table=True):
    """A closed case published as a typical case (典型案例): an anonymised text a supervisor edited.

    Only what is here is shown to the public; the case itself stays private.
    """

    __tablename__ = "typical_cases"
    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(foreign_key="cases.case_number", unique=True, max_length=32)
    title: str = Field(max_length=200)
    summary: str
    handling: str
    category_code: str = Field(max_length=80)
    district_code: str = Field(max_length=40)
    published_by: str = Field(max_length=64)
    published_at: datetime = _when(index=True)


# ---- audit: closed cases' histories kept outside Temporal --------------------------------------------


class CaseArchive(SQLModel, table=True):
    """A closed case's whole Temporal history (every run), kept after the namespace's retention.

    `histories` is gzip of one canonical JSON document (`hotline/archive.py`); `content_sha256` is the
    SHA-256 of that JSON before compression, checked on every read.
    """

    __tablename__ = "case_archives"
    case_number: str = Field(primary_key=True, max_length=32)
    histories: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    content_sha256: str = Field(max_length=64)
    event_count: int
    run_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    closed_at: datetime = _when(index=True)
    archived_at: datetime = _when()


# ---- 报: reports (daily, weekly, monthly, annual), every run kept as a version --------------------------


class Report(SQLModel, table=True):
    """One generated report: its kind, the period it covers (local dates, `period_end` exclusive) and
    its content (hotline/report_content.py) as JSON. A re-run for the same period adds a version."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("kind", "period_start", "version", name="uq_reports_kind_period_version"),
        Index("ix_reports_kind_period", "kind", "period_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # ReportKind
    period_key: str = Field(max_length=16)  # 2026-11-25, 2026-W48, 2026-11, 2026
    period_start: date
    period_end: date
    version: int
    generated_at: datetime = _when()
    generated_by: str = Field(max_length=16)  # schedule | user
    requested_by: str | None = Field(default=None, max_length=64)  # the user's name when on demand
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# ---- 未诉先办: proactive governance cases and the cases they answer ------------------------------------


class CaseLink(SQLModel, table=True):
    """A proactive governance case (未诉先办) and one of the appeals it was started from: together they are
    "one class of cases" (一类事). The proactive case's own row may not be projected yet, so no key on it."""

    __tablename__ = "case_links"
    case_number: str = Field(primary_key=True, max_length=32)
    member_case_number: str = Field(
        primary_key=True, foreign_key="cases.case_number", index=True, max_length=32
    )
    kind: str = Field(default="class_of_cases", max_length=24)
    created_by: str = Field(max_length=64)
    created_at: datetime = _when(index=True)


# ---- 评: the monthly evaluation of departments ----------------------------------------------------------


class EvaluationRecord(SQLModel, table=True):
    """One department's evaluation for one month, in one version (hotline/evaluation.py). A re-run of a
    month writes a new version beside the old ones; readers take the highest version of the month."""

    __tablename__ = "department_evaluations"
    __table_args__ = (
        UniqueConstraint("month", "version", "department_code", name="uq_department_evaluations_version"),
        Index("ix_department_evaluations_department_month", "department_code", "month"),
    )
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)  # YYYY-MM, the city's calendar month
    version: int
    department_code: str = Field(foreign_key="departments.code", max_length=80)
    score: float | None = None
    zone: str | None = Field(default=None, max_length=8)  # Zone; none when not ranked
    rank: int | None = None
    components: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = _when()
    # Who computed it (the workflow run): a retried activity finds its version instead of adding one.
    run_key: str | None = Field(default=None, max_length=200)
