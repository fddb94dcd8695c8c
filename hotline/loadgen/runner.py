"""Many stories at once over one portal, and where their cases ended.

`run` plans the cases from the seed, plays them with a bounded number in flight, and reports each
case's final stage as the API shows it, the actions taken (by name and HTTP status) and any failure.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hotline.loadgen import reference
from hotline.loadgen.mix import plan_cases
from hotline.loadgen.portal import Portal, StillWaiting, UnexpectedResponse
from hotline.loadgen.story import AlreadyLoaded, Case, Story

DEFAULT_CONCURRENCY = 6
ALREADY_LOADED = "already loaded by an earlier run"
# Stages in the order a demo reads them, with the words the summary prints.
STAGES = {
    "closed_at_intake": "closed at intake (consultation answered)",
    "closed_visited": "closed after the return visit",
    "closed_unreachable": "closed, citizen unreachable",
    "closed_other": "closed otherwise",
    "handling": "in handling",
    "return_pending": "returned, awaiting the dispatcher's ruling",
    "extension_pending": "extension requested, awaiting the ruling",
    "deferral_pending": "deferral requested, awaiting a supervisor",
    "review": "replied, awaiting review",
    "visiting": "at the return visit",
    "deferred": "deferred (挂账)",
    "awaiting_decision": "awaiting a supervisor's decision",
}

CLOSED_STAGES = {
    "resolved_at_intake": "closed_at_intake",
    "visited": "closed_visited",
    "unreachable": "closed_unreachable",
}


@dataclass
class RunReport:
    stages: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)


def stage(case: Case) -> str:
    """Where a case stands, in the words of the dispatcher's queues."""
    status = str(case["status"])
    if status == "closed":
        return CLOSED_STAGES.get(case.get("close_reason") or "", "closed_other")
    if status == "handling":
        tasks = case["assignments"]
        if any(t["status"] == "returned" and t["return_justified"] is None for t in tasks):
            return "return_pending"
        if any(t["extension_requested_until"] and t["status"] in ("open", "signed") for t in tasks):
            return "extension_pending"
        deferrals = [e["kind"] for e in case["timeline"] if e["kind"].startswith("deferral_")]
        if deferrals and deferrals[-1] == "deferral_requested":
            return "deferral_pending"
        return "handling"
    return "review" if status == "replied" else status


async def run(
    portal: Portal,
    *,
    cases: int,
    seed: int,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_case_done: Callable[[], Any] = lambda: None,
) -> RunReport:
    ref = await reference.fetch(portal)
    portal.department_names = {code: d.name for code, d in ref.departments.items()}
    plans = plan_cases(ref, seed=seed, count=cases)
    report = RunReport()
    gate = asyncio.Semaphore(concurrency)

    async def one(story: Story) -> None:
        async with gate:
            try:
                case = await story.play()
                report.stages[stage(case)] += 1
                report.case_numbers.append(story.number)
            except AlreadyLoaded:
                report.stages[ALREADY_LOADED] += 1
            except (UnexpectedResponse, StillWaiting) as error:
                report.failures.append(f"case #{story.plan.index} {story.number}: {error}")
            finally:
                on_case_done()

    await asyncio.gather(*(one(Story(portal, ref, plan, seed=seed)) for plan in plans))
    report.actions = portal.actions
    return report
