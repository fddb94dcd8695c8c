"""Which actions a case page offers to the person looking at it.

This only decides which forms to show; the workflow's validators remain the rule, and a form shown a
moment too late is refused there with a clear message. It mirrors their conditions from the read model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hotline.auth import Principal
from hotline.enums import AssignmentStatus, CaseStatus, CloseReason, EventKind, Role
from hotline.schemas import AssignmentPublic, CaseDetail

_LIVE = {AssignmentStatus.OPEN.value, AssignmentStatus.SIGNED.value}
_WITHDRAWABLE = {
    CaseStatus.HANDLING.value,
    CaseStatus.REPLIED.value,
    CaseStatus.VISITING.value,
    CaseStatus.MERGED.value,
    CaseStatus.DEFERRED.value,
    CaseStatus.AWAITING_DECISION.value,
}


@dataclass(frozen=True)
class Order:
    """A supervision order (督办单) as the timeline tells it."""

    order_id: str
    level: int
    department: str
    instructions: str
    reply_by: str
    answered: bool


@dataclass
class Offers:
    review: bool = False
    reroute: bool = False
    merge: bool = False
    withdraw: bool = False
    return_rulings: list[AssignmentPublic] = field(default_factory=list)
    extension_rulings: list[AssignmentPublic] = field(default_factory=list)
    my_tasks: list[AssignmentPublic] = field(default_factory=list)
    my_orders: list[Order] = field(default_factory=list)
    urge_departments: list[str] = field(default_factory=list)
    order_departments: list[str] = field(default_factory=list)
    deferral_ruling: bool = False
    decision: bool = False
    visit: bool = False
    publish_typical: bool = False  # 宣: a closed case may become a published, anonymised typical case
    audit: bool = False  # the case's history, clock and replay for auditors and admins

    @property
    def any(self) -> bool:
        return any(
            (
                self.review,
                self.reroute,
                self.merge,
                self.withdraw,
                self.return_rulings,
                self.extension_rulings,
                self.my_tasks,
                [o for o in self.my_orders if not o.answered],
                self.urge_departments,
                self.order_departments,
                self.deferral_ruling,
                self.decision,
                self.visit,
            )
        )


def orders(case: CaseDetail) -> list[Order]:
    answered = {e.data.get("order_id") for e in case.timeline if e.kind == EventKind.ORDER_ANSWERED}
    return [
        Order(
            order_id=str(e.data["order_id"]),
            level=int(e.data.get("level", 0)),
            department=str(e.data.get("department", "")),
            instructions=str(e.data.get("instructions", "")),
            reply_by=str(e.data.get("reply_by", "")),
            answered=e.data["order_id"] in answered,
        )
        for e in case.timeline
        if e.kind == EventKind.ORDER_ISSUED and "order_id" in e.data
    ]


def deferral_waiting(case: CaseDetail) -> bool:
    """A department asked to defer (挂账) and no supervisor has ruled yet."""
    kinds = [e.kind for e in case.timeline if e.kind.startswith("deferral_")]
    return bool(kinds) and kinds[-1] == EventKind.DEFERRAL_REQUESTED


def _awaits_ruling(task: AssignmentPublic) -> bool:
    return task.status == AssignmentStatus.RETURNED and task.return_justified is None


def for_case(user: Principal, case: CaseDetail) -> Offers:
    live = [a for a in case.assignments if a.status in _LIVE]
    offers = Offers()
    offers.publish_typical = (
        user.role in {Role.SUPERVISOR, Role.ADMIN}
        and case.status == CaseStatus.CLOSED
        and case.close_reason != CloseReason.WITHDRAWN
    )
    offers.audit = user.role in {Role.AUDITOR, Role.ADMIN}
    match user.role:
        case Role.DISPATCHER:
            offers.review = case.status == CaseStatus.REPLIED
            offers.reroute = case.status == CaseStatus.HANDLING
            offers.merge = case.status in {CaseStatus.HANDLING, CaseStatus.REPLIED}
            offers.withdraw = case.status in _WITHDRAWABLE
            offers.return_rulings = [a for a in case.assignments if _awaits_ruling(a)]
            offers.extension_rulings = [a for a in live if a.extension_requested_until is not None]
        case Role.DEPARTMENT:
            offers.my_tasks = [a for a in live if a.department == user.department]
            offers.my_orders = [o for o in orders(case) if o.department == user.department]
        case Role.SUPERVISOR:
            offers.urge_departments = sorted({a.department for a in live})
            if case.status != CaseStatus.CLOSED:
                offers.order_departments = sorted({a.department for a in case.assignments})
            offers.deferral_ruling = deferral_waiting(case)
            offers.decision = case.status == CaseStatus.AWAITING_DECISION
        case Role.VISIT_OPERATOR:
            offers.visit = case.status == CaseStatus.VISITING
    return offers
