"""Open311 GeoReport v2: leaf categories as services, cases as service requests, the timeline as
FixMyStreet's service request updates, and a filed request as an ordinary intake on the open311 channel.

The shapes of the answers live in `open311_xml`. Refusals are the project's DomainErrors; the routes
render them in Open311's own form.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from temporalio.client import Client

from hotline import intake, tokens
from hotline import open311_xml as documents
from hotline.auth import Principal
from hotline.enums import AppealType, Channel, Role
from hotline.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from hotline.models import Case, CaseEvent, Category, Department, District, IntakeKey, Street
from hotline.schemas import CaseCreate

MAX_RESULTS = 1000
MAX_LISTED = 200  # values in one comma-separated filter: each becomes a bound SQL parameter
REQUEST_WINDOW = timedelta(days=90)
UPDATE_WINDOW = timedelta(days=7)
TITLE_LENGTH = 30

# Refusals name our fields; an Open311 client knows them by these names.
_OPEN311_FIELDS = {
    "category": "service_code",
    "district": "attribute[district]",
    "street": "attribute[street]",
    "citizen_phone": "phone",
    "citizen_name": "first_name/last_name",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "title": "description",
    "content": "description",
}
# One query for a page of requests: each with its service's name and its lead department's.
_REQUESTS = (
    select(Case, Category.name, Department.name)
    .outerjoin(Category, col(Category.code) == col(Case.category_code))
    .outerjoin(Department, col(Department.code) == col(Case.lead_department_code))
)
# PostgreSQL refuses NUL in text, and XML cannot carry the other control characters.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# An unencoded "+08:00" in a query string arrives as " 08:00".
_SPACED_OFFSET = re.compile(r"(T[\d:.]+) (\d\d:?\d\d)$")


@dataclass(frozen=True)
class RequestFilter:
    service_request_id: str | None = None
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class RequestForm:
    """A POST requests body in Open311's field names; `attributes` from its `attribute[<code>]` fields."""

    service_code: str | None = None
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


async def services(*, session: AsyncSession) -> documents.Document:
    group = aliased(Category)
    rows = await session.execute(
        select(Category, group.name)
        .join(group, col(group.code) == col(Category.parent_code))
        .order_by(col(group.sort_order), col(group.code), col(Category.sort_order), col(Category.code))
    )
    return documents.Document(
        "services", [documents.service(category, name) for category, name in rows.all()]
    )


async def service_definition(*, session: AsyncSession, service_code: str) -> documents.Document:
    category = await session.get(Category, service_code)
    if category is None or category.parent_code is None:
        raise NotFound("service_not_found", f"No service {service_code!r}; see services.json.")
    districts = (await session.execute(select(District).order_by(col(District.sort_order)))).scalars().all()
    streets = await session.execute(
        select(Street, District.name)
        .join(District, col(District.code) == col(Street.district_code))
        .order_by(col(District.sort_order), col(Street.sort_order), col(Street.code))
    )
    district_values = [(d.code, d.name) for d in districts]
    street_values = [(s.code, f"{district_name} {s.name}") for s, district_name in streets.all()]
    attributes = [
        documents.attribute("district", "区/县", 1, required=True, values=district_values),
        documents.attribute("street", "街道/乡镇", 2, required=False, values=street_values),
    ]
    return documents.Document("service_definition", {"service_code": category.code, "attributes": attributes})


async def requests(
    *, session: AsyncSession, request_filter: RequestFilter, zone: tzinfo
) -> documents.Document:
    query = _REQUESTS
    if ids := _listed(request_filter.service_request_id, "service_request_id"):
        query = query.where(col(Case.case_number).in_(ids))  # the specification: it overrides the rest
    else:
        start, end = _window(request_filter.start_date, request_filter.end_date, zone, REQUEST_WINDOW)
        query = query.where(col(Case.received_at) >= start, col(Case.received_at) <= end)
        if codes := _listed(request_filter.service_code, "service_code"):
            query = query.where(col(Case.category_code).in_(codes))
        statuses = set(_listed(request_filter.status, "status"))
        if statuses - {"open", "closed"}:
            raise Invalid("bad_status", "status is open, closed, or both (open,closed).", {"field": "status"})
        if statuses == {"open"}:
            query = query.where(col(Case.status).not_in(documents.CLOSED_STATUSES))
        elif statuses == {"closed"}:
            query = query.where(col(Case.status).in_(documents.CLOSED_STATUSES))
    query = query.order_by(col(Case.received_at).desc(), col(Case.case_number).desc()).limit(MAX_RESULTS)
    return documents.Document(
        "service_requests",
        [documents.service_request(*row, zone=zone) for row in (await session.execute(query))],
    )


async def request(*, session: AsyncSession, service_request_id: str, zone: tzinfo) -> documents.Document:
    row = (await session.execute(_REQUESTS.where(Case.case_number == service_request_id))).first()
    if row is None:
        raise NotFound("request_not_found", f"No service request {service_request_id!r}.")
    return documents.Document("service_requests", [documents.service_request(*row, zone=zone)])


async def token(*, session: AsyncSession, token: str) -> documents.Document:
    """POST answers with the case number at once, so the token is the case number."""
    known = await session.get(Case, token) is not None or (
        (await session.execute(select(IntakeKey.case_number).where(IntakeKey.case_number == token))).first()
    )
    if not known:
        raise NotFound("token_not_found", f"No service request for token {token!r}.")
    return documents.Document("service_requests", [{"service_request_id": token, "token": token}])


