"""预警预报 The early-warning page: spikes, places that keep coming back, clusters of similar appeals; a
supervisor starts a proactive governance case (未诉先办) from a cluster and lands on its case page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import IntakeConfigDep, SessionDep, SettingsDep, TemporalDep
from api.routes.warnings import READERS
from hotline import directory, proactive, warnings
from hotline.auth import Principal
from hotline.enums import Role
from hotline.errors import DomainError
from hotline.settings import Settings
from web import csrf, forms
from web.render import gettext_for, locale_of, page_allow, redirect, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, page_allow(*READERS)]
SupervisorUser = Annotated[Principal, page_allow(Role.SUPERVISOR)]
PAGE = "/reports/warnings"
_FIELDS = ("title", "content", "category", "district")


async def _page(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    *,
    form: str | None = None,
    members: list[str] | None = None,
    values: dict[str, Any] | None = None,
    errors: forms.FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    categories = await directory.categories(session=session)
    names = await directory.names(session=session)
    found = await warnings.overview(session=session, now=datetime.now(UTC), settings=settings)
    return render(
        request,
        "warnings/index.html",
        status_code=status_code,
        found=found,
        names=names,
        categories=[
            (c.code, f"{names.categories.get(c.parent or '', '')} / {c.name}") for c in categories if c.parent
        ],
        districts=[(d.code, d.name) for d in await directory.places(session=session)],
        form=_shown_again(found.clusters, form, members) if errors else None,
        values=values or {},
        errors=errors or {},
    )


def _shown_again(clusters: list[warnings.Cluster], key: str | None, members: list[str] | None) -> str:
    """The cluster whose form was sent: the same key, else the one sharing most members (a cluster grows
    and its oldest member can change between showing the form and sending it), else none ("")."""
    if any(c.key == key for c in clusters):
        return str(key)
    sent = set(members or ())
    best = max(clusters, key=lambda c: len(sent & set(c.case_numbers)), default=None)
    return best.key if best is not None and sent & set(best.case_numbers) else ""


@router.get(PAGE, response_class=HTMLResponse)
async def show(request: Request, user: Reader, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    return await _page(request, session, settings)


@router.post(f"{PAGE}/proactive", response_model=None, dependencies=[Depends(csrf.check)])
async def start_proactive_case(
    request: Request,
    user: SupervisorUser,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    config: IntakeConfigDep,
) -> Response:
    form = await request.form()
    cluster = str(form.get("cluster") or "")
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in _FIELDS}
    values["idempotency_key"] = forms.sent_key(form.get("idempotency_key")) or forms.new_key()
    data = {name: value for name, value in values.items() if name in _FIELDS and value.strip()}
    members = data["members"] = [str(m) for m in form.getlist("members")]
    gettext = gettext_for(request)
    case_in, errors = forms.parse(proactive.ProactiveCaseCreate, data, gettext)
    if case_in is None:
        return await _page(
            request,
            session,
            settings,
            form=cluster,
            members=members,
            values=values,
            errors=errors,
            status_code=422,
        )
    try:
        receipt = await proactive.start(
            session=session,
            client=client,
            config=config,
            case_in=case_in,
            idempotency_key=values["idempotency_key"],
            actor=user.actor,
        )
    except DomainError as error:
        refused = forms.refusal(error, gettext, english=locale_of(request) == "en")
        return await _page(
            request,
            session,
            settings,
            form=cluster,
            values=values,
            errors=refused,
            status_code=error.status_code,
        )
    return redirect(f"/cases/{receipt.case_number}", done="registered")
