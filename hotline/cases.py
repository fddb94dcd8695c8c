"""Reading cases from the read model: lists with filters, one case with its tasks and timeline.

Personal data is masked here, by role, so that no page or endpoint can forget to.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from hotline import proactive
from hotline.auth import Principal
from hotline.case_filters import CaseFilter, Queue, order, predicates, queue_filter
from hotline.enums import Role
from hotline.errors import Forbidden, NotFound
from hotline.models import Assignment, Case, CaseAccess, CaseEvent, Category, Department, District, Street
from hotline.schemas import AssignmentPublic, CaseDetail, CaseEventPublic, CasePublic, CasesPublic
from hotline.task_clock import clock_state

# Roles that must call the citizen see the contact details in full (DESIGN.md, 回访 and 办理).
_UNMASKED_ROLES = {Role.DISPATCHER, Role.VISIT_OPERATOR}
_STAFF_ROLES = {Role.DISPATCHER, Role.SUPERVISOR, Role.VISIT_OPERATOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN}


async def list_cases(*, session: AsyncSession, principal: Principal, case_filter: CaseFilter) -> CasesPublic:
    query = select(Case)
    if principal.role == Role.DEPARTMENT:
        query = query.where(col(Case.case_number).in_(_own_case_numbers(principal)))
    elif principal.role not in _STAFF_ROLES:
        raise Forbidden("role_not_allowed", "Your role cannot list cases.")
    query = query.where(*predicates(case_filter))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (
        (
            await session.execute(
                query.order_by(*order(case_filter))
                .offset((case_filter.page - 1) * case_filter.page_size)
                .limit(case_filter.page_size)
            )
        )
        .scalars()
        .all()
    )
    return CasesPublic(
        items=[_public(row) for row in rows],
        total=total,
        page=case_filter.page,
        page_size=case_filter.page_size,
    )


def _own_case_numbers(principal: Principal) -> SelectOfScalar[str]:
    return select(Assignment.case_number).where(Assignment.department_code == principal.department)


async def get_case(
    *, session: AsyncSession, principal: Principal, case_number: str, warning_fraction: float
) -> CaseDetail:
    if principal.role not in _STAFF_ROLES | {Role.DEPARTMENT}:
        raise Forbidden("role_not_allowed", "Your role cannot read cases.")
    case = await session.get(Case, case_number)
    if case is None:
        raise NotFound("case_not_found", f"No case {case_number}.")
    assignments = (
        await session.execute(
            select(Assignment, Department.name)
            .join(Department, col(Department.code) == col(Assignment.department_code))
            .where(Assignment.case_number == case_number)
            .order_by(col(Assignment.assigned_at), col(Assignment.task_id))
        )
    ).all()
    departments = {a.department_code for a, _ in assignments}
    if principal.role == Role.DEPARTMENT and principal.department not in departments:
        raise Forbidden("not_your_case", "This case is not assigned to your department.")
    events = (
        (
            await session.execute(
                select(CaseEvent).where(CaseEvent.case_number == case_number).order_by(col(CaseEvent.seq))
            )
        )
        .scalars()
        .all()
    )
    unmasked = principal.role in _UNMASKED_ROLES or principal.department in departments
    await _log_access(session, principal, case, unmasked)
    now = datetime.now(UTC)
    return CaseDetail(
        **_public(case).model_dump(),
        place_name=await _place_name(session, case),
        category_name=(
            await session.get(Category, case.category_code) or Category(code="", name=case.category_code)
        ).name,
        tracking_code=case.tracking_code,
        citizen_name=case.citizen_name if unmasked else mask_name(case.citizen_name),
        citizen_phone=case.citizen_phone if unmasked else mask_phone(case.citizen_phone),
        anonymous=case.anonymous,
        address=case.address,
        content=case.content,
        rating=case.rating,
        resolved=case.resolved,
        close_reason=case.close_reason,
        reopen_count=case.reopen_count,
        merged_into=case.merged_into,
        deferred_until=case.deferred_until,
        assignments=[
            AssignmentPublic(
                **a.model_dump(exclude={"task_token"}),
                department=a.department_code,
                department_name=name,
                clock=clock_state(
                    task_status=a.status,
                    case_status=case.status,
                    assigned_at=a.assigned_at,
                    due_at=a.due_at,
                    overdue=a.overdue,
                    now=now,
                    warning_fraction=warning_fraction,
                ),
            )
            for a, name in assignments
        ],
        timeline=[CaseEventPublic.model_validate(e, from_attributes=True) for e in events],
        links=await proactive.links(session=session, case_number=case_number),
    )


async def _log_access(session: AsyncSession, principal: Principal, case: Case, unmasked: bool) -> None:
    """Each sight of a citizen's contact details, and each auditor's read, is logged."""
    shows_contact = unmasked and bool(case.citizen_phone or case.citizen_name)
    kind = "unmasked" if shows_contact else "audit_read" if principal.role == Role.AUDITOR else None
    if kind is None:
        return
    session.add(
        CaseAccess(
            case_number=case.case_number,
            username=principal.username,
            role=principal.role.value,
            kind=kind,
            at=datetime.now(UTC),
        )
    )
    await session.commit()


async def _place_name(session: AsyncSession, case: Case) -> str:
    district = await session.get(District, case.district_code)
    street = await session.get(Street, case.street_code) if case.street_code else None
    return " ".join(place.name for place in (district, street) if place is not None)


def _public(case: Case) -> CasePublic:
    return CasePublic(
        case_number=case.case_number,
        channel=case.channel,
        appeal_type=case.appeal_type,
        status=case.status,
        district=case.district_code,
        street=case.street_code,
        category=case.category_code,
        tier=case.tier,
        title=case.title,
        lead_department=case.lead_department_code,
        dispatch_mode=case.dispatch_mode,
        due_at=case.due_at,
        escalation_level=case.escalation_level,
        received_at=case.received_at,
        closed_at=case.closed_at,
    )


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**: the family name is enough to greet, not to identify."""
    return None if not name else name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not phone:
        return None
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# Who works which queue.
_QUEUE_ROLES = {
    Queue.NEW: Role.DISPATCHER,
    Queue.RETURNED: Role.DISPATCHER,
    Queue.REVIEW: Role.DISPATCHER,
    Queue.OVERDUE: Role.DISPATCHER,
    Queue.DEFERRED: Role.DISPATCHER,
    Queue.EXTENSIONS: Role.DISPATCHER,
    Queue.ESCALATED: Role.SUPERVISOR,
    Queue.DECISIONS: Role.SUPERVISOR,
    Queue.VISITS: Role.VISIT_OPERATOR,
}


async def queue(
    *, session: AsyncSession, principal: Principal, name: Queue, page: int = 1, page_size: int = 20
) -> CasesPublic:
    principal.require(_QUEUE_ROLES[name])
    case_filter = queue_filter(name, principal.supervision_level, page, page_size)
    return await list_cases(session=session, principal=principal, case_filter=case_filter)
