"""The appeal taxonomy: groups and their categories, each leaf with its sector department and tier."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from hotline import directory
from hotline.errors import DomainError, NotFound
from web.forms import FormErrors, parse
from web.i18n import N_
from web.render import gettext_for, redirect, render
from web.routes.admin_pages import CHECKED, AdminUser, form_values, refused

router = APIRouter(prefix="/admin/categories")
TIERS = (1, 3, 7, 11)


async def _form(
    request: Request,
    session: SessionDep,
    *,
    existing: directory.CategoryOut | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    categories = await directory.categories(session=session)
    departments = [d for d in await directory.departments(session=session) if d.active]
    return render(
        request,
        "admin/category_form.html",
        status_code=status_code,
        existing=existing,
        is_group=existing is not None and existing.parent is None,
        values=values,
        errors=errors or {},
        groups=[c for c in categories if c.parent is None],
        departments=sorted(departments, key=lambda d: d.name),
        tiers=TIERS,
    )


async def _category(session: SessionDep, code: str) -> directory.CategoryOut:
    found = [c for c in await directory.categories(session=session) if c.code == code]
    if not found:
        raise NotFound("unknown_category", f"No category {code!r}.")
    return found[0]


@router.get("", response_class=HTMLResponse)
async def tree(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    categories = await directory.categories(session=session)
    return render(
        request,
        "admin/categories.html",
        groups=[c for c in categories if c.parent is None],
        leaves=[c for c in categories if c.parent is not None],
        names=await directory.names(session=session),
    )


@router.get("/new", response_class=HTMLResponse)
async def new_category(
    request: Request, user: AdminUser, session: SessionDep, parent: str | None = None
) -> HTMLResponse:
    return await _form(request, session, existing=None, values={"parent": parent})


@router.get("/{code}", response_class=HTMLResponse)
async def edit_category(request: Request, code: str, user: AdminUser, session: SessionDep) -> HTMLResponse:
    existing = await _category(session, code)
    return await _form(request, session, existing=existing, values=existing.model_dump(mode="json"))


@router.post("", response_class=HTMLResponse, dependencies=CHECKED)
async def save_category(request: Request, user: AdminUser, session: SessionDep) -> Response:
    """One form for both: `editing` names the category being changed; its code and level stay."""
    values = await form_values(request)
    editing = values.pop("editing", None)
    existing = await _category(session, editing) if editing else None
    if existing is not None:
        values["code"] = existing.code
        if existing.parent is None:
            values["parent"] = None  # a group stays a group: its leaves hang on it
    if str(values.get("default_tier") or "").isdigit():
        values["default_tier"] = int(values["default_tier"])  # the model's Literal takes numbers only
    body, errors = parse(directory.CategoryIn, values, gettext_for(request))
    status = 422
    if body is not None and existing is None and await _taken(session, body.code):
        errors = {"code": gettext_for(request)(N_("A category with this code exists; edit it instead."))}
        status = 409
    elif body is not None:
        try:
            await directory.save_category(session=session, category=body)
            return redirect("/admin/categories", done="saved")
        except DomainError as error:
            errors, status = refused(request, error), error.status_code
    return await _form(request, session, existing=existing, values=values, errors=errors, status_code=status)


async def _taken(session: SessionDep, code: str) -> bool:
    return any(c.code == code for c in await directory.categories(session=session))
