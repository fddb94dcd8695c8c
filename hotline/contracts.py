"""Typed objects that cross into Temporal: workflow inputs, activity arguments and results, queries.

One object per call; new fields get defaults so that running workflows keep decoding old payloads.
Read-model table rows never cross into Temporal; these small models do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from hotline.enums import (
    AppealType,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    Channel,
    CloseReason,
    DispatchMode,
    EventKind,
    Level,
    Rating,
    Role,
    TaskResultKind,
)


class Actor(BaseModel):
    """Who did something: recorded with every accepted action."""

    user: str
    role: Role
    department: str | None = None
    supervision_level: int | None = None  # 1 command center, 2 supervision office, 3 discipline inspection


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


class Route(BaseModel):
    mode: DispatchMode
    lead: str
    assisting: list[str] = Field(default_factory=list)
    team: str | None = None
    level: Level
    tier: int


# Generations (docs/versioning.md): 2 writes a case's steps once per workflow task from the start, the
# `one-write-per-task` patch's new branch without the patch. Everything that starts a case sets CURRENT.
GENERATION_ONE_WRITE_PER_TASK = 2
CURRENT_GENERATION = GENERATION_ONE_WRITE_PER_TASK


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
    route: Route | None = None  # the dispatcher's route; None lets the catalogue decide
    answer: str | None = None  # 直接办结: the operator's answer to a consultation; no dispatch
    # The clock policy and first due time, fixed at intake when the route is known (see case_terms).
    terms: CaseTerms | None = None
    # Set when a long case continues as new: the state the next run starts from.
    carried: CarriedState | None = None
    # The workflow code generation the case was started under (docs/versioning.md, "Generations"):
    # behaviour that new cases take from their first workflow task on is keyed on it, not on a patch,
    # and costs the case no marker. Inputs recorded before the field existed read as generation 1.
    generation: int = 1


class RouteRequest(BaseModel):
    category: str
    district: str
    street: str | None = None


class DueTimeRequest(BaseModel):
    start: datetime
    tier: int


class CasePolicy(BaseModel):
    """The city's configurable clock and limits, read once per case through an activity."""

    warning_fraction: float = 0.75
    sign_for_minutes: dict[int, float] = Field(
        default_factory=lambda: {1: 30.0, 3: 120.0, 7: 120.0, 11: 120.0}
    )
    # After the due time passes: level 1 at once, level 2 after the first delay, level 3 after the second.
    escalation_delays: list[timedelta] = Field(default_factory=lambda: [timedelta(days=1), timedelta(days=2)])
    reopen_limit: int = 2
    visit_attempts: int = 3
    # A return visit not completed within this window closes the case as unreachable.
    visit_window: timedelta = timedelta(days=3)
    # Continue as new before Temporal's history limits (51,200 events); lower in tests.
    continue_as_new_after_events: int = 5000

    def sign_for_window(self, tier: int) -> timedelta:
        return timedelta(minutes=self.sign_for_minutes.get(tier, max(self.sign_for_minutes.values())))


class CaseTerms(BaseModel):
    """What a case dispatched at intake is held to: the policy in force and its first due time."""

    policy: CasePolicy
    due_at: datetime


class TaskAssignment(BaseModel):
    """One department's task on a case; completed by the department through the API."""

    case_number: str
    task_id: str
    department: str
    role: AssignmentRole
    assigned_at: datetime
    due_at: datetime


class Attachment(BaseModel):
    """Metadata of a file attached to a reply; the file itself lives in the document store."""

    name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=0)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class TaskReply(BaseModel):
    """What a department sends when it completes its task: a reply, or a return with its reason."""

    kind: TaskResultKind = TaskResultKind.REPLY
    attachments: list[Attachment] = Field(default_factory=list)
    text: str
    outcome: str = "resolved"
    contacted_citizen: bool = False
    contacted_at: datetime | None = None
    actor: Actor
    replied_at: datetime


class CasePatch(BaseModel):
    """Case fields a projection sets; None leaves a field as it is."""

    status: CaseStatus | None = None
    escalation_level: int | None = None
    reopen_count: int | None = None
    rating: Rating | None = None
    resolved: bool | None = None
    close_reason: CloseReason | None = None
    merged_into: str | None = None
    deferred_until: datetime | None = None
    deferral_ended: bool = False  # clears deferred_until
    lead_department: str | None = None
    dispatch_mode: DispatchMode | None = None
    tier: int | None = None
    due_at: datetime | None = None
    closed_at: datetime | None = None


class AssignmentPatch(BaseModel):
    task_id: str
    status: AssignmentStatus | None = None
    signed_at: datetime | None = None
    sign_for_late: bool | None = None
    overdue: bool | None = None
    due_at: datetime | None = None
    extension_requested_until: datetime | None = None
    extension_ruled: bool = False  # clears the pending request
    return_reason: str | None = None
    return_justified: bool | None = None
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


class Notification(BaseModel):
    """A message to send (warning, escalation, urge, reply to a citizen); goes through the outbox."""

    recipient_kind: str  # department | supervisor | citizen
    recipient: str  # department code, supervision level, or "citizen"
    template: str  # EventKind value; the sender renders it
    data: dict[str, Any] = Field(default_factory=dict)


class Projection(BaseModel):
    """What one step of a case writes to the read model, in one transaction."""

    event: CaseEventRecord
    intake: CaseIntake | None = None
    case: CasePatch | None = None
    assignments: list[AssignmentPatch] = Field(default_factory=list)
    notifications: list[Notification] = Field(default_factory=list)
    # Tasks opened since the last projection: their rows exist before any later patch touches them.
    opened_tasks: list[TaskAssignment] = Field(default_factory=list)


