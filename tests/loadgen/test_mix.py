"""The case mix: reproducible for a seed, with the promised proportions (within statistical bounds), and
every planned appeal one the intake API accepts in shape."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable

import pytest

from hotline import directory
from hotline.db import SessionFactory
from hotline.enums import AppealType, Channel
from hotline.loadgen import mix
from hotline.loadgen.reference import Reference
from hotline.schemas import CaseCreate

SAMPLE = 3000


@pytest.fixture
async def reference(sessions: SessionFactory) -> Reference:
    async with sessions() as session:
        return Reference.build(
            places=await directory.places(session=session),
            categories=await directory.categories(session=session),
            departments=await directory.departments(session=session),
        )


@pytest.fixture
async def plans(reference: Reference) -> list[mix.CasePlan]:
    return mix.plan_cases(reference, seed=11, count=SAMPLE)


def assert_proportions(observed: Counter[Hashable], weights: dict[Hashable, float], n: int) -> None:
    """Each share within five standard errors of its weight (a false alarm about once in 3.5 million)."""
    total = sum(weights.values())
    for key, weight in weights.items():
        p = weight / total
        bound = 5 * math.sqrt(p * (1 - p) / n) + 1 / n
        assert abs(observed[key] / n - p) <= bound, (key, observed[key], n, p)
    assert set(observed) <= set(weights)


def test_the_same_seed_plans_the_same_cases_and_another_seed_others(reference: Reference) -> None:
    first = mix.plan_cases(reference, seed=3, count=40)
    assert mix.plan_cases(reference, seed=3, count=40) == first
    assert mix.plan_cases(reference, seed=4, count=40) != first
    # A case's plan depends on the seed and its index only, not on how many cases are planned.
    assert mix.plan_cases(reference, seed=3, count=10, start=30) == first[30:]


def test_channels_appeal_types_and_behaviours_keep_their_proportions(plans: list[mix.CasePlan]) -> None:
    assert_proportions(Counter(Channel(p.appeal["channel"]) for p in plans), dict(mix.CHANNELS), SAMPLE)
    assert_proportions(
        Counter(AppealType(p.appeal["appeal_type"]) for p in plans), dict(mix.APPEAL_TYPES), SAMPLE
    )
    assert_proportions(Counter(p.behaviour for p in plans), dict(mix.BEHAVIOURS), SAMPLE)
    assert_proportions(Counter(p.depth for p in plans), dict(mix.DEPTHS), SAMPLE)
    assert_proportions(Counter(p.visit for p in plans), dict(mix.VISITS), SAMPLE)
    ranked = [channel for channel, _ in Counter(p.appeal["channel"] for p in plans).most_common(2)]
    assert ranked == [Channel.HOTLINE, Channel.WEB] or ranked == [Channel.HOTLINE, Channel.SHIMINTONG]


def test_some_consultations_are_answered_at_intake_and_nothing_else_is(plans: list[mix.CasePlan]) -> None:
    consultations = [p for p in plans if p.appeal["appeal_type"] == AppealType.CONSULTATION]
    answered = [p for p in consultations if p.answered_at_intake]
    assert all(p.appeal["appeal_type"] == AppealType.CONSULTATION for p in plans if p.answered_at_intake)
    assert_proportions(
        Counter(p.answered_at_intake for p in consultations),
        {True: mix.CONSULTATIONS_ANSWERED_AT_INTAKE, False: 1 - mix.CONSULTATIONS_ANSWERED_AT_INTAKE},
        len(consultations),
    )
    assert answered


def test_places_categories_and_tiers_come_from_the_reference_data(
    plans: list[mix.CasePlan], reference: Reference
) -> None:
    streets = {d.code: {s.code for s in d.streets} for d in reference.districts}
    categories = {c.code: c for c in reference.categories}
    for plan in plans:
        appeal = plan.appeal
        assert appeal["street"] is None or appeal["street"] in streets[appeal["district"]]
        category = categories[appeal["category"]]
        assert appeal["tier"] in (None, *mix.TIERS)
        assert appeal["tier"] is None or appeal["tier"] < (category.default_tier or 0)
        CaseCreate.model_validate(appeal)  # the intake API's own model accepts it
    used = Counter(p.appeal["category"] for p in plans)
    assert len(used) == len(categories)  # every leaf category turns up in a large sample
    assert {p.appeal["district"] for p in plans} == set(streets)
    raised = sum(p.appeal["tier"] is not None for p in plans)
    assert 0 < raised < SAMPLE * mix.MORE_URGENT * 1.5


def test_titles_and_contents_are_chinese_text_about_their_category(
    plans: list[mix.CasePlan], reference: Reference
) -> None:
    names = {c.code: c.name for c in reference.categories}
    for plan in plans[:200]:
        title, content = plan.appeal["title"], plan.appeal["content"]
        assert names[plan.appeal["category"]] in title
        assert content.startswith("市民反映：") and plan.appeal["address"] in content


def test_supervisors_urge_late_departments_far_more_often(plans: list[mix.CasePlan]) -> None:
    late = [p for p in plans if p.behaviour == mix.Behaviour.LATE]
    others = [p for p in plans if p.behaviour != mix.Behaviour.LATE]
    for group, p_urged in ((late, mix.URGED_WHEN_LATE), (others, mix.URGED)):
        assert_proportions(Counter(p.urged for p in group), {True: p_urged, False: 1 - p_urged}, len(group))
