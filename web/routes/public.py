"""宣: the citizens' pages, no login: how to reach 12345, headline rates, typical cases, and tracking a
case by its tracking code and the phone's last four digits (then rating or withdrawing it). Also the
supervisors' page that publishes a closed case as a typical case.

The tracking code and the digits are a key to the case: they never go into a URL (a URL ends up in the
browser's history, in server logs and in a Referer). Every step is a POST form with the CSRF token; the
result page carries the key in hidden fields of its own rate and withdraw forms, so the server keeps no
state and nothing is stored in the browser after the page is closed. A hidden request id makes a
re-submitted form (reload, double click) count once.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import LimiterDep, SessionDep, TemporalDep, client_address
from api.routes.public import RatingIn, WithdrawalIn
from hotline import directory, headlines, public, typical
from hotline.auth import Principal
from hotline.enums import Rating, Role
from hotline.errors import DomainError, NotFound
from hotline.models import Case
from hotline.ratelimit import PUBLIC_REQUESTS
from web import csrf, forms, messages
from web.forms import FORM_ERROR, FormErrors
from web.i18n import N_
from web.render import MaybeUser, error_page, gettext_for, locale_of, page_allow, redirect, render

router = APIRouter(include_in_schema=False)

Publisher = Annotated[Principal, page_allow(Role.SUPERVISOR, Role.ADMIN)]

# Refusals as a citizen or a publisher should read them on these pages.
_REFUSALS = {
    "case_not_found": N_(
        "No case matches this tracking code and these four digits. Please check both and try again."
    ),
    "case_not_publishable": N_("Only a closed case that was handled can be published as a typical case."),
    "already_published": N_("This case is published as a typical case already."),
}
_REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


async def _limited(request: Request, limiter: LimiterDep) -> None:
    """The same budget per address as the JSON API's no-login endpoints."""
    await limiter.hit(PUBLIC_REQUESTS, "public", client_address(request))


_CITIZEN_POST = [Depends(csrf.check), Depends(_limited)]


def _refusal(request: Request, error: DomainError) -> FormErrors:
    gettext = gettext_for(request)
    if error.code in _REFUSALS:
        return {FORM_ERROR: gettext(_REFUSALS[error.code])}
    return forms.refusal(error, gettext, english=locale_of(request) == "en")


# ---- the front page and typical cases ---------------------------------------------------------------


@router.get("/public", response_class=HTMLResponse)
async def front(request: Request, user: MaybeUser, session: SessionDep) -> HTMLResponse:
    return render(
        request,
        "public/index.html",
        figures=await headlines.headlines(session=session, now=datetime.now(UTC)),
        typical_cases=await typical.latest(session=session),
        names=await directory.names(session=session),
        values={},
    )


@router.get("/public/typical/{typical_id}", response_class=HTMLResponse)
async def typical_case(
    request: Request, typical_id: int, user: MaybeUser, session: SessionDep
) -> HTMLResponse:
    try:
        item = await typical.get(session=session, typical_id=typical_id)
    except NotFound:
        return error_page(request, NotFound("not_found", "This page does not exist."))
    return render(
        request,
        "public/typical.html",
        item=item,
        names=await directory.names(session=session),
        can_unpublish=user is not None and user.role in typical.PUBLISHERS,
    )


@router.get("/typical/new", response_class=HTMLResponse)
async def publish_form(
    request: Request, user: Publisher, session: SessionDep, case: Annotated[str, Query(max_length=32)]
) -> HTMLResponse:
    try:
        text = await typical.draft(session=session, principal=user, case_number=case)
    except DomainError as error:
        return _publish_page(request, case, {}, _refusal(request, error), error.status_code, refused=True)
    return _publish_page(request, case, text.model_dump(), {}, 200)


@router.post("/typical/new", response_class=HTMLResponse, dependencies=[Depends(csrf.check)])
async def publish(request: Request, user: Publisher, session: SessionDep) -> Any:
    data = dict(await request.form())
    case_number = str(data.get("case", ""))
    text, errors = forms.parse(typical.TypicalCaseIn, data, gettext_for(request))
    if text is None:
        return _publish_page(request, case_number, data, errors, 422)
    try:
        item = await typical.publish(session=session, principal=user, case_number=case_number, text=text)
    except DomainError as error:
        return _publish_page(request, case_number, data, _refusal(request, error), error.status_code)
    return redirect(f"/public/typical/{item.id}", done="saved")


@router.post("/typical/{typical_id}/delete", dependencies=[Depends(csrf.check)])
async def unpublish(typical_id: int, user: Publisher, session: SessionDep) -> RedirectResponse:
    await typical.unpublish(session=session, principal=user, typical_id=typical_id)
    return redirect("/public", done="deleted")


