"""Shapes of the API and the pages (the naming ladder: CaseCreate → CasePublic → CasesPublic)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hotline.contracts import Attachment
from hotline.enums import AppealType, Channel
from hotline.routing import RouteChoice
from hotline.task_clock import ClockState

Tier = Literal[1, 3, 7, 11]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9-]{5,19}$")]


class CaseCreate(BaseModel):
    """An appeal as it is registered, from any channel."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "hotline",
                    "appeal_type": "help",
                    "citizen_name": "王女士",
                    "citizen_phone": "13800001234",
                    "district": "chengdong",
                    "street": "chengdong.dongguan",
                    "address": "和盛园小区二期东院115号楼",
                    "category": "water.pipe_burst",
                    "title": "小区自来水管爆裂",
                    "content": "115号楼自来水管爆裂，整栋楼停水，请尽快维修。",
                }
            ]
        }
    )

    channel: Channel
    appeal_type: AppealType
    citizen_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    citizen_phone: Phone | None = None
    anonymous: bool = False
    district: str = Field(max_length=40)
    street: str | None = Field(default=None, max_length=60)
    address: str = Field(default="", max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    category: str = Field(max_length=80)
    tier: Tier | None = Field(
        default=None, description="Urgency tier in days; the category's default if omitted"
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    route: RouteChoice | None = Field(
        default=None, description="The dispatcher's route; omitted, the dispatch catalogue's proposal is used"
    )

    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] | None = (
        Field(
            default=None,
            description="直接办结: the operator's answer to a consultation; the case closes at once",
        )
    )

    @model_validator(mode="after")
    def _contact_unless_anonymous(self) -> CaseCreate:
        if not self.anonymous and not self.citizen_phone:
            raise ValueError("citizen_phone is required unless the appeal is anonymous")
        return self

    @model_validator(mode="after")
    def _only_consultations_close_at_intake(self) -> CaseCreate:
        if self.answer is not None and self.appeal_type != AppealType.CONSULTATION:
            raise ValueError("answer (resolved at intake) is only for consultations")
        return self


class IntakeReceipt(BaseModel):
    case_number: str
    tracking_code: str
    created: bool = Field(description="False when this Idempotency-Key already made the case")


class TaskReplyCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "经过一天抢修，当日晚修复完毕，小区恢复正常供水。",
                    "outcome": "resolved",
                    "contacted_citizen": True,
                    "attachments": [
                        {"name": "现场照片.jpg", "content_type": "image/jpeg", "size_bytes": 204800}
                    ],
                }
            ]
        }
    )

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    outcome: Literal["resolved", "explained", "partly_resolved", "unresolvable"] = "resolved"
    contacted_citizen: bool = False
    contacted_at: datetime | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)


class TaskReturnCreate(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ExtensionCreate(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    due_at: AwareDatetime = Field(description="The due time the department asks for")


class DeferralCreate(BaseModel):
    plan: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    target_date: AwareDatetime = Field(description="When the case resumes")


class CasePublic(BaseModel):
    case_number: str
    channel: str
    appeal_type: str
    status: str
    district: str
    street: str | None
    category: str
    tier: int | None
    title: str
    lead_department: str | None
    dispatch_mode: str | None = None
    due_at: datetime | None
    escalation_level: int
    received_at: datetime
    closed_at: datetime | None


class CasesPublic(BaseModel):
    items: list[CasePublic]
    total: int
    page: int
    page_size: int


class AssignmentPublic(BaseModel):
    task_id: str
    department: str
    department_name: str
    role: str
    status: str
    assigned_at: datetime
    due_at: datetime
    signed_at: datetime | None = None
    sign_for_late: bool = False
    overdue: bool = False
    clock: ClockState = Field(description="on_time, warning (due soon), overdue, paused (deferred), stopped")
    extension_requested_until: datetime | None = None
    return_reason: str | None = None
    return_justified: bool | None = None
    replied_at: datetime | None
    reply_text: str | None
    outcome: str | None


class CaseEventPublic(BaseModel):
    seq: int
    kind: str
    occurred_at: datetime
    actor_user: str
    actor_role: str
    actor_department: str | None
    summary: str
    data: dict[str, Any]


class CaseLinkPublic(BaseModel):
    """Another case tied to this one: a proactive case (未诉先办) and the appeals it answers."""

    case_number: str
    kind: str  # class_of_cases
    linked_as: Literal["proactive", "member"] = Field(
        description="proactive: the case that answers this one; member: an appeal this case answers"
    )
    title: str | None = None
    status: str | None = None


class CaseDetail(CasePublic):
    place_name: str = Field(description="District and street or town, by name")
    category_name: str
    tracking_code: str
    citizen_name: str | None
    citizen_phone: str | None
    anonymous: bool
    address: str
    content: str
    rating: str | None = None
    resolved: bool | None = None
    close_reason: str | None = None
    reopen_count: int = 0
    merged_into: str | None = None
    deferred_until: datetime | None = None
    assignments: list[AssignmentPublic]
    timeline: list[CaseEventPublic]
    links: list[CaseLinkPublic] = Field(default_factory=list)


class TaskPublic(BaseModel):
    task_id: str
    case_number: str
    title: str
    category: str
    district: str
    role: str
    status: str
    assigned_at: datetime
    due_at: datetime
    signed_at: datetime | None = None
    case_status: str = ""
    clock: ClockState = Field(description="on_time, warning (due soon), overdue, paused (deferred), stopped")
    extension_requested_until: datetime | None = None
