"""The dispatch catalogue: category × place → mode, lead and assisting departments, team."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from hotline import directory
from hotline.enums import DispatchMode
from hotline.errors import DomainError, NotFound
from web.forms import FormErrors, parse
from web.render import gettext_for, redirect, render
from web.routes.admin_pages import CHECKED, AdminUser, RowId, form_values, refused

router = APIRouter(prefix="/admin/catalogue")
TERRITORIAL = ("@street", "@district")  # the territorial office of the case's own place


async def _page(
    request: Request,
    session: SessionDep,
    *,
    category: str | None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    categories = await directory.categories(session=session)
    departments = [d for d in await directory.departments(session=session) if d.active]
    return render(
        request,
        "admin/catalogue.html",
        status_code=status_code,
        category=category,
        rules=await directory.rules(session=session, category=category),
        names=await directory.names(session=session),
        leaves=[c for c in categories if c.parent is not None],
        places=await directory.places(session=session),
        departments=sorted(departments, key=lambda d: d.name),
        modes=list(DispatchMode),
        territorial=TERRITORIAL,
        values=values or {"category": category},
        errors=errors or {},
    )


async def _rule(session: SessionDep, rule_id: int) -> directory.RuleOut:
    found = [r for r in await directory.rules(session=session, category=None) if r.id == rule_id]
    if not found:
        raise NotFound("rule_not_found", f"No dispatch rule {rule_id}.")
    return found[0]


@router.get("", response_class=HTMLResponse)
async def list_rules(
    request: Request, user: AdminUser, session: SessionDep, category: str | None = None
) -> HTMLResponse:
    return await _page(request, session, category=category or None)


@router.post("", response_class=HTMLResponse, dependencies=CHECKED)
async def add_rule(request: Request, user: AdminUser, session: SessionDep) -> Response:
    values = await form_values(request, "assisting")
    body, errors = parse(directory.RuleIn, values, gettext_for(request))
    status = 422
    if body is not None:
        try:
            await directory.add_rule(session=session, rule=body)
            return redirect("/admin/catalogue", done="rule_added", category=body.category)
        except DomainError as error:
            errors, status = refused(request, error), error.status_code
    return await _page(
        request,
        session,
        category=values.get("category"),
        values=values,
        errors=errors,
        status_code=status,
    )


@router.get("/{rule_id}/delete", response_class=HTMLResponse)
async def confirm_deletion(
    request: Request, rule_id: RowId, user: AdminUser, session: SessionDep
) -> HTMLResponse:
    return render(
        request,
        "admin/rule_delete.html",
        rule=await _rule(session, rule_id),
        names=await directory.names(session=session),
    )


@router.post("/{rule_id}/delete", dependencies=CHECKED)
async def delete_rule(rule_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    rule = await _rule(session, rule_id)
    await directory.delete_rule(session=session, rule_id=rule_id)
    return redirect("/admin/catalogue", done="deleted", category=rule.category)
