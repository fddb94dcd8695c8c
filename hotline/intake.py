"""接 Intake: an appeal from any channel becomes a case number, a tracking code and a running workflow.

The idempotency key is claimed in the same transaction that takes the case number, so the same key never
makes two cases, even when retries race. Starting the workflow is itself idempotent (workflow id = case
number, an existing run is reused), so a retry after a crash between the two steps finishes the job.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from hotline import request_session, routing
from hotline import search_attributes as sa
from hotline.contracts import (
    CURRENT_GENERATION,
    Actor,
    CaseIntake,
    CaseTerms,
    Citizen,
    Place,
    Route,
    RouteRequest,
)
from hotline.db import WriteTurns, insert_for
from hotline.enums import CaseStatus, Channel
from hotline.errors import Conflict, Forbidden, Invalid
from hotline.models import CaseNumberCounter, Category, District, IntakeKey, Street
from hotline.observability.context import bind_case_number
from hotline.schemas import CaseCreate, IntakeReceipt

log = logging.getLogger(__name__)

# No 0/O or 1/I/L: tracking codes are read out over the phone.
_TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 10


class IntakeConfig:
    def __init__(
        self,
        *,
        task_queue: str,
        case_number_prefix: str,
        timezone: str,
        on_created: Callable[[Channel], None] = lambda _channel: None,
        terms: Callable[[datetime, int], CaseTerms] | None = None,
        write_turns: WriteTurns | None = None,
    ) -> None:
        self.task_queue = task_queue
        self.case_number_prefix = case_number_prefix
        self.zone = ZoneInfo(timezone)
        self.on_created = on_created  # counts new cases for the metrics; not called for a retry
        # The terms of a case dispatched at intake (received at, tier); None leaves them to the workflow.
        self.terms = terms
        # On SQLite, the process's writers take turns (hotline.db.WriteTurns) instead of polling the lock.
        self.write_turn = write_turns.turn if write_turns is not None else contextlib.nullcontext


async def submit(
    *,
    session: AsyncSession,
    client: Client,
    config: IntakeConfig,
    case_in: CaseCreate,
    idempotency_key: str,
    actor: Actor,
    channel_scope: Channel | None = None,
) -> IntakeReceipt:
    """Register an appeal. `channel_scope` limits an integration's token to its own channel."""
    if channel_scope is not None and case_in.channel != channel_scope:
        raise Forbidden(
            "channel_not_allowed",
            f"This API token may register appeals on the {channel_scope.value} channel only.",
            {"field": "channel"},
        )
    await _check_reference(session, case_in)
    route = await routing.decide_route(
        session=session,
        request=RouteRequest(category=case_in.category, district=case_in.district, street=case_in.street),
        choice=case_in.route,
    )
    request_hash = _request_hash(case_in)
    key, created = await claim(session, config, idempotency_key, request_hash)
    bind_case_number(key.case_number)
    intake = CaseIntake(
        case_number=key.case_number,
        tracking_code=key.tracking_code,
        channel=case_in.channel,
        appeal_type=case_in.appeal_type,
        citizen=Citizen(
            name=None if case_in.anonymous else case_in.citizen_name,
            phone=case_in.citizen_phone,
            anonymous=case_in.anonymous,
        ),
        place=Place(
            district=case_in.district,
            street=case_in.street,
            address=case_in.address,
            latitude=case_in.latitude,
            longitude=case_in.longitude,
        ),
        category=case_in.category,
        tier=case_in.tier,
        title=case_in.title,
        content=case_in.content,
        received_at=key.created_at,
        registered_by=actor,
        route=route,
        answer=case_in.answer,
        terms=_terms(config, key.created_at, route, case_in),
        generation=CURRENT_GENERATION,
    )
    if created:
        # Counted when the number is taken: a retry after a failed start finishes this case, not a new one.
        config.on_created(case_in.channel)
        log.info("case registered from %s as %s", case_in.channel.value, case_in.appeal_type.value)
    await request_session.release_connection()
    await _start_workflow(client, config, intake)
    return IntakeReceipt(case_number=key.case_number, tracking_code=key.tracking_code, created=created)


def _terms(
    config: IntakeConfig, received_at: datetime, route: Route | None, case_in: CaseCreate
) -> CaseTerms | None:
    """Fixed now when the case is dispatched at once: the workflow's first step then needs no lookups."""
    if config.terms is None or route is None or case_in.answer is not None:
        return None
    return config.terms(received_at, case_in.tier or route.tier)


