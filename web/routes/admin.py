"""Pages of the admin area: the index with counts, and one router per subject (web/routes/admin_pages/)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from hotline import directory, tokens
from web.render import render
from web.routes.admin_pages import AdminUser, catalogue, categories, departments, time_limits, users
from web.routes.admin_pages import tokens as token_pages

router = APIRouter(include_in_schema=False)
for subject in (users, token_pages, departments, categories, catalogue, time_limits):
    router.include_router(subject.router)


@router.get("/admin", response_class=HTMLResponse)
async def index(request: Request, user: AdminUser, session: SessionDep) -> HTMLResponse:
    accounts = await directory.users(session=session)
    api_tokens = await tokens.list_all(session=session)
    all_departments = await directory.departments(session=session)
    all_categories = await directory.categories(session=session)
    return render(
        request,
        "admin/index.html",
        counts={
            "users": sum(a.active for a in accounts),
            "inactive_users": sum(not a.active for a in accounts),
            "tokens": sum(t.revoked_at is None for t in api_tokens),
            "departments": sum(d.active for d in all_departments),
            "groups": sum(c.parent is None for c in all_categories),
            "categories": sum(c.parent is not None for c in all_categories),
            "rules": len(await directory.rules(session=session, category=None)),
        },
    )
