"""People's accounts: the list, a new account, changes, a new password, deactivation and reactivation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from hotline import directory, users
from hotline.errors import DomainError
from web.forms import FormErrors, parse
from web.render import gettext_for, redirect, render
from web.routes.admin_pages import CHECKED, AdminUser, RowId, form_values, refused

router = APIRouter(prefix="/admin/users")


async def _form(
    request: Request,
    session: SessionDep,
    *,
    account: directory.UserOut | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    password_errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    departments = [d for d in await directory.departments(session=session) if d.active]
    return render(
        request,
        "admin/user_form.html",
        status_code=status_code,
        account=account,
        values=values,
        errors=errors or {},
        password_errors=password_errors or {},
        departments=sorted(departments, key=lambda d: d.name),
        roles=users.PERSON_ROLES,
    )


@router.get("", response_class=HTMLResponse)
async def list_users(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    return render(
        request,
        "admin/users.html",
        accounts=await directory.users(session=session),
        names=await directory.names(session=session),
    )


@router.get("/new", response_class=HTMLResponse)
async def new_user(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    return await _form(request, session, account=None, values={})


@router.post("", response_class=HTMLResponse, dependencies=CHECKED)
async def create_user(request: Request, user: AdminUser, session: SessionDep) -> Response:
    values = await form_values(request)
    body, errors = parse(directory.UserIn, values, gettext_for(request))
    if body is None:
        return await _form(request, session, account=None, values=values, errors=errors, status_code=422)
    try:
        created = await directory.create_user(session=session, user=body)
    except DomainError as error:
        return await _form(
            request,
            session,
            account=None,
            values=values,
            errors=refused(request, error),
            status_code=error.status_code,
        )
    return redirect(f"/admin/users/{created.id}", done="user_created")


@router.get("/{user_id}", response_class=HTMLResponse)
async def edit_user(request: Request, user_id: RowId, user: AdminUser, session: SessionDep) -> HTMLResponse:
    account = await users.get(session=session, user_id=user_id)
    return await _form(request, session, account=account, values=account.model_dump(mode="json"))


@router.post("/{user_id}", response_class=HTMLResponse, dependencies=CHECKED)
async def update_user(request: Request, user_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    account = await users.get(session=session, user_id=user_id)
    values = await form_values(request)
    changes, errors = parse(users.UserUpdate, values, gettext_for(request))
    status = 422
    if changes is not None:
        try:
            await users.update(session=session, user_id=user_id, changes=changes, by=user)
            return redirect(f"/admin/users/{user_id}", done="saved")
        except DomainError as error:
            errors, status = refused(request, error), error.status_code
    shown = {**values, "username": account.username}
    return await _form(request, session, account=account, values=shown, errors=errors, status_code=status)


@router.post("/{user_id}/password", response_class=HTMLResponse, dependencies=CHECKED)
async def reset_password(request: Request, user_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    account = await users.get(session=session, user_id=user_id)
    values = await form_values(request)
    body, errors = parse(users.PasswordIn, values, gettext_for(request))
    status = 422
    if body is not None:
        try:
            await users.reset_password(session=session, user_id=user_id, password=body.password, by=user)
            return redirect(f"/admin/users/{user_id}", done="password_set")
        except DomainError as error:
            errors, status = refused(request, error), error.status_code
    return await _form(
        request,
        session,
        account=account,
        values=account.model_dump(mode="json"),
        password_errors=errors,
        status_code=status,
    )


@router.get("/{user_id}/deactivate", response_class=HTMLResponse)
async def confirm_deactivation(
    request: Request, user_id: RowId, user: AdminUser, session: SessionDep
) -> HTMLResponse:
    account = await users.get(session=session, user_id=user_id)
    return render(request, "admin/user_deactivate.html", account=account)


@router.post("/{user_id}/deactivate", dependencies=CHECKED)
async def deactivate(user_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    await users.set_active(session=session, user_id=user_id, active=False, by=user)
    return redirect("/admin/users", done="user_deactivated")


@router.post("/{user_id}/reactivate", dependencies=CHECKED)
async def reactivate(user_id: RowId, user: AdminUser, session: SessionDep) -> Response:
    await users.set_active(session=session, user_id=user_id, active=True, by=user)
    return redirect("/admin/users", done="user_reactivated")
