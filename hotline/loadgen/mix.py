"""The case mix: what each generated case is and how the people around it will behave.

Every draw comes from `random.Random(f"{seed}-{index}")`, so case i's plan depends on the seed and i
only: runs are reproducible with `--seed`, whatever the concurrency. The weights below are the promised
proportions (relative weights; tests check them statistically).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from hotline.enums import AppealType, Channel, Rating
from hotline.loadgen import texts
from hotline.loadgen.reference import Reference

K = TypeVar("K")

# Hotline calls dominate; open311 needs its own token and proactive cases come from clusters, not callers.
CHANNELS: dict[Channel, float] = {
    Channel.HOTLINE: 55,
    Channel.WEB: 12,
    Channel.SHIMINTONG: 12,
    Channel.MAYOR_MAILBOX: 7,
    Channel.YUNGUANFU: 6,
    Channel.XIADU_QINGJIAN: 3,
    Channel.EVENING_NEWS: 3,
    Channel.RADIO_TV: 2,
}
APPEAL_TYPES: dict[AppealType, float] = {
    AppealType.HELP: 40,
    AppealType.COMPLAINT: 25,
    AppealType.CONSULTATION: 18,
    AppealType.REPORT: 7,
    AppealType.SUGGESTION: 7,
    AppealType.PRAISE: 3,
}
CONSULTATIONS_ANSWERED_AT_INTAKE = 0.6
# Utilities and housing estates bring most calls; every other group weighs 1.
CATEGORY_GROUPS: dict[str, float] = {"water": 3, "heating": 3, "property": 3, "cityscape": 2, "traffic": 2}
DISTRICT_KINDS: dict[str, float] = {"district": 3, "county": 1.5}
STREET_KNOWN = 0.9
MORE_URGENT = 0.1  # the dispatcher raises the tier one step above the category's default
TIERS = (1, 3, 7, 11)


class Behaviour(StrEnum):
    """How the lead department treats its task."""

    PROMPT = "prompt"  # signs for it and replies
    LATE = "late"  # leaves it open or signed: the clock makes it late as the demo runs
    RETURNING = "returning"  # 退单 with a reason; the dispatcher rules
    EXTENSION = "extension"  # asks for more time; the dispatcher approves or refuses
    DEFERRAL = "deferral"  # asks to defer (挂账); a supervisor approves or refuses


class Depth(StrEnum):
    """How far the story takes the case before leaving it."""

    HANDLING = "handling"  # signed for, not replied
    REVIEW = "review"  # replied, awaiting the dispatcher's review
    VISIT = "visit"  # reply accepted, awaiting the return visit
    CLOSED = "closed"  # visited


class VisitOutcome(StrEnum):
    SATISFIED = Rating.SATISFIED.value
    BASICALLY_SATISFIED = Rating.BASICALLY_SATISFIED.value
    DISSATISFIED = Rating.DISSATISFIED.value  # reopens once; the departments handle it again
    NEVER_SATISFIED = "never_satisfied"  # dissatisfied until the reopen limit: a supervisor decides
    UNREACHABLE = "unreachable"  # every attempt fails; closes as unreachable


BEHAVIOURS: dict[Behaviour, float] = {
    Behaviour.PROMPT: 62,
    Behaviour.LATE: 12,
    Behaviour.RETURNING: 11,
    Behaviour.EXTENSION: 11,
    Behaviour.DEFERRAL: 4,
}
DEPTHS: dict[Depth, float] = {Depth.HANDLING: 12, Depth.REVIEW: 12, Depth.VISIT: 12, Depth.CLOSED: 64}
VISITS: dict[VisitOutcome, float] = {
    VisitOutcome.SATISFIED: 70,
    VisitOutcome.BASICALLY_SATISFIED: 15,
    VisitOutcome.DISSATISFIED: 6,
    VisitOutcome.NEVER_SATISFIED: 2,
    VisitOutcome.UNREACHABLE: 7,
}
RULING_LEFT_PENDING = 0.25  # a return, an extension or a deferral request still waits for its ruling
RETURN_JUSTIFIED = 0.5
EXTENSION_APPROVED = 0.7
DEFERRAL_APPROVED = 0.8
LATE_SIGNS_FOR = 0.5
REVIEW_SENDS_BACK = 0.1
URGED = 0.08
URGED_WHEN_LATE = 0.6  # supervisors urge the slow ones


@dataclass(frozen=True)
class Remarks:
    """What the people will write, drawn with the plan so the run stays reproducible."""

    reply: str
    return_reason: str
    extension_reason: str
    deferral_plan: str
    send_back_reason: str
    urge: str
    visit_comment: str


@dataclass(frozen=True)
class CasePlan:
    index: int
    appeal: dict[str, Any]  # the CaseCreate body
    behaviour: Behaviour
    depth: Depth
    ruling_pending: bool
    return_justified: bool
    extension_approved: bool
    deferral_approved: bool
    late_signs_for: bool
    review_sends_back: bool
    visit: VisitOutcome
    urged: bool
    remarks: Remarks

    @property
    def answered_at_intake(self) -> bool:
        return "answer" in self.appeal


def pick(rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_cases(reference: Reference, *, seed: int, count: int, start: int = 0) -> list[CasePlan]:
    return [plan_case(reference, seed=seed, index=i) for i in range(start, start + count)]


def plan_case(reference: Reference, *, seed: int, index: int) -> CasePlan:
    rng = random.Random(f"{seed}-{index}")
    appeal = _appeal(rng, reference)
    visit = pick(rng, VISITS)
    behaviour = pick(rng, BEHAVIOURS)
    return CasePlan(
        index=index,
        appeal=appeal,
        behaviour=behaviour,
        depth=pick(rng, DEPTHS),
        ruling_pending=rng.random() < RULING_LEFT_PENDING,
        return_justified=rng.random() < RETURN_JUSTIFIED,
        extension_approved=rng.random() < EXTENSION_APPROVED,
        deferral_approved=rng.random() < DEFERRAL_APPROVED,
        late_signs_for=rng.random() < LATE_SIGNS_FOR,
        review_sends_back=rng.random() < REVIEW_SENDS_BACK,
        visit=visit,
        urged=rng.random() < (URGED_WHEN_LATE if behaviour == Behaviour.LATE else URGED),
        remarks=Remarks(
            reply=rng.choice(texts.REPLIES),
            return_reason=rng.choice(texts.RETURN_REASONS),
            extension_reason=rng.choice(texts.EXTENSION_REASONS),
            deferral_plan=rng.choice(texts.DEFERRAL_PLANS),
            send_back_reason=rng.choice(texts.SEND_BACK_REASONS),
            urge=rng.choice(texts.URGES),
            visit_comment=rng.choice(texts.VISIT_COMMENTS[visit.value]),
        ),
    )


def _appeal(rng: random.Random, reference: Reference) -> dict[str, Any]:
    channel = pick(rng, CHANNELS)
    appeal_type = pick(rng, APPEAL_TYPES)
    categories, districts = reference.categories, reference.districts
    category = rng.choices(categories, [CATEGORY_GROUPS.get(c.parent or "", 1.0) for c in categories])[0]
    district = rng.choices(districts, [DISTRICT_KINDS.get(d.kind, 1.0) for d in districts])[0]
    street = rng.choice(district.streets) if district.streets and rng.random() < STREET_KNOWN else None
    address = texts.address(rng)
    title, content = texts.appeal_text(
        rng, category_code=category.code, category_name=category.name, appeal_type=appeal_type, place=address
    )
    anonymous = rng.random() < (0.3 if appeal_type == AppealType.REPORT else 0.02)
    appeal: dict[str, Any] = {
        "channel": channel.value,
        "appeal_type": appeal_type.value,
        "anonymous": anonymous,
        "citizen_name": None if anonymous else texts.citizen_name(rng),
        "citizen_phone": None if anonymous else texts.phone(rng),
        "district": district.code,
        "street": street.code if street else None,
        "address": address,
        "category": category.code,
        "tier": _tier(rng, category.default_tier),
        "title": title,
        "content": content,
    }
    if appeal_type == AppealType.CONSULTATION and rng.random() < CONSULTATIONS_ANSWERED_AT_INTAKE:
        appeal["answer"] = rng.choice(texts.ANSWERS)
    return appeal


def _tier(rng: random.Random, default: int | None) -> int | None:
    """The category's default tier (None lets the server apply it), sometimes one step more urgent."""
    if default in TIERS and default != TIERS[0] and rng.random() < MORE_URGENT:
        return TIERS[TIERS.index(default) - 1]
    return None
