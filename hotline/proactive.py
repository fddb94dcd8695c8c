"""未诉先办 Proactive governance: a supervisor turns a class of similar appeals into one case of its own.

The proactive case is registered through hotline.intake like any appeal (channel `proactive`, no citizen
to call back), so it is dispatched, handled, supervised and closed like any other; `case_links` ties it
to the appeals it answers ("one class of cases", 一类事). The same Idempotency-Key gives the same case
and adds no second set of links.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col
from temporalio.client import Client

from hotline import intake
from hotline.contracts import Actor
from hotline.db import insert_for
from hotline.enums import AppealType, Channel
from hotline.errors import Invalid
from hotline.intake import IntakeConfig
from hotline.metrics import Period
from hotline.models import Case, CaseLink
from hotline.routing import RouteChoice
from hotline.schemas import CaseCreate, CaseLinkPublic, IntakeReceipt, Tier

CLASS_OF_CASES = "class_of_cases"
MAX_MEMBERS = 500


class ProactiveCaseCreate(BaseModel):
    """A proactive case started from a cluster of appeals (its members)."""

    members: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]] = (
        Field(min_length=1, max_length=MAX_MEMBERS, description="Case numbers of the appeals it answers")
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    category: str = Field(max_length=80)
    district: str = Field(max_length=40)
    street: str | None = Field(default=None, max_length=60)
    address: str = Field(default="", max_length=200)
    tier: Tier | None = None
    route: RouteChoice | None = Field(
        default=None, description="The route; omitted, the dispatch catalogue's proposal is used"
    )


class LinkedCase(BaseModel):
    case_number: str
    title: str | None = None  # None until the case's row is projected
    status: str | None = None


class ProactiveCase(LinkedCase):
    category: str | None = None
    district: str | None = None
    created_by: str
    created_at: datetime
    members: list[LinkedCase]


async def start(
    *,
    session: AsyncSession,
    client: Client,
    config: IntakeConfig,
    case_in: ProactiveCaseCreate,
    idempotency_key: str,
    actor: Actor,
) -> IntakeReceipt:
    members = list(dict.fromkeys(case_in.members))
    known = set(
        (await session.execute(select(col(Case.case_number)).where(col(Case.case_number).in_(members))))
        .scalars()
        .all()
    )
    if missing := [m for m in members if m not in known]:
        raise Invalid(
            "unknown_member_cases", f"No cases {', '.join(missing)}.", {"field": "members", "cases": missing}
        )
    receipt = await intake.submit(
        session=session,
        client=client,
        config=config,
        case_in=CaseCreate(
            channel=Channel.PROACTIVE,
            appeal_type=AppealType.HELP,
            anonymous=True,
            district=case_in.district,
            street=case_in.street,
            address=case_in.address,
            category=case_in.category,
            tier=case_in.tier,
            title=case_in.title,
            content=case_in.content,
            route=case_in.route,
        ),
        idempotency_key=idempotency_key,
        actor=actor,
    )
    now = datetime.now(UTC)
    statement = insert_for(session, CaseLink).values(
        [
            {
                "case_number": receipt.case_number,
                "member_case_number": member,
                "kind": CLASS_OF_CASES,
                "created_by": actor.user,
                "created_at": now,
            }
            for member in members
        ]
    )
    keys = ["case_number", "member_case_number"]
    await session.execute(statement.on_conflict_do_nothing(index_elements=keys))
    await session.commit()
    return receipt


async def links(*, session: AsyncSession, case_number: str) -> list[CaseLinkPublic]:
    """The case's links both ways: its member appeals, or the proactive cases that answer it."""
    other = aliased(Case)
    rows = (
        await session.execute(
            select(CaseLink, col(other.title), col(other.status))
            .outerjoin(
                other,
                or_(
                    (col(CaseLink.case_number) == case_number)
                    & (col(other.case_number) == col(CaseLink.member_case_number)),
                    (col(CaseLink.member_case_number) == case_number)
                    & (col(other.case_number) == col(CaseLink.case_number)),
                ),
            )
            .where(
                or_(col(CaseLink.case_number) == case_number, col(CaseLink.member_case_number) == case_number)
            )
            .order_by(col(CaseLink.created_at), col(CaseLink.case_number), col(CaseLink.member_case_number))
        )
    ).all()
    return [
        CaseLinkPublic(
            case_number=link.member_case_number if link.case_number == case_number else link.case_number,
            kind=link.kind,
            linked_as="member" if link.case_number == case_number else "proactive",
            title=title,
            status=status,
        )
        for link, title, status in rows
    ]


async def started(*, session: AsyncSession, period: Period) -> list[ProactiveCase]:
    """Proactive cases whose links were made in the period, with their members, oldest first."""
    lead, member = aliased(Case), aliased(Case)
    rows = (
        await session.execute(
            select(CaseLink, lead, col(member.title), col(member.status))
            .outerjoin(lead, col(lead.case_number) == col(CaseLink.case_number))
            .outerjoin(member, col(member.case_number) == col(CaseLink.member_case_number))
            .where(
                col(CaseLink.kind) == CLASS_OF_CASES,
                col(CaseLink.created_at) >= period.since,
                col(CaseLink.created_at) < period.until,
            )
            .order_by(col(CaseLink.created_at), col(CaseLink.case_number), col(CaseLink.member_case_number))
        )
    ).all()
    found: dict[str, ProactiveCase] = {}
    for link, case, title, status in rows:
        entry = found.get(link.case_number)
        if entry is None:
            entry = found[link.case_number] = ProactiveCase(
                case_number=link.case_number,
                title=case.title if case else None,
                status=case.status if case else None,
                category=case.category_code if case else None,
                district=case.district_code if case else None,
                created_by=link.created_by,
                created_at=link.created_at,
                members=[],
            )
        entry.members.append(LinkedCase(case_number=link.member_case_number, title=title, status=status))
    return list(found.values())