async def updates(
    *, session: AsyncSession, start_date: str | None, end_date: str | None, zone: tzinfo
) -> documents.Document:
    """FixMyStreet's servicerequestupdates: the timeline, oldest first, so a client pages by time."""
    start, end = _window(start_date, end_date, zone, UPDATE_WINDOW)
    events = await session.execute(
        select(CaseEvent)
        .where(col(CaseEvent.occurred_at) >= start, col(CaseEvent.occurred_at) <= end)
        .order_by(col(CaseEvent.occurred_at), col(CaseEvent.case_number), col(CaseEvent.seq))
        .limit(MAX_RESULTS)
    )
    return documents.Document(
        "service_request_updates", [documents.request_update(e, zone=zone) for e in events.scalars()]
    )


async def authenticate(*, session: AsyncSession, api_key: str | None) -> Principal:
    if not api_key:
        raise Forbidden("api_key_required", "api_key is required to file a service request.")
    principal = await tokens.principal_for_api_token(session=session, token=api_key)
    if principal is None or principal.role != Role.INTEGRATION or principal.channel != Channel.OPEN311:
        raise Forbidden("api_key_refused", "This api_key is invalid, revoked, or not for open311.")
    return principal


async def file_request(
    *,
    session: AsyncSession,
    client: Client,
    config: intake.IntakeConfig,
    principal: Principal,
    form: RequestForm,
    idempotency_key: str | None,
) -> documents.Document:
    """File a request as a case; without an Idempotency-Key, the same submission is the same case."""
    case_in = _case_create(form)
    try:
        receipt = await intake.submit(
            session=session,
            client=client,
            config=config,
            case_in=case_in,
            idempotency_key=idempotency_key or _derived_key(principal, form),
            actor=principal.actor,
            channel_scope=principal.channel,
        )
    except (Invalid, NotFound, Conflict) as error:  # all caused by what was sent: Open311 says 400
        raise Invalid(error.code, _in_open311_terms(error), error.details) from error
    return documents.receipt(receipt.case_number)


def _case_create(form: RequestForm) -> CaseCreate:
    texts = {**asdict(form), **{f"attribute[{k}]": v for k, v in form.attributes.items()}}
    for name, value in texts.items():
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise Invalid("control_character", f"{name} contains a control character.", {"field": name})
    description = (form.description or "").strip()
    district = form.attributes.get("district", "").strip()
    for name, value in (("service_code", form.service_code), ("description", description)):
        if not value:
            raise Invalid(f"{name}_required", f"{name} is required.", {"field": name})
    if not district:
        raise Invalid("district_required", "attribute[district] is required; see the service definition.")
    phone = (form.phone or "").strip() or None
    try:
        return CaseCreate(
            channel=Channel.OPEN311,
            appeal_type=AppealType.HELP,
            citizen_name=_citizen_name(form.first_name, form.last_name),
            citizen_phone=phone,
            anonymous=phone is None,
            district=district,
            street=form.attributes.get("street", "").strip() or None,
            address=(form.address_string or "").strip(),
            latitude=form.lat,
            longitude=form.long,
            category=form.service_code,
            title=description[:TITLE_LENGTH],
            content=description,
        )
    except ValidationError as error:
        problem = error.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else ""
        raise Invalid("invalid_parameter", f"{_OPEN311_FIELDS.get(name, name)}: {problem['msg']}.") from error


def _citizen_name(first: str | None, last: str | None) -> str | None:
    first, last = (first or "").strip(), (last or "").strip()
    if not first or not last:
        return first or last or None
    # Chinese names are written family name first, without a space.
    return f"{first} {last}" if (first + last).isascii() else f"{last}{first}"


def _derived_key(principal: Principal, form: RequestForm) -> str:
    submitted = json.dumps(asdict(form), sort_keys=True, ensure_ascii=False)
    return f"open311:{principal.user_id}:{hashlib.sha256(submitted.encode()).hexdigest()}"


def _in_open311_terms(error: DomainError) -> str:
    name = error.details.get("field")
    return f"{_OPEN311_FIELDS.get(name, name)}: {error.message}" if isinstance(name, str) else error.message


def _listed(text: str | None, name: str) -> list[str]:
    items = [item.strip() for item in (text or "").split(",") if item.strip()]
    if len(items) > MAX_LISTED:
        raise Invalid("too_many_values", f"{name} lists at most {MAX_LISTED} values.", {"field": name})
    return items


def _window(
    start_date: str | None, end_date: str | None, zone: tzinfo, span: timedelta
) -> tuple[datetime, datetime]:
    """The dates asked for; missing ends default to now and to `span` before the end.

    A start after a defaulted end is an empty window, not a mistake: a poller's clock may run ahead.
    """
    start, end = _when(start_date, "start_date", zone), _when(end_date, "end_date", zone)
    if start and end and start > end:
        raise Invalid("bad_date_range", "start_date must not be after end_date.", {"field": "start_date"})
    try:
        end = end or datetime.now(UTC)
        start = start or end - span
    except OverflowError as error:
        raise Invalid("bad_date", "end_date is too early.", {"field": "end_date"}) from error
    return start, end


def _when(text: str | None, name: str, zone: tzinfo) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(_SPACED_OFFSET.sub(r"\1+\2", text.strip()))
        return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        example = "2026-11-26T08:00:00+08:00"
        raise Invalid("bad_date", f"{name} must be ISO 8601, e.g. {example}.", {"field": name}) from error
