"""Departments: the list with kind, level and place; a new one; changes, including retiring one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from hotline import directory
from hotline.enums import DepartmentKind, Level
from hotline.errors import DomainError, NotFound
from web.forms import FormErrors, checkbox, parse
from web.i18n import N_
from web.render import gettext_for, redirect, render
from web.routes.admin_pages import CHECKED, AdminUser, form_values, refused

router = APIRouter(prefix="/admin/departments")


async def _form(
    request: Request,
    session: SessionDep,
    *,
    existing: directory.DepartmentIn | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "admin/department_form.html",
        status_code=status_code,
        existing=existing,
        values=values,
        errors=errors or {},
        places=await directory.places(session=session),
        kinds=list(DepartmentKind),
        levels=list(Level),
    )


async def _department(session: SessionDep, code: str) -> directory.DepartmentIn:
    found = [d for d in await directory.departments(session=session) if d.code == code]
    if not found:
        raise NotFound("unknown_department", f"No department {code!r}.")
    return found[0]


@router.get("", response_class=HTMLResponse)
async def list_departments(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    departments = await directory.departments(session=session)
    return render(
        request,
        "admin/departments.html",
        departments=sorted(departments, key=lambda d: (not d.active, d.kind, d.level, d.code)),
        names=await directory.names(session=session),
    )


@router.get("/new", response_class=HTMLResponse)
async def new_department(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    return await _form(request, session, existing=None, values={"active": True})


@router.get("/{code}", response_class=HTMLResponse)
async def edit_department(request: Request, code: str, user: AdminUser, session: SessionDep) -> HTMLResponse:
    existing = await _department(session, code)
    return await _form(request, session, existing=existing, values=existing.model_dump(mode="json"))


@router.post("", response_class=HTMLResponse, dependencies=CHECKED)
async def save_department(request: Request, user: AdminUser, session: SessionDep) -> Response:
    """One form for both: `editing` names the department being changed; its code stays as it is."""
    values = await form_values(request)
    editing = values.pop("editing", None)
    existing = await _department(session, editing) if editing else None
    if existing is not None:
        values["code"] = existing.code
    values["active"] = checkbox(values, "active")
    body, errors = parse(directory.DepartmentIn, values, gettext_for(request))
    status = 422
    if body is not None and existing is None and await _taken(session, body.code):
        errors = {"code": gettext_for(request)(N_("A department with this code exists; edit it instead."))}
        status = 409
    elif body is not None:
        try:
            await directory.save_department(session=session, department=body)
            return redirect("/admin/departments", done="saved")
        except DomainError as error:
            errors, status = refused(request, error), error.status_code
    return await _form(request, session, existing=existing, values=values, errors=errors, status_code=status)


async def _taken(session: SessionDep, code: str) -> bool:
    # save_department creates or updates by code; a new department must not overwrite another one.
    return any(d.code == code for d in await directory.departments(session=session))