# ---- actions: Workflow Updates, each with the actor and a request id for safe retries ----------------


class Action(BaseModel):
    actor: Actor
    request_id: str = Field(min_length=1, max_length=128)


class SignFor(Action):
    task_id: str


class Review(Action):
    accept: bool
    reason: str | None = None  # required when sending back
    task_id: str | None = None  # which department's reply goes back; the lead's by default


class Visit(Action):
    reached: bool
    resolved: bool | None = None
    rating: Rating | None = None
    comment: str = ""


class Reroute(Action):
    """改派: the dispatcher sends the case to other departments before the reply."""

    route: Route
    reason: str


class RuleReturn(Action):
    """The dispatcher's ruling on a return (退单): justified → a new route; unjustified → back to the
    same department, counted against it."""

    task_id: str
    justified: bool
    reason: str
    route: Route | None = None  # required when justified


class RequestExtension(Action):
    """延期申请: a department asks for more time."""

    task_id: str
    reason: str
    due_at: datetime


class RuleExtension(Action):
    task_id: str
    approve: bool
    reason: str


class TaskWithdrawal(BaseModel):
    case_number: str
    task_id: str


class Withdraw(Action):
    """撤单: the citizen (through the tracking code) or the dispatcher withdraws the appeal."""

    reason: str


class MergeInto(Action):
    """并单: this (duplicate) case joins an open primary case."""

    primary: str
    reason: str


class MergedCase(BaseModel):
    case_number: str
    reason: str


class PrimaryReply(BaseModel):
    primary: str
    text: str = ""


class RequestDeferral(Action):
    """挂账申请: the department cannot solve it now for objective reasons; a plan and a target date."""

    task_id: str
    plan: str
    target_date: datetime


class RuleDeferral(Action):
    """A supervisor approves (the clock stops until the target date) or refuses a deferral."""

    approve: bool
    reason: str


class DeferralView(BaseModel):
    task_id: str | None = None  # None when a supervisor deferred the case after the reopen limit
    department: str | None = None
    plan: str
    target_date: datetime
    approved: bool = False
    departments: list[str] = Field(default_factory=list)  # who gets the case back at the target date


class Urge(Action):
    """催办: a reminder to the departments holding the case (or one of them)."""

    message: str
    department: str | None = None


class IssueOrder(Action):
    """督办单: a formal supervision order at the supervisor's own level, with a reply-by time."""

    department: str
    instructions: str
    reply_by: datetime


class AnswerOrder(Action):
    order_id: str
    text: str


class OrderView(BaseModel):
    order_id: str
    level: int
    department: str
    instructions: str
    reply_by: datetime
    issued_by: str
    issued_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


class Decision(Action):
    """A supervisor's decision once the reopen limit is reached."""

    close_as_is: bool
    reason: str
    defer_until: datetime | None = None  # 挂账 instead: the case waits until then, then is handled again


class ActionResult(BaseModel):
    status: CaseStatus
    seq: int
    # Set when this action ends the case (the last unreachable visit attempt, a satisfied visit, a
    # withdrawal): the status turns closed a moment later, once the close itself is recorded.
    closing: CloseReason | None = None


class TaskView(BaseModel):
    task_id: str
    department: str
    role: AssignmentRole
    status: AssignmentStatus
    assigned_at: datetime
    due_at: datetime
    signed_at: datetime | None = None
    sign_for_late: bool = False
    warned: bool = False
    overdue: bool = False
    escalation_level: int = 0
    extension_requested_until: datetime | None = None
    return_reason: str | None = None


class CaseView(BaseModel):
    """The workflow's current state, answered by its query."""

    case_number: str
    status: CaseStatus
    route: Route | None = None
    tasks: list[TaskView] = Field(default_factory=list)
    escalation_level: int = 0
    reopen_count: int = 0
    visit_attempts: int = 0
    urges: int = 0
    orders: list[OrderView] = Field(default_factory=list)
    deferral: DeferralView | None = None
    events: int = 0


class CaseOutcome(BaseModel):
    case_number: str
    status: CaseStatus
    closed_at: datetime
    close_reason: CloseReason | None = None
    merged_into: str | None = None
    deferred_until: datetime | None = None
    deferral_ended: bool = False  # clears deferred_until
    rating: Rating | None = None


class CarriedState(BaseModel):
    """Everything a case's next run needs after continue-as-new; its timeline goes on from `seq`."""

    status: CaseStatus
    policy: CasePolicy
    route: Route | None
    tier: int
    tasks: list[TaskView]
    awaiting_ruling: list[str]
    orders: list[OrderView]
    urges: int
    merged: list[str]
    merged_into: str | None
    reply_text: str
    deferral: DeferralView | None
    to_reissue: list[str]
    escalation: int
    reopens: int
    visit_attempts: int
    rating: Rating | None
    close_reason: CloseReason | None
    seq: int
    results: dict[str, ActionResult]


CaseIntake.model_rebuild()


class ArchiveBatch(BaseModel):
    """ArchiveClosedCases → archive_closed_cases: the next closed cases after `after`, at most `size`."""

    after: str = ""
    size: int = 100


class ArchiveBatchResult(BaseModel):
    archived: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)  # case number → why (left for the next run)
    last: str | None = None  # the cursor for the next batch; None when the batch was empty
