"""Actions on a running case: review (审核), return visit (回访), a supervisor's decision."""

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.access import Department, Dispatcher, Supervisor, VisitOperator
from api.deps import IdempotencyKey, SessionDep, TemporalDep
from hotline import actions, dispatch
from hotline.contracts import (
    ActionResult,
    AnswerOrder,
    Decision,
    IssueOrder,
    Review,
    RuleDeferral,
    Urge,
    Visit,
    Withdraw,
)
from hotline.enums import Rating
from hotline.routing import RouteChoice

router = APIRouter(prefix="/api/v1/cases/{case_number}", tags=["case actions"])


class ReviewIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"accept": True}, {"accept": False, "reason": "答复未说明维修结果"}]}
    )

    accept: bool
    reason: str | None = Field(default=None, max_length=1000, description="Required when sending back")
    task_id: str | None = Field(default=None, description="The reply that goes back; the lead's by default")


class VisitIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reached": True, "resolved": True, "rating": "satisfied", "comment": "修得很快"},
                {"reached": False, "comment": "无人接听"},
            ]
        }
    )

    reached: bool
    resolved: bool | None = None
    rating: Rating | None = None
    comment: str = Field(default="", max_length=2000)


class RerouteIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"route": {"mode": "direct", "lead": "company.realestate"}, "reason": "小区内部管网"}
            ]
        }
    )

    route: RouteChoice
    reason: str = Field(min_length=1, max_length=1000)


class ReturnRulingIn(BaseModel):
    justified: bool
    reason: str = Field(min_length=1, max_length=1000)
    route: RouteChoice | None = Field(
        default=None, description="Where the case goes instead; required when justified"
    )


class ExtensionRulingIn(BaseModel):
    approve: bool
    reason: str = Field(min_length=1, max_length=1000)


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class UrgeIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"message": "请于今日内答复处理进展"}]})

    message: str = Field(min_length=1, max_length=1000)
    department: str | None = Field(
        default=None, description="One department; all holding the case if omitted"
    )


class OrderIn(BaseModel):
    department: str
    instructions: str = Field(min_length=1, max_length=2000)
    reply_by: AwareDatetime


class OrderAnswerIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class MergeIn(BaseModel):
    primary: str = Field(description="The open case this duplicate joins")
    reason: str = Field(min_length=1, max_length=1000)


class DecisionIn(BaseModel):
    close_as_is: bool
    reason: str = Field(min_length=1, max_length=1000)
    defer_until: AwareDatetime | None = Field(
        default=None, description="挂账 until then instead of reopening"
    )


@router.post("/reroute", response_model=ActionResult)
async def reroute(
    case_number: str,
    body: RerouteIn,
    user: Dispatcher,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """改派: other departments take over before the reply; withdrawn tasks are voided."""
    return await dispatch.reroute(
        session=session,
        client=client,
        principal=user,
        case_number=case_number,
        choice=body.route,
        reason=body.reason,
        idempotency_key=idempotency_key,
    )


@router.post("/returns/{task_id}/ruling", response_model=ActionResult)
async def rule_return(
    case_number: str,
    task_id: str,
    body: ReturnRulingIn,
    user: Dispatcher,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Ruling on a 退单: justified → the given route; unjustified (无故退单) → back to the same department."""
    return await dispatch.rule_return(
        session=session,
        client=client,
        principal=user,
        case_number=case_number,
        task_id=task_id,
        justified=body.justified,
        reason=body.reason,
        choice=body.route,
        idempotency_key=idempotency_key,
    )


@router.post("/extensions/{task_id}/ruling", response_model=ActionResult)
async def rule_extension(
    case_number: str,
    task_id: str,
    body: ExtensionRulingIn,
    user: Dispatcher,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Approve (the clock moves) or refuse a department's extension request."""
    return await dispatch.rule_extension(
        client=client,
        principal=user,
        case_number=case_number,
        task_id=task_id,
        approve=body.approve,
        reason=body.reason,
        idempotency_key=idempotency_key,
    )


@router.post("/review", response_model=ActionResult)
async def review(
    case_number: str,
    body: ReviewIn,
    user: Dispatcher,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    return await actions.act(
        client=client,
        case_number=case_number,
        update="review",
        kind=Review,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )


@router.post("/visits", response_model=ActionResult)
async def visit(
    case_number: str,
    body: VisitIn,
    user: VisitOperator,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    return await actions.act(
        client=client,
        case_number=case_number,
        update="visit",
        kind=Visit,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )


@router.post("/merge", response_model=ActionResult)
async def merge(
    case_number: str,
    body: MergeIn,
    user: Dispatcher,
    session: SessionDep,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """并单: this duplicate joins an open case; its citizen gets that case's reply and a return visit."""
    return await dispatch.merge(
        session=session,
        client=client,
        principal=user,
        case_number=case_number,
        primary=body.primary,
        reason=body.reason,
        idempotency_key=idempotency_key,
    )


@router.post("/withdraw", response_model=ActionResult)
async def withdraw(
    case_number: str,
    body: WithdrawIn,
    user: Dispatcher,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """撤单 by the dispatcher (citizens withdraw through the public tracking page)."""
    return await actions.act(
        client=client,
        case_number=case_number,
        update="withdraw",
        kind=Withdraw,
        principal=user,
        idempotency_key=idempotency_key,
        reason=body.reason,
    )


@router.post("/urge", response_model=ActionResult)
async def urge(
    case_number: str,
    body: UrgeIn,
    user: Supervisor,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """催办 at the supervisor's own level."""
    return await actions.act(
        client=client,
        case_number=case_number,
        update="urge",
        kind=Urge,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )


@router.post("/orders", response_model=ActionResult)
async def issue_order(
    case_number: str,
    body: OrderIn,
    user: Supervisor,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """督办单 at the supervisor's own level, with a reply-by time."""
    return await actions.act(
        client=client,
        case_number=case_number,
        update="issue_order",
        kind=IssueOrder,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )


@router.post("/orders/{order_id}/answer", response_model=ActionResult)
async def answer_order(
    case_number: str,
    order_id: str,
    body: OrderAnswerIn,
    user: Department,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """The addressed department answers a supervision order."""
    return await actions.act(
        client=client,
        case_number=case_number,
        update="answer_order",
        kind=AnswerOrder,
        principal=user,
        idempotency_key=idempotency_key,
        order_id=order_id,
        text=body.text,
    )


@router.post("/deferral/ruling", response_model=ActionResult)
async def rule_deferral(
    case_number: str,
    body: ExtensionRulingIn,
    user: Supervisor,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """A supervisor approves (the clock stops until the target date) or refuses a deferral."""
    return await actions.act(
        client=client,
        case_number=case_number,
        update="rule_deferral",
        kind=RuleDeferral,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )


@router.post("/decision", response_model=ActionResult)
async def decide(
    case_number: str,
    body: DecisionIn,
    user: Supervisor,
    client: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    return await actions.act(
        client=client,
        case_number=case_number,
        update="decide",
        kind=Decision,
        principal=user,
        idempotency_key=idempotency_key,
        **body.model_dump(),
    )
