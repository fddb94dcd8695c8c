"""Route proposals from the dispatch catalogue (category × place → lead and assisting departments).

The catalogue proposes, the dispatcher decides. The most specific rule wins: street, then district, then
citywide; with no rule the category's own sector department leads. "@street" and "@district" stand for
the territorial office of the case's place, so one rule serves every place.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.contracts import Route, RouteRequest
from hotline.enums import DepartmentKind, DispatchMode, Level
from hotline.errors import Invalid, NotFound
from hotline.models import Category, Department, DispatchRule
from hotline.reference import TERRITORIAL_PLACEHOLDERS

DEFAULT_TIER = 7


async def propose_route(*, session: AsyncSession, request: RouteRequest) -> Route:
    category = await session.get(Category, request.category)
    if category is None or category.parent_code is None:
        raise NotFound("category_not_found", f"No appeal category {request.category!r} with a department.")
    rule = await _most_specific_rule(session, request)
    if rule is None:
        if category.sector_department_code is None:
            raise NotFound("no_route", f"The catalogue has no route for {request.category!r}.")
        mode, lead, assisting, team = DispatchMode.DIRECT, category.sector_department_code, [], None
    else:
        mode, lead, assisting, team = DispatchMode(rule.mode), rule.lead, list(rule.assisting), rule.team
    resolved = await _resolve(session, [lead, *assisting], request)
    lead_department = resolved[lead]
    assisting_codes = [resolved[code].code for code in assisting]
    return Route(
        mode=mode,
        lead=lead_department.code,
        assisting=[code for code in dict.fromkeys(assisting_codes) if code != lead_department.code],
        team=team,
        level=Level(lead_department.level),
        tier=category.default_tier or DEFAULT_TIER,
    )


async def _most_specific_rule(session: AsyncSession, request: RouteRequest) -> DispatchRule | None:
    rules = (
        (
            await session.execute(
                select(DispatchRule).where(
                    DispatchRule.category_code == request.category,
                    or_(
                        col(DispatchRule.district_code).is_(None),
                        col(DispatchRule.district_code) == request.district,
                    ),
                    or_(
                        col(DispatchRule.street_code).is_(None),
                        col(DispatchRule.street_code) == request.street,
                    ),
                )
            )
        )
        .scalars()
        .all()
    )
    return max(rules, key=lambda r: (r.street_code is not None, r.district_code is not None), default=None)


async def _resolve(session: AsyncSession, codes: list[str], request: RouteRequest) -> dict[str, Department]:
    """Each department code as it stands, or the territorial office a placeholder names for this place:
    one query for all of a route's departments."""
    wanted = {code: _identity(code, request) for code in codes}
    found = (
        (
            await session.execute(
                select(Department)
                .where(col(Department.active).is_(True))
                .where(or_(*(_matching(identity) for identity in wanted.values())))
                .order_by(col(Department.code))
            )
        )
        .scalars()
        .all()
    )
    resolved = {}
    for code, identity in wanted.items():
        department = next((d for d in found if _is(d, identity)), None)
        if department is None:
            raise NotFound(
                "department_not_found", f"No active department for {code!r} at {request.district}."
            )
        resolved[code] = department
    return resolved


def _identity(code: str, request: RouteRequest) -> dict[str, object]:
    """The columns that name the department a code stands for here."""
    if code == "@street" and request.street is not None:
        return {"kind": DepartmentKind.TERRITORIAL, "level": Level.STREET, "street_code": request.street}
    if code in TERRITORIAL_PLACEHOLDERS:
        return {
            "kind": DepartmentKind.TERRITORIAL,
            "level": Level.DISTRICT,
            "district_code": request.district,
        }
    return {"code": code}


def _matching(identity: dict[str, object]) -> Any:
    return and_(*(getattr(Department, column) == value for column, value in identity.items()))


def _is(department: Department, identity: dict[str, object]) -> bool:
    return all(getattr(department, column) == value for column, value in identity.items())


_LEVEL_RANK = {Level.STREET: 0, Level.DISTRICT: 1, Level.CITY: 2}


class RouteChoice(BaseModel):
    """The dispatcher's decision: the proposal as it is, or changed."""

    mode: DispatchMode
    lead: str = Field(max_length=80)
    assisting: list[str] = Field(default_factory=list, max_length=20)
    team: str | None = Field(default=None, max_length=120)


async def decide_route(*, session: AsyncSession, request: RouteRequest, choice: RouteChoice | None) -> Route:
    """The route a case goes out on: the catalogue's proposal, or the dispatcher's checked choice."""
    proposal = await propose_route(session=session, request=request)
    if choice is None:
        return proposal
    _check_shape(choice)
    departments = {
        d.code: d
        for d in (
            await session.execute(
                select(Department).where(col(Department.code).in_([choice.lead, *choice.assisting]))
            )
        ).scalars()
    }
    missing = [
        code
        for code in (choice.lead, *choice.assisting)
        if code not in departments or not departments[code].active
    ]
    if missing:
        raise Invalid("unknown_department", f"No active department {', '.join(missing)}.", {"field": "route"})
    lead = departments[choice.lead]
    if _LEVEL_RANK[Level(lead.level)] < _LEVEL_RANK[proposal.level]:
        raise Invalid(
            "level_pushed_down",
            f"This appeal belongs to the {proposal.level.value} level; its lead cannot be a "
            f"{lead.level}-level department (responsibility is not pushed down to the grassroots).",
            {"field": "route.lead", "proposed_level": proposal.level.value},
        )
    return Route(
        mode=choice.mode,
        lead=choice.lead,
        assisting=[code for code in dict.fromkeys(choice.assisting) if code != choice.lead],
        team=choice.team,
        level=Level(lead.level),
        tier=proposal.tier,
    )


def _check_shape(choice: RouteChoice) -> None:
    if choice.mode == DispatchMode.DIRECT and choice.assisting:
        raise Invalid(
            "route_mode_mismatch",
            "A direct dispatch has one department and no assisting ones.",
            {"field": "route.assisting"},
        )
    if choice.mode == DispatchMode.PARALLEL and not choice.assisting:
        raise Invalid(
            "route_mode_mismatch",
            "A parallel dispatch needs at least one assisting department.",
            {"field": "route.assisting"},
        )
    if choice.mode == DispatchMode.TASK_FORCE and (not choice.team or len(choice.assisting) < 2):
        raise Invalid(
            "route_mode_mismatch",
            "A task force needs a team name and at least two assisting departments.",
            {"field": "route.team"},
        )
