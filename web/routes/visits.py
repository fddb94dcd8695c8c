"""回访 The visit operator's pages: the queue of cases awaiting a return visit, and the visit form on the
case page (an attempt that did not reach the citizen, or the visit with the rating)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.routes.case_actions import VisitIn
from hotline import directory, visit_queue
from hotline.auth import Principal
from hotline.contracts import Visit
from hotline.enums import Role
from web import csrf, forms
from web.case_forms import CaseForm, case_form
from web.i18n import N_
from web.render import gettext_for, page_allow, render

router = APIRouter(include_in_schema=False)
VisitOperator = Annotated[Principal, page_allow(Role.VISIT_OPERATOR)]
VisitForm = Annotated[CaseForm, case_form(Role.VISIT_OPERATOR)]
# A citizen reached on the phone answers both (the workflow refuses the visit otherwise).
_REACHED_NEEDS = {
    "resolved": N_("Say whether the problem was resolved."),
    "rating": N_("Give the citizen's rating."),
}


@router.get("/visits", response_class=HTMLResponse)
async def show_queue(
    request: Request,
    user: VisitOperator,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    return render(
        request,
        "visits/queue.html",
        queue=await visit_queue.awaiting(session=session, principal=user, page=page),
        names=await directory.names(session=session),
    )


def visit_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Who was not reached gives no rating: the attempt's answers are dropped, its note kept."""
    data = forms.blank_to_none({name: values.get(name, "") for name in ("reached", "resolved", "rating")})
    data["comment"] = values.get("comment", "")
    if data["reached"] == "false":
        data["resolved"] = data["rating"] = None
    return data


@router.post("/cases/{case_number}/visit", dependencies=[Depends(csrf.check)], response_model=None)
async def record_visit(form: VisitForm) -> Response:
    data = visit_fields(form.values)
    reached = data["reached"] == "true"
    gettext = gettext_for(form.request)
    missing = {name: gettext(text) for name, text in _REACHED_NEEDS.items() if reached and data[name] is None}
    return await form.update(
        "visit",
        VisitIn,
        data,
        update="visit",
        kind=Visit,
        done="visited",
        closing_done="visit_closed",
        back="/visits",
        extra_errors=missing,
    )
