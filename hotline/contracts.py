"""Typed objects that cross into Temporal: workflow inputs, activity arguments and results, queries.

One object per call; new fields get defaults so that running workflows keep decoding old payloads.
Read-model table rows never cross into Temporal; these small models do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hotline.enums import (
    AppealType,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    Channel,
    DispatchMode,
    EventKind,
    Level,
    Role,
)


class Actor(BaseModel):
    """Who did something: recorded with every accepted action."""

    user: str
    role: Role
    department: str | None = None


SYSTEM_ACTOR = Actor(user="system", role=Role.SYSTEM)


class Citizen(BaseModel):
    name: str | None = None
    phone: str | None = None
    anonymous: bool = False


class Place(BaseModel):
    district: str
    street: str | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


class CaseIntake(BaseModel):
    """The workflow's input: everything the citizen told us, plus who registered it."""

    case_number: str
    tracking_code: str
    channel: Channel
    appeal_type: AppealType
    citizen: Citizen
    place: Place
    category: str
    tier: int | None = None
    title: str
    content: str
    received_at: datetime
    registered_by: Actor


class RouteRequest(BaseModel):
    category: str
    district: str
    street: str | None = None


class Route(BaseModel):
    mode: DispatchMode
    lead: str
    assisting: list[str] = Field(default_factory=list)
    team: str | None = None
    level: Level
    tier: int


class DueTimeRequest(BaseModel):
    start: datetime
    tier: int


class TaskAssignment(BaseModel):
    """One department's task on a case; completed by the department through the API."""

    case_number: str
    task_id: str
    department: str
    role: AssignmentRole
    assigned_at: datetime
    due_at: datetime


class TaskReply(BaseModel):
    """What a department sends when it completes its task."""

    text: str
    outcome: str = "resolved"
    contacted_citizen: bool = False
    contacted_at: datetime | None = None
    actor: Actor
    replied_at: datetime


class CasePatch(BaseModel):
    """Case fields a projection sets; None leaves a field as it is."""

    status: CaseStatus | None = None
    lead_department: str | None = None
    dispatch_mode: DispatchMode | None = None
    tier: int | None = None
    due_at: datetime | None = None
    closed_at: datetime | None = None


class AssignmentPatch(BaseModel):
    task_id: str
    status: AssignmentStatus
    replied_at: datetime | None = None
    reply_text: str | None = None
    outcome: str | None = None


class CaseEventRecord(BaseModel):
    """One timeline entry, keyed by (case_number, seq) so that a retried projection writes it once."""

    case_number: str
    seq: int
    kind: EventKind
    occurred_at: datetime
    actor: Actor
    summary: str
    data: dict[str, Any] = Field(default_factory=dict)


class Projection(BaseModel):
    """What one step of a case writes to the read model, in one transaction."""

    event: CaseEventRecord
    intake: CaseIntake | None = None
    case: CasePatch | None = None
    assignments: list[AssignmentPatch] = Field(default_factory=list)


class TaskView(BaseModel):
    task_id: str
    department: str
    role: AssignmentRole
    status: AssignmentStatus
    due_at: datetime


class CaseView(BaseModel):
    """The workflow's current state, answered by its query."""

    case_number: str
    status: CaseStatus
    route: Route | None = None
    tasks: list[TaskView] = Field(default_factory=list)
    events: int = 0


class CaseOutcome(BaseModel):
    case_number: str
    status: CaseStatus
    closed_at: datetime
