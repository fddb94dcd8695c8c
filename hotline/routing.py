"""Route proposals from the dispatch catalogue (category × place → lead and assisting departments).

The catalogue proposes, the dispatcher decides. The most specific rule wins: street, then district, then
citywide; with no rule the category's own sector department leads. "@street" and "@district" stand for
the territorial office of the case's place, so one rule serves every place.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.contracts import Route, RouteRequest
from hotline.enums import DepartmentKind, DispatchMode, Level
from hotline.errors import NotFound
from hotline.models import Category, Department, DispatchRule

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
    lead_department = await _resolve(session, lead, request)
    assisting_codes = [(await _resolve(session, code, request)).code for code in assisting]
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


async def _resolve(session: AsyncSession, code: str, request: RouteRequest) -> Department:
    """A department code as it stands, or the territorial office a placeholder names for this place."""
    if code == "@street" and request.street is not None:
        query = select(Department).where(
            Department.kind == DepartmentKind.TERRITORIAL,
            Department.level == Level.STREET,
            Department.street_code == request.street,
        )
    elif code in ("@street", "@district"):
        query = select(Department).where(
            Department.kind == DepartmentKind.TERRITORIAL,
            Department.level == Level.DISTRICT,
            Department.district_code == request.district,
        )
    else:
        query = select(Department).where(Department.code == code)
    department = (await session.execute(query.where(col(Department.active).is_(True)))).scalars().first()
    if department is None:
        raise NotFound("department_not_found", f"No active department for {code!r} at {request.district}.")
    return department
