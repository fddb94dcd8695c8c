"""Xining's reference data: complete, consistent, and loaded idempotently."""

from sqlalchemy import func, select

from hotline import reference
from hotline.db import SessionFactory
from hotline.models import Category, Department, DispatchRule, District, Street

SEVEN = {"城东区", "城中区", "城西区", "城北区", "湟中区", "湟源县", "大通县"}


async def test_the_seven_districts_and_their_streets(sessions: SessionFactory) -> None:
    async with sessions() as session:
        districts = {d.code: d.name for d in (await session.execute(select(District))).scalars()}
        duoba = await session.get(Street, "huangzhong.duoba")
        streets_per_district = dict(
            (
                await session.execute(
                    select(Street.district_code, func.count()).group_by(Street.district_code)
                )
            ).all()
        )
    assert set(districts.values()) == SEVEN
    assert duoba is not None and duoba.name == "多巴镇" and duoba.district_code == "huangzhong"
    assert all(streets_per_district[code] >= 3 for code in districts)


async def test_the_seed_departments_exist_with_their_levels(sessions: SessionFactory) -> None:
    async with sessions() as session:
        departments = {d.name: d for d in (await session.execute(select(Department))).scalars()}
    for name in (
        "市城乡建设局",
        "市住房保障房产局",
        "市自然资源和规划局",
        "市不动产登记中心",
        "西宁房地产集团有限公司",
    ):
        assert departments[name].level == "city", name
    assert departments["湟中区市场监督管理局"].level == "district"
    assert departments["湟中区市场监督管理局"].district_code == "huangzhong"
    # every street and town has a territorial office to route "@street" to
    async with sessions() as session:
        streets = set((await session.execute(select(Street.code))).scalars())
        offices = set(
            (
                await session.execute(select(Department.street_code).where(Department.level == "street"))
            ).scalars()
        )
    assert streets <= offices


async def test_every_subcategory_has_a_department_and_a_valid_tier(sessions: SessionFactory) -> None:
    async with sessions() as session:
        children = (
            (await session.execute(select(Category).where(Category.parent_code.is_not(None)))).scalars().all()
        )  # type: ignore[union-attr]
    assert len(children) >= 30
    assert all(c.sector_department_code and c.default_tier in (1, 3, 7, 11) for c in children)


async def test_loading_the_same_version_again_changes_nothing(sessions: SessionFactory) -> None:
    data = reference.read()
    async with sessions() as session:
        rules_before = (await session.execute(select(func.count()).select_from(DispatchRule))).scalar_one()
        assert await reference.load(session, data) is False
        rules_after = (await session.execute(select(func.count()).select_from(DispatchRule))).scalar_one()
        assert await reference.loaded_version(session) == data.version
    assert rules_before == rules_after == len(data.dispatch_catalogue)
