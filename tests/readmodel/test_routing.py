"""Route proposals from the dispatch catalogue, including the seed's four stories."""

from typing import Any

import pytest
from sqlalchemy import event

from hotline.contracts import RouteRequest
from hotline.db import SessionFactory
from hotline.enums import DispatchMode, Level
from hotline.errors import NotFound
from hotline.routing import propose_route


async def _route(sessions: SessionFactory, category: str, district: str, street: str | None = None):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await propose_route(
            session=session, request=RouteRequest(category=category, district=district, street=street)
        )


async def test_burst_pipe_goes_straight_to_the_water_company_on_the_one_day_tier(
    sessions: SessionFactory,
) -> None:
    route = await _route(sessions, "water.pipe_burst", "chengdong")
    assert (route.mode, route.lead, route.assisting, route.tier, route.level) == (
        DispatchMode.DIRECT,
        "company.water",
        [],
        1,
        Level.CITY,
    )


async def test_property_certificate_goes_to_the_task_force(sessions: SessionFactory) -> None:
    route = await _route(sessions, "housing.certificate", "chengbei")
    assert route.mode == DispatchMode.TASK_FORCE
    assert route.team
    assert {route.lead, *route.assisting} == {
        "city.construction",
        "city.housing",
        "city.planning",
        "city.registry",
    }
    assert route.tier == 11


async def test_expired_food_in_duoba_goes_to_the_district_market_bureau(sessions: SessionFactory) -> None:
    route = await _route(sessions, "food.expired", "huangzhong", "huangzhong.duoba")
    assert (route.lead, route.level) == ("huangzhong.market", Level.DISTRICT)


async def test_expired_food_elsewhere_uses_that_district_rule_not_huangzhong(
    sessions: SessionFactory,
) -> None:
    route = await _route(sessions, "food.expired", "datong")
    assert route.lead == "datong.market"


async def test_park_hours_go_direct_to_forestry_on_the_seven_day_tier(sessions: SessionFactory) -> None:
    route = await _route(sessions, "park.opening_hours", "chengxi")
    assert (route.lead, route.tier) == ("city.forestry", 7)


async def test_street_placeholder_resolves_to_the_case_street_office(sessions: SessionFactory) -> None:
    route = await _route(sessions, "community.noise", "huangzhong", "huangzhong.duoba")
    assert route.mode == DispatchMode.PARALLEL
    assert route.lead == "street.huangzhong.duoba"
    assert route.level == Level.STREET and route.assisting


async def test_street_placeholder_without_a_street_falls_back_to_the_district_government(
    sessions: SessionFactory,
) -> None:
    route = await _route(sessions, "community.noise", "huangzhong")
    assert route.lead == "gov.huangzhong"


async def test_without_a_rule_the_category_sector_department_leads(sessions: SessionFactory) -> None:
    route = await _route(sessions, "water.quality", "chengzhong")
    assert route.mode == DispatchMode.DIRECT and route.lead == "company.water"


async def test_unknown_category_is_refused(sessions: SessionFactory) -> None:
    with pytest.raises(NotFound) as refused:
        await _route(sessions, "no.such.category", "chengdong")
    assert refused.value.code == "category_not_found"


async def test_a_routes_departments_are_found_in_one_query(sessions: SessionFactory) -> None:
    """The task force's four departments (and any placeholders) come back together, not one by one."""
    engine = sessions.kw["bind"].sync_engine
    department_queries: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM departments" in statement:
            department_queries.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        route = await _route(sessions, "housing.certificate", "chengbei")
        placeholders = await _route(sessions, "community.noise", "huangzhong", "huangzhong.duoba")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(route.assisting) == 3 and placeholders.assisting
    assert len(department_queries) == 2