async def _check_reference(session: AsyncSession, case_in: CaseCreate) -> None:
    category = await session.get(Category, case_in.category)
    if category is None or category.parent_code is None:
        raise Invalid(
            "unknown_category",
            f"No appeal category {case_in.category!r}; pick one from the taxonomy.",
            {"field": "category"},
        )
    if case_in.street is not None:
        street = await session.get(Street, case_in.street)
        if street is not None and street.district_code == case_in.district:
            return  # a street's district exists (its foreign key): one lookup for both
    if await session.get(District, case_in.district) is None:
        raise Invalid(
            "unknown_district", f"No district or county {case_in.district!r}.", {"field": "district"}
        )
    if case_in.street is not None:
        raise Invalid(
            "unknown_street",
            f"No street or town {case_in.street!r} in district {case_in.district!r}.",
            {"field": "street"},
        )


def _request_hash(case_in: CaseCreate) -> str:
    return hashlib.sha256(json.dumps(case_in.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


async def claim(
    session: AsyncSession, config: IntakeConfig, idempotency_key: str, request_hash: str
) -> tuple[IntakeKey, bool]:
    """The key's case: claimed now with a new case number and tracking code in one transaction, or the one
    an earlier request with this key claimed (True when new). The intake's one durable write."""
    existing = await session.get(IntakeKey, idempotency_key)
    if existing is None:
        now = datetime.now(UTC)
        async with config.write_turn():
            key = IntakeKey(
                idempotency_key=idempotency_key,
                case_number=await _next_case_number(session, config, now),
                tracking_code="".join(
                    secrets.choice(_TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH)
                ),
                request_hash=request_hash,
                created_at=now,
            )
            session.add(key)
            try:
                await session.commit()
                return key, True
            except IntegrityError as error:
                await session.rollback()  # a concurrent retry with the same key won; use its case
                lost_to = error
        existing = await session.get(IntakeKey, idempotency_key)
        if existing is None:
            raise lost_to
    if existing.request_hash != request_hash:
        raise Conflict(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different appeal; use a new key for a new appeal.",
            {"case_number": existing.case_number},
        )
    return existing, False


async def _next_case_number(session: AsyncSession, config: IntakeConfig, now: datetime) -> str:
    day = now.astimezone(config.zone).strftime("%Y%m%d")
    statement = insert_for(session, CaseNumberCounter).values(day=day, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["day"], set_={"last": CaseNumberCounter.last + 1}
    ).returning(CaseNumberCounter.last)
    serial = (await session.execute(statement)).scalar_one()
    return f"{config.case_number_prefix}{day}-{serial:06d}"


async def _start_workflow(client: Client, config: IntakeConfig, intake: CaseIntake) -> None:
    """Start the case, or find it already running or finished: never a second run for one number."""
    # WorkflowAlreadyStarted: the case finished before this retry arrived.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await _start(client, config, intake)


async def _start(client: Client, config: IntakeConfig, intake: CaseIntake) -> None:
    await client.start_workflow(
        "CaseWorkflow",
        intake,
        id=intake.case_number,
        task_queue=config.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=TypedSearchAttributes(search_attributes_at_start(intake)),
    )


def search_attributes_at_start(intake: CaseIntake) -> list[SearchAttributePair[Any]]:
    """What Temporal's visibility lists the case by. A case with its terms is dispatched by its first
    workflow task, so it starts with the dispatch's attributes and that task upserts none."""
    route, terms = intake.route, intake.terms
    status, dispatch = CaseStatus.REGISTERED, list[SearchAttributePair[Any]]()
    if route is not None and terms is not None:
        status, dispatch = (
            CaseStatus.HANDLING,
            [
                SearchAttributePair(sa.CASE_DEPARTMENTS, list(dict.fromkeys([route.lead, *route.assisting]))),
                SearchAttributePair(sa.CASE_TIER, intake.tier or route.tier),
                SearchAttributePair(sa.CASE_DUE_AT, terms.due_at),
            ],
        )
    return [
        SearchAttributePair(sa.CASE_STATUS, status.value),
        SearchAttributePair(sa.CASE_DISTRICT, intake.place.district),
        SearchAttributePair(sa.CASE_CATEGORY, intake.category),
        SearchAttributePair(sa.CASE_CHANNEL, intake.channel.value),
        SearchAttributePair(sa.CASE_ESCALATION_LEVEL, 0),
        *dispatch,
    ]