def _publish_page(
    request: Request,
    case_number: str,
    values: dict[str, Any],
    errors: FormErrors,
    status_code: int,
    refused: bool = False,
) -> HTMLResponse:
    return render(
        request,
        "public/publish.html",
        status_code=status_code,
        case_number=case_number,
        values=values,
        errors=errors,
        refused=refused,
    )


# ---- tracking, rating and withdrawing ---------------------------------------------------------------


@router.get("/public/track", response_class=HTMLResponse)
async def track_form(request: Request, user: MaybeUser) -> HTMLResponse:
    return render(request, "public/track.html", values={})


def _track_page(
    request: Request, values: dict[str, Any], errors: FormErrors, status_code: int
) -> HTMLResponse:
    # The digits are not shown again: a wrong guess is typed afresh.
    kept = {"tracking_code": values.get("tracking_code", "")}
    return render(request, "public/track.html", status_code=status_code, values=kept, errors=errors)


async def _case_for(
    request: Request, session: SessionDep, limiter: LimiterDep, data: dict[str, Any]
) -> tuple[Case, public.CaseKey] | HTMLResponse:
    """The case the form's key opens, or the tracking form again with what is wrong."""
    key, errors = forms.parse(public.CaseKey, data, gettext_for(request))
    if key is None:
        return _track_page(request, data, errors, 422)
    try:
        case = await public.find(session=session, limiter=limiter, key=key)
    except DomainError as error:
        return _track_page(request, data, _refusal(request, error), error.status_code)
    return case, key


async def _case_page(
    request: Request,
    session: SessionDep,
    case: Case,
    key: public.CaseKey,
    *,
    errors: FormErrors | None = None,
    form: str | None = None,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
    done: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    view = await public.view(session=session, case=case)
    names = await directory.names(session=session)
    department = names.departments.get(case.lead_department_code or "")
    return render(
        request,
        "public/case.html",
        status_code=status_code,
        view=view,
        key=key,
        department=department,
        request_id=uuid.uuid4().hex,
        ratings=[r.value for r in Rating],
        errors=errors or {},
        form=form,
        values=values or {},
        done=done,
        **({"notice": notice} if notice else {}),
    )


def _request_id(data: dict[str, Any]) -> str:
    given = str(data.get("request_id", ""))
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


@router.post("/public/track", response_class=HTMLResponse, dependencies=_CITIZEN_POST)
async def track(request: Request, user: MaybeUser, session: SessionDep, limiter: LimiterDep) -> HTMLResponse:
    data = dict(await request.form())
    found = await _case_for(request, session, limiter, data)
    if isinstance(found, HTMLResponse):
        return found
    case, key = found
    return await _case_page(request, session, case, key)


@router.post("/public/rate", response_class=HTMLResponse, dependencies=_CITIZEN_POST)
async def rate(
    request: Request, user: MaybeUser, session: SessionDep, limiter: LimiterDep, client: TemporalDep
) -> HTMLResponse:
    data = dict(await request.form())
    found = await _case_for(request, session, limiter, data)
    if isinstance(found, HTMLResponse):
        return found
    case, key = found
    body, errors = forms.parse(RatingIn, data, gettext_for(request))
    if body is None:
        return await _case_page(
            request, session, case, key, errors=errors, form="rate", values=data, status_code=422
        )
    try:
        await public.rate(
            client=client,
            case=case,
            resolved=body.resolved,
            rating=body.rating,
            comment=body.comment,
            request_id=_request_id(data),
        )
    except DomainError as error:
        return await _case_page(
            request,
            session,
            case,
            key,
            errors=_refusal(request, error),
            form="rate",
            values=data,
            status_code=error.status_code,
        )
    await session.refresh(case)
    notice = gettext_for(request)(messages.NOTICES["rated"])
    return await _case_page(request, session, case, key, notice=notice, done=True)


@router.post("/public/withdraw", response_class=HTMLResponse, dependencies=_CITIZEN_POST)
async def withdraw(
    request: Request, user: MaybeUser, session: SessionDep, limiter: LimiterDep, client: TemporalDep
) -> HTMLResponse:
    data = dict(await request.form())
    found = await _case_for(request, session, limiter, data)
    if isinstance(found, HTMLResponse):
        return found
    case, key = found
    body, errors = forms.parse(WithdrawalIn, data, gettext_for(request))
    if body is None:
        return await _case_page(
            request, session, case, key, errors=errors, form="withdraw", values=data, status_code=422
        )
    try:
        await public.withdraw(client=client, case=case, reason=body.reason, request_id=_request_id(data))
    except DomainError as error:
        return await _case_page(
            request,
            session,
            case,
            key,
            errors=_refusal(request, error),
            form="withdraw",
            values=data,
            status_code=error.status_code,
        )
    await session.refresh(case)
    notice = gettext_for(request)(messages.NOTICES["withdrawn"])
    return await _case_page(request, session, case, key, notice=notice, done=True)
