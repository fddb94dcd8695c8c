"""预警预报 on hand-made read-model rows: each test writes into a year of its own, so the only cases its
windows see are the ones it made."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hotline import warnings
from hotline.db import SessionFactory
from hotline.metrics import Period
from hotline.models import Case, CaseLink
from hotline.settings import Settings


def case_row(received_at: datetime, **fields: Any) -> Case:
    defaults: dict[str, Any] = {
        "case_number": f"XW{uuid.uuid4().hex[:12].upper()}",
        "tracking_code": uuid.uuid4().hex[:10].upper(),
        "channel": "hotline",
        "appeal_type": "help",
        "status": "handling",
        "district_code": "huangzhong",
        "street_code": "huangzhong.duoba",
        "category_code": "food.expired",
        "title": "购买过期食品",
        "content": "批发部销售过期食品。",
        "received_at": received_at,
        "updated_at": received_at,
    }
    return Case(**{**defaults, **fields})


async def add(sessions: SessionFactory, rows: list[Any]) -> None:
    async with sessions() as session:
        session.add_all(rows)
        await session.commit()


def daily(start: datetime, days: int, per_day: Any, **fields: Any) -> list[Case]:
    """`per_day(day)` cases at start + day for each of `days` days."""
    return [
        case_row(start + timedelta(days=d, minutes=i), **fields)
        for d in range(days)
        for i in range(per_day(start + timedelta(days=d)))
    ]


# ---- spikes -------------------------------------------------------------------------------------------


def test_the_threshold_is_mean_plus_k_sigma_with_a_floor() -> None:
    # Baseline 2, 2 … : sd 0, σ = √2; 2 + 3·1.414 = 6.24 is above min_count 5.
    mean, sd, fires_at = warnings.threshold([2] * 8, k=3, min_count=5)
    assert (mean, sd) == (2, 0) and round(fires_at, 2) == 6.24
    # Nothing before: σ = 1, and min_count decides.
    assert warnings.threshold([0] * 8, k=3, min_count=5)[2] == 5
    # A noisy baseline: its own sd counts. mean 10, sample sd of (5, 15)×4 = 5.345.
    mean, sd, fires_at = warnings.threshold([5, 15] * 4, k=3, min_count=5)
    assert mean == 10 and round(sd, 3) == 5.345 and round(fires_at, 2) == 26.04


async def test_an_injected_spike_fires_for_its_district_and_street(
    sessions: SessionFactory, settings: Settings
) -> None:
    now = datetime(2031, 6, 10, 12, tzinfo=UTC)  # the last 24 hours: 9 June 12:00 to 10 June 12:00
    first = datetime(2031, 4, 15, 10, tzinfo=UTC)  # 8 weeks back
    rows = daily(first, 56, lambda _: 2)  # two expired-food appeals a day at 多巴镇
    rows += daily(first, 57, lambda _: 3, category_code="traffic.road_damage")  # steady: stays quiet
    rows += [case_row(datetime(2031, 6, 10, 3, i, tzinfo=UTC)) for i in range(12)]  # today: 12
    # Not signals: a proactive case, and a duplicate merged into another.
    rows += [case_row(datetime(2031, 6, 10, 4, tzinfo=UTC), channel="proactive")]
    rows += [case_row(datetime(2031, 6, 10, 4, tzinfo=UTC), merged_into="XW-PRIMARY")]
    await add(sessions, rows)

    async with sessions() as session:
        found = await warnings.spikes(session=session, now=now, settings=settings)

    assert [(s.level, s.category, s.district, s.street) for s in found] == [
        ("district", "food.expired", "huangzhong", None),
        ("street", "food.expired", "huangzhong", "huangzhong.duoba"),
    ]
    spike = found[0]
    assert spike.count == 12 and spike.baseline == [2] * 8
    assert spike.mean == 2 and spike.sd == 0 and spike.threshold == 6.24
    assert (spike.since, spike.until) == (now - timedelta(hours=24), now)


async def test_flat_data_stays_quiet(sessions: SessionFactory, settings: Settings) -> None:
    now = datetime(2032, 6, 10, 12, tzinfo=UTC)
    rows = daily(datetime(2032, 4, 15, 10, tzinfo=UTC), 57, lambda _: 6)  # six a day, today too
    await add(sessions, rows)
    async with sessions() as session:
        assert await warnings.spikes(session=session, now=now, settings=settings) == []


async def test_a_weekly_pattern_is_in_the_baseline(sessions: SessionFactory, settings: Settings) -> None:
    # Mondays bring 20 appeals, other days 2 (9 Feb 2037 is a Monday).
    first = datetime(2037, 2, 9, 10, tzinfo=UTC)
    rows = daily(first, 57, lambda day: 20 if day.weekday() == 0 else 2)
    await add(sessions, rows)
    monday = first + timedelta(weeks=8, hours=2)
    async with sessions() as session:
        assert await warnings.spikes(session=session, now=monday, settings=settings) == []

    # The same twenty on a Tuesday are a spike: that weekday's baseline is 2.
    await add(sessions, [case_row(monday + timedelta(hours=20, minutes=i)) for i in range(20)])
    async with sessions() as session:
        found = await warnings.spikes(session=session, now=monday + timedelta(days=1), settings=settings)
    assert {(s.level, s.count) for s in found} == {("district", 20), ("street", 20)}


# ---- places that keep coming back ---------------------------------------------------------------------


async def test_an_address_that_keeps_coming_back(sessions: SessionFactory, settings: Settings) -> None:
    now = datetime(2033, 5, 31, tzinfo=UTC)
    at = {"district_code": "chengdong", "street_code": "chengdong.dongguan"}
    rows = [
        case_row(datetime(2033, 5, 2, tzinfo=UTC), **at, address="和盛园小区二期东院115号楼"),
        case_row(datetime(2033, 5, 9, tzinfo=UTC), **at, address=" 和盛园小区 二期东院115号楼"),
        case_row(
            datetime(2033, 5, 20, tzinfo=UTC),
            **at,
            address="和盛园小区二期东院115号楼",
            category_code="water.pipe_burst",
        ),
        # Not counted: before the 30 days, another street with the same words, a blank address.
        case_row(datetime(2033, 4, 20, tzinfo=UTC), **at, address="和盛园小区二期东院115号楼"),
        case_row(
            datetime(2033, 5, 21, tzinfo=UTC),
            district_code="chengdong",
            street_code="chengdong.bayilu",
            address="和盛园小区二期东院115号楼",
        ),
        # Twice only: under the three needed.
        case_row(datetime(2033, 5, 3, tzinfo=UTC), **at, address="门源路35号丽阳天下小区"),
        case_row(datetime(2033, 5, 4, tzinfo=UTC), **at, address="门源路35号丽阳天下小区"),
        *[case_row(datetime(2033, 5, 5, tzinfo=UTC), **at, address="") for _ in range(3)],
    ]
    await add(sessions, rows)

    async with sessions() as session:
        found = await warnings.repeat_places(session=session, now=now, settings=settings)

    assert len(found) == 1
    place = found[0]
    assert (place.district, place.street, place.count) == ("chengdong", "chengdong.dongguan", 3)
    assert place.address.strip().replace(" ", "") == "和盛园小区二期东院115号楼"
    assert place.first_received == datetime(2033, 5, 2, tzinfo=UTC)
    assert place.last_received == datetime(2033, 5, 20, tzinfo=UTC)
    assert place.categories == [("food.expired", 2), ("water.pipe_burst", 1)]


# ---- clusters of similar appeals -------------------------------------------------------------------

# The seed article's 湟中区 story (市场监督管理局, 多巴镇国寺营村109国道旁某批发部) as citizens would tell it.
FOOD = [
    (
        "购买小吃食品后呕吐拉肚子",
        "有市民反映在湟中区多巴镇国寺营村109国道旁边某批发部，购买了小吃食品，食用后出现了呕吐、拉肚子的情况，"
        "市民认为食品过期，希望相关单位核实处理。",
    ),
    ("批发部销售过期食品", "湟中区多巴镇某批发部销售过期食品，家人购买小吃食品食用后呕吐、拉肚子。"),
    ("109国道旁批发部卖过期小吃", "湟中区多巴镇109国道旁批发部出售过期小吃食品，希望市场监管部门查处。"),
    ("多巴镇商户销售过期食品", "湟中区多巴镇有商户销售过期食品，食用后拉肚子，请强化食品安全监督检查。"),
]
# The 和盛园 burst pipe (tests.helpers.PIPE_BURST) and the article's wording of its repair.
PIPES = [
    ("小区自来水管爆裂", "城东区和盛园小区二期东院115号楼自来水管爆裂，整栋楼停水。"),
    ("和盛园小区水管爆裂漏水", "和盛园小区二期东院自来水管爆裂漏水，小区停水，请尽快找到漏水点进行维修。"),
    ("115号楼水管爆裂停水", "城东区和盛园小区115号楼水管爆裂，家中停水，请求抢修恢复正常供水。"),
]
OTHERS = [
    ("文化公园闭园过早", "西宁文化公园夏季20:30闭园关灯，不能很好满足市民夏季休闲健身的需要。"),
    ("多巴镇道路破损", "湟中区多巴镇道路破损严重，车辆通行困难。"),
]


async def seed_stories(sessions: SessionFactory, start: datetime) -> tuple[list[str], list[str]]:
    food = [case_row(start + timedelta(days=i), title=t, content=c) for i, (t, c) in enumerate(FOOD)]
    pipes = [
        case_row(
            start + timedelta(days=i, hours=1),
            title=t,
            content=c,
            district_code="chengdong",
            street_code="chengdong.dongguan",
            category_code="water.pipe_burst",
        )
        for i, (t, c) in enumerate(PIPES)
    ]
    others = [
        case_row(start + timedelta(days=i, hours=2), title=t, content=c, category_code="park.opening_hours")
        for i, (t, c) in enumerate(OTHERS)
    ]
    await add(sessions, [*food, *pipes, *others])
    return [c.case_number for c in food], [c.case_number for c in pipes]


async def test_the_food_safety_stories_cluster_apart_from_the_burst_pipes(
    sessions: SessionFactory, settings: Settings
) -> None:
    food, pipes = await seed_stories(sessions, datetime(2034, 3, 2, tzinfo=UTC))
    period = Period.month(2034, 3, settings.timezone)

    async with sessions() as session:
        found = await warnings.clusters(session=session, period=period, settings=settings)

    assert [sorted(c.case_numbers) for c in found] == [sorted(food), sorted(pipes)]
    eating, water = found
    assert eating.size == 4 and "食品" in eating.top_terms
    assert [(p.district, p.street, p.count) for p in eating.places] == [("huangzhong", "huangzhong.duoba", 4)]
    assert eating.first_received == datetime(2034, 3, 2, tzinfo=UTC)
    assert eating.last_received == datetime(2034, 3, 5, tzinfo=UTC)
    assert eating.case_numbers[0] == food[-1] and eating.key == food[0]  # newest first; key: the oldest
    assert water.categories == [("water.pipe_burst", 3)] and "停水" in water.top_terms


async def test_clustering_reads_only_the_newest_cases_it_is_allowed(
    sessions: SessionFactory, settings: Settings
) -> None:
    food, _ = await seed_stories(sessions, datetime(2035, 3, 2, tzinfo=UTC))
    period = Period.month(2035, 3, settings.timezone)
    # The newest six: food 4, pipe 3, food 3, road, pipe 2, food 2: three food stories, two pipes.
    bounded = settings.model_copy(update={"warning_cluster_max_cases": 6})
    async with sessions() as session:
        found = await warnings.clusters(session=session, period=period, settings=bounded)
    assert [c.case_numbers for c in found] == [food[:0:-1]]


# ---- one class of cases --------------------------------------------------------------------------------


async def test_proactive_cases_started_in_the_period_with_their_members(sessions: SessionFactory) -> None:
    at = datetime(2036, 4, 10, tzinfo=UTC)
    members = [case_row(at - timedelta(days=3)), case_row(at - timedelta(days=2))]
    lead = case_row(at, channel="proactive", title="多巴镇食品安全专项检查", status="handling")
    await add(sessions, [*members, lead])
    earlier = case_row(at - timedelta(days=40))
    await add(sessions, [earlier])
    links = [
        CaseLink(
            case_number=lead.case_number,
            member_case_number=m.case_number,
            created_by="supervisor1",
            created_at=at,
        )
        for m in members
    ]
    links.append(
        CaseLink(
            case_number="XW-OLDER",
            member_case_number=earlier.case_number,
            created_by="supervisor1",
            created_at=at - timedelta(days=40),
        )
    )
    await add(sessions, links)

    async with sessions() as session:
        found = await warnings.proactive_cases(session=session, period=Period.month(2036, 4, "Asia/Shanghai"))

    assert len(found) == 1
    started = found[0]
    assert (started.case_number, started.title, started.status) == (
        lead.case_number,
        "多巴镇食品安全专项检查",
        "handling",
    )
    assert (started.created_by, started.category, started.district) == (
        "supervisor1",
        "food.expired",
        "huangzhong",
    )
    assert [m.case_number for m in started.members] == sorted(m.case_number for m in members)
    assert all(m.status == "handling" for m in started.members)
