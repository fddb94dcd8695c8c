"""接 The intake form: an appeal as the dispatcher takes it, with the pickers' fragments (streets of a
district, the suggested time limit, the routing proposal, likely duplicates) that htmx swaps in while
the form is filled. Without JavaScript the form still works: every street is listed under its district,
and the catalogue's proposal is used unless the dispatcher chooses a route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from api.deps import IntakeConfigDep, SessionDep, TemporalDep
from hotline import directory, duplicates, intake, routing
from hotline.auth import Principal
from hotline.contracts import RouteRequest
from hotline.enums import AppealType, Channel, Role
from hotline.errors import Conflict, DomainError
from hotline.schemas import CaseCreate
from web import csrf, forms, messages
from web.render import gettext_for, locale_of, page_allow, redirect, render
from web.routes import dispatcher_route_form as route_form

router = APIRouter(include_in_schema=False)
Dispatcher = Annotated[Principal, page_allow(Role.DISPATCHER)]
TIERS = (1, 3, 7, 11)
# The citizen's own words and where: what the form sends to CaseCreate as it is.
_FIELDS = (
    "channel",
    "appeal_type",
    "citizen_name",
    "citizen_phone",
    "district",
    "street",
    "address",
    "category",
    "tier",
    "title",
    "content",
    "answer",
)


async def _page(
    request: Request,
    session: SessionDep,
    values: dict[str, Any],
    errors: forms.FormErrors | None = None,
    status_code: int = 200,
    existing: str | None = None,
) -> HTMLResponse:
    categories = await directory.categories(session=session)
    places = await directory.places(session=session)
    return render(
        request,
        "dispatcher/intake.html",
        status_code=status_code,
        values=values,
        errors=errors or {},
        existing=existing,
        places=places,
        groups=[c for c in categories if c.parent is None],
        leaves=[c for c in categories if c.parent is not None],
        suggested=next((c.default_tier for c in categories if c.code == values.get("category")), None),
        departments=await route_form.department_groups(session=session, gettext=gettext_for(request)),
        channels=list(Channel),
        appeal_types=list(AppealType),
        tiers=TIERS,
        **await _proposal(request, session, places, values),
        duplicates=await _duplicates(session, places, values),
        names=await directory.names(session=session),
    )


@router.get("/console/intake", response_class=HTMLResponse)
async def intake_form(request: Request, user: Dispatcher, session: SessionDep) -> HTMLResponse:
    values = {"channel": Channel.HOTLINE.value, "appeal_type": AppealType.HELP.value}
    return await _page(request, session, {**values, "idempotency_key": forms.new_key()})


@router.post("/console/intake", response_model=None, dependencies=[Depends(csrf.check)])
async def register(
    request: Request,
    user: Dispatcher,
    session: SessionDep,
    client: TemporalDep,
    config: IntakeConfigDep,
) -> Response:
    form = await request.form()
    values = route_form.values(form)
    values["idempotency_key"] = forms.sent_key(values.get("idempotency_key")) or forms.new_key()
    gettext = gettext_for(request)
    # A blank field is a missing one: optional fields take their default, required ones say so.
    data: dict[str, Any] = {name: form[name] for name in _FIELDS if str(form.get(name) or "").strip()}
    data["anonymous"] = forms.checkbox(form, "anonymous")
    if str(data.get("tier", "")).isdigit():
        data["tier"] = int(data["tier"])  # the time limits are numbers, a form sends text
    errors: forms.FormErrors = {}
    if forms.checkbox(form, "route_change"):
        choice, errors = route_form.choice(form, gettext)
        data["route"] = choice.model_dump() if choice else None
    case_in, problems = forms.parse(CaseCreate, data, gettext)
    errors = {**problems, **errors}
    if case_in is None or errors:
        return await _page(request, session, values, errors, status_code=422)
    try:
        receipt = await intake.submit(
            session=session,
            client=client,
            config=config,
            case_in=case_in,
            idempotency_key=str(values["idempotency_key"]),
            actor=user.actor,
        )
    except DomainError as error:
        refused = route_form.field_errors(forms.refusal(error, gettext, english=locale_of(request) == "en"))
        existing = None
        if isinstance(error, Conflict) and error.code == "idempotency_key_reused":
            # The form was sent before (then edited): the first appeal exists; a new one needs a new key.
            existing = str(error.details.get("case_number", "")) or None
            values["idempotency_key"] = forms.new_key()
        return await _page(request, session, values, refused, error.status_code, existing)
    return redirect(f"/cases/{receipt.case_number}", done="registered")


@router.get("/console/intake/streets", response_class=HTMLResponse)
async def streets(
    request: Request, user: Dispatcher, session: SessionDep, district: str = "", street: str = ""
) -> HTMLResponse:
    """The street picker for the chosen district (every district's streets when none is chosen)."""
    return render(
        request,
        "dispatcher/_street_field.html",
        places=await directory.places(session=session),
        values={"district": district, "street": street},
    )


@router.get("/console/intake/tier", response_class=HTMLResponse)
async def tier(request: Request, user: Dispatcher, session: SessionDep, category: str = "") -> HTMLResponse:
    """The time limit picker with the category's default chosen."""
    suggested = next(
        (c.default_tier for c in await directory.categories(session=session) if c.code == category), None
    )
    return render(
        request,
        "dispatcher/_tier_field.html",
        tiers=TIERS,
        values={"tier": suggested or ""},
        suggested=suggested,
    )


@router.get("/console/intake/proposal", response_class=HTMLResponse)
async def proposal(request: Request, user: Dispatcher, session: SessionDep) -> HTMLResponse:
    """The catalogue's route for the category and place, with the fields to change it."""
    values = route_form.values(
        FormData(list[tuple[str, str | UploadFile]](request.query_params.multi_items()))
    )
    places = await directory.places(session=session)
    return render(
        request,
        "dispatcher/_routing.html",
        values=values,
        **await _proposal(request, session, places, values),
        departments=await route_form.department_groups(session=session, gettext=gettext_for(request)),
        names=await directory.names(session=session),
    )


@router.get("/console/intake/duplicates", response_class=HTMLResponse)
async def likely_duplicates(request: Request, user: Dispatcher, session: SessionDep) -> HTMLResponse:
    places = await directory.places(session=session)
    return render(
        request,
        "dispatcher/_duplicates.html",
        duplicates=await _duplicates(session, places, dict(request.query_params)),
        names=await directory.names(session=session),
    )


def _street_in(places: list[directory.DistrictOut], district: str, street: str) -> str | None:
    """The street if it lies in the district: a fragment may ask while the street picker is changing."""
    return next((s.code for d in places if d.code == district for s in d.streets if s.code == street), None)


async def _proposal(
    request: Request, session: SessionDep, places: list[directory.DistrictOut], values: dict[str, Any]
) -> dict[str, Any]:
    """The proposal, or what stops it (said to the dispatcher); neither before category and district."""
    category, district = str(values.get("category") or ""), str(values.get("district") or "")
    if not category or not district:
        return {"proposal": None, "proposal_problem": None}
    street = _street_in(places, district, str(values.get("street") or ""))
    try:
        route = await routing.propose_route(
            session=session, request=RouteRequest(category=category, district=district, street=street)
        )
    except DomainError as error:
        problem = messages.for_error(error, gettext_for(request), english=locale_of(request) == "en")
        return {"proposal": None, "proposal_problem": problem}
    return {"proposal": route, "proposal_problem": None}


async def _duplicates(
    session: SessionDep, places: list[directory.DistrictOut], values: dict[str, Any]
) -> list[duplicates.Duplicate]:
    def text(key: str) -> str:
        return str(values.get(key) or "")

    query = duplicates.DuplicateQuery(
        category=text("category") or None,
        district=text("district") or None,
        street=_street_in(places, text("district"), text("street")),
        title=text("title"),
        address=text("address"),
        content=text("content"),
    )
    return await duplicates.likely(session=session, query=query)
