"""One case's story: intake, then the people act as its plan says, and the case is left at some stage.

Every action waits for the case to show its effect before the next (projections land asynchronously),
so a story never races itself. A story that stops early leaves the case where a demo wants cases: in
handling, with a return or an extension waiting for the dispatcher, awaiting review, at the return
visit, deferred.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hotline.loadgen import actors, texts
from hotline.loadgen.mix import Behaviour, CasePlan, Depth, VisitOutcome
from hotline.loadgen.portal import Portal
from hotline.loadgen.reference import Reference

Case = dict[str, Any]
LIVE = ("open", "signed")
LEVEL_RANK = {"street": 0, "district": 1, "city": 2}
EXTENSION_DAYS = 3
DEFERRAL_DAYS = 30
MAX_VISIT_ATTEMPTS = 10  # the server's limits are settings (3 attempts, 2 reopens by default):
MAX_REOPENS = 5  # a story never loops forever on them


class AlreadyLoaded(Exception):
    """This seed and index made its case in an earlier run (same Idempotency-Key)."""


def live_tasks(case: Case) -> list[actors.Task]:
    return [a for a in case["assignments"] if a["status"] in LIVE]


def status_is(*statuses: str) -> Any:
    return lambda case: case["status"] in statuses


def idempotency_key(seed: int, index: int) -> str:
    return f"loadgen-{seed}-{index}"


class Story:
    def __init__(self, portal: Portal, reference: Reference, plan: CasePlan, *, seed: int) -> None:
        self.portal, self.reference, self.plan, self.seed = portal, reference, plan, seed
        self.number = ""
        self.seen: set[str] = set()
        self.last_seq = 0

    async def play(self) -> Case:
        receipt = await actors.register(
            self.portal, self.plan.appeal, idempotency_key=idempotency_key(self.seed, self.plan.index)
        )
        self.number = receipt["case_number"]
        if not receipt["created"]:
            raise AlreadyLoaded(self.number)
        if self.plan.answered_at_intake:
            return await self.portal.wait_case(self.number, status_is("closed"))
        lead = await self._new_lead_task()
        if self.plan.urged:
            self._acted(await actors.urge(self.portal, self.number, self.plan.remarks.urge))
        handled = await self._lead_department(lead)
        if handled is None or self.plan.depth == Depth.HANDLING:
            await self._assisting_departments(reply=False)
            return await self._settled()
        await self._reply_all(handled)
        if self.plan.depth == Depth.REVIEW:
            return await self._settled()
        if self.plan.review_sends_back:
            self._acted(
                await actors.review(
                    self.portal, self.number, accept=False, reason=self.plan.remarks.send_back_reason
                )
            )
            task = await self._new_lead_task()
            self._acted(await actors.sign_for(self.portal, task))
            await self._reply_all(task)
        self._acted(await actors.review(self.portal, self.number, accept=True))
        if self.plan.depth == Depth.VISIT:
            return await self._settled()
        return await self._return_visit()

    def _acted(self, result: actors.Result) -> None:
        self.last_seq = max(self.last_seq, int(result["seq"]))

    async def _settled(self) -> Case:
        """The case once the read model shows every action this story took (projections lag a little)."""
        return await self.portal.wait_case(
            self.number, lambda case: max((e["seq"] for e in case["timeline"]), default=0) >= self.last_seq
        )

    async def _lead_department(self, lead: actors.Task) -> actors.Task | None:
        """The lead department's behaviour; its live task to reply with, or None if the story stops."""
        plan, remarks = self.plan, self.plan.remarks
        if plan.behaviour == Behaviour.LATE:
            if plan.late_signs_for:
                self._acted(await actors.sign_for(self.portal, lead))
            return None
        if plan.behaviour == Behaviour.RETURNING:
            ruled = await self._returned(lead)
            if ruled is None:
                return None
            lead = ruled
        self._acted(await actors.sign_for(self.portal, lead))
        if plan.behaviour == Behaviour.EXTENSION:
            due = max(_aware(lead["due_at"]), datetime.now(UTC)) + timedelta(days=EXTENSION_DAYS)
            self._acted(
                await actors.request_extension(self.portal, lead, due_at=due, reason=remarks.extension_reason)
            )
            if plan.ruling_pending:
                return None
            approve = plan.extension_approved
            reason = texts.EXTENSION_APPROVED if approve else texts.EXTENSION_REFUSED
            self._acted(
                await actors.rule_extension(self.portal, self.number, lead, approve=approve, reason=reason)
            )
        if plan.behaviour == Behaviour.DEFERRAL:
            target = datetime.now(UTC) + timedelta(days=DEFERRAL_DAYS)
            self._acted(
                await actors.request_deferral(
                    self.portal, lead, target_date=target, plan=remarks.deferral_plan
                )
            )
            if plan.ruling_pending:
                return None  # the supervisors' board shows it waiting
            approve = plan.deferral_approved
            reason = texts.DEFERRAL_APPROVED if approve else texts.DEFERRAL_REFUSED
            self._acted(await actors.rule_deferral(self.portal, self.number, approve=approve, reason=reason))
            if approve:
                await self.portal.wait_case(self.number, status_is("deferred"))
                return None
        return lead

    async def _returned(self, lead: actors.Task) -> actors.Task | None:
        """退单, then the dispatcher's ruling; the task that follows it, or None if the ruling waits."""
        await actors.return_task(self.portal, lead, self.plan.remarks.return_reason)
        case = await self.portal.wait_case(
            self.number, lambda c: _task(c, lead["task_id"])["status"] == "returned"
        )
        if self.plan.ruling_pending:
            return None
        route = self._route_instead(case, lead) if self.plan.return_justified else None
        self._acted(
            await actors.rule_return(
                self.portal,
                self.number,
                lead,
                justified=route is not None,
                reason=texts.RULING_JUSTIFIED if route else texts.RULING_UNJUSTIFIED,
                route=route,
            )
        )
        return await self._new_lead_task()

    def _route_instead(self, case: Case, returned: actors.Task) -> dict[str, Any] | None:
        """A justified return goes to the category's own department or the district's government, at
        the returned department's level or above (responsibility is never pushed down)."""
        departments = self.reference.departments
        floor = LEVEL_RANK[departments[returned["department"]].level.value]
        candidates = (self.reference.category(case["category"]).sector_department, f"gov.{case['district']}")
        for code in candidates:
            if (
                code
                and code != returned["department"]
                and code in departments
                and LEVEL_RANK[departments[code].level.value] >= floor
            ):
                return {"mode": "direct", "lead": code}
        return None  # nobody else could own it: the return is ruled unjustified

    async def _reply_all(self, lead: actors.Task) -> None:
        await actors.reply(self.portal, lead, self.plan.remarks.reply)
        await self._assisting_departments(reply=True)
        await self.portal.wait_case(self.number, status_is("replied"))

    async def _assisting_departments(self, *, reply: bool) -> None:
        """Assisting departments are prompt: they sign for their tasks and, when asked to, reply."""
        case = await self.portal.case(self.number)
        for task in live_tasks(case):
            if task["role"] == "lead":
                continue
            if task["status"] == "open":
                self._acted(await actors.sign_for(self.portal, task))
            if reply:
                await actors.reply(self.portal, task, texts.REPLIES[0])

    async def _return_visit(self) -> Case:
        outcome, comment = self.plan.visit, self.plan.remarks.visit_comment
        if outcome == VisitOutcome.UNREACHABLE:
            for _ in range(MAX_VISIT_ATTEMPTS):
                if not await self._unreachable_attempt(comment):
                    break
            return await self.portal.wait_case(self.number, status_is("closed"))
        rounds = {VisitOutcome.DISSATISFIED: 1, VisitOutcome.NEVER_SATISFIED: MAX_REOPENS}.get(outcome, 0)
        for _ in range(rounds):
            self._acted(
                await actors.visit(
                    self.portal,
                    self.number,
                    reached=True,
                    resolved=False,
                    rating="dissatisfied",
                    comment=comment,
                )
            )
            case = await self.portal.wait_case(
                self.number,
                lambda c: c["status"] == "awaiting_decision" or self._fresh_lead_task(c) is not None,
            )
            if case["status"] == "awaiting_decision":  # past the reopen limit: the supervisors' board
                return await self._settled()
            await self._handle_reopened()
        if rounds:
            outcome, comment = VisitOutcome.SATISFIED, texts.VISIT_COMMENTS["satisfied"][1]
        self._acted(
            await actors.visit(
                self.portal, self.number, reached=True, resolved=True, rating=outcome.value, comment=comment
            )
        )
        return await self.portal.wait_case(self.number, status_is("closed"))

    async def _unreachable_attempt(self, comment: str) -> bool:
        """One call nobody answers; False once it was the last (the answer says the case is closing)."""
        result = await actors.visit(self.portal, self.number, reached=False, comment=comment)
        self._acted(result)
        return result.get("closing") is None

    async def _handle_reopened(self) -> None:
        """重办: every department gets the case again and replies; the dispatcher accepts the reply."""
        lead = await self._new_lead_task()
        self._acted(await actors.sign_for(self.portal, lead))
        await self._reply_all(lead)
        self._acted(await actors.review(self.portal, self.number, accept=True))

    async def _new_lead_task(self) -> actors.Task:
        """Wait for a live lead task this story has not seen yet (after intake, a ruling, a send-back,
        a reopen)."""
        case = await self.portal.wait_case(self.number, lambda c: self._fresh_lead_task(c) is not None)
        task = self._fresh_lead_task(case)
        assert task is not None
        self.seen.update(t["task_id"] for t in case["assignments"])
        return task

    def _fresh_lead_task(self, case: Case) -> actors.Task | None:
        return next(
            (t for t in live_tasks(case) if t["role"] == "lead" and t["task_id"] not in self.seen), None
        )


def _task(case: Case, task_id: str) -> actors.Task:
    return next(a for a in case["assignments"] if a["task_id"] == task_id)


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
