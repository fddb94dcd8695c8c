"""Case search (with the API's filters) and the case page: every field, each department's clock, the
timeline, and the forms the viewer may use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, SettingsDep
from hotline import cases, directory
from hotline.auth import Principal
from hotline.case_filters import CaseFilter, SortKey
from hotline.enums import CaseStatus, Channel
from hotline.errors import DomainError
from web import forms, offers
from web.forms import FormErrors
from web.render import PageUser, error_page, gettext_for, render

router = APIRouter(include_in_schema=False)


def filter_from_query(request: Request) -> dict[str, Any]:
    """The search form's fields, as CaseFilter reads them (empty fields are not filters)."""
    params = forms.blank_to_none(dict(request.query_params))
    params.pop("done", None)
    params.pop("lang", None)
    params["status"] = [s for s in request.query_params.getlist("status") if s]
    return {k: v for k, v in params.items() if v is not None}


@router.get("/cases", response_class=HTMLResponse)
async def search(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    query = filter_from_query(request)
    parsed = forms.local_times(dict(query), ("received_from", "received_to"), settings.timezone)
    case_filter, errors = forms.parse(CaseFilter, parsed, gettext_for(request))
    try:
        listing = await cases.list_cases(
            session=session, principal=user, case_filter=case_filter or CaseFilter()
        )
    except DomainError as error:
        return error_page(request, error)
    return render(
        request,
        "cases/search.html",
        status_code=422 if errors else 200,
        listing=listing,
        query=query,
        errors=errors,
        names=await directory.names(session=session),
        places=await directory.places(session=session),
        categories=await directory.categories(session=session),
        statuses=list(CaseStatus),
        channels=list(Channel),
        sort_keys=list(SortKey),
    )


async def case_page(
    request: Request,
    *,
    user: Principal,
    session: SessionDep,
    warning_fraction: float,
    case_number: str,
    errors: FormErrors | None = None,
    form: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The case page; an action's route shows it again with the form's problems when it is refused."""
    try:
        case = await cases.get_case(
            session=session, principal=user, case_number=case_number, warning_fraction=warning_fraction
        )
    except DomainError as error:
        return error_page(request, error)
    return render(
        request,
        "cases/case.html",
        status_code=status_code,
        case=case,
        offers=offers.for_case(user, case),
        orders=offers.orders(case),
        names=await directory.names(session=session),
        errors=errors or {},
        form=form,
        values=values or {},
    )


@router.get("/cases/{case_number}", response_class=HTMLResponse)
async def show(
    request: Request, case_number: str, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    return await case_page(
        request,
        user=user,
        session=session,
        warning_fraction=settings.warning_fraction,
        case_number=case_number,
    )
