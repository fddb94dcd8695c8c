"""The front door: staff go to their role's home page, everyone else to the public service page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from web import nav
from web.render import MaybeUser

router = APIRouter(include_in_schema=False)


@router.get("/")
async def front_door(user: MaybeUser) -> RedirectResponse:
    return RedirectResponse(nav.home_of(user) if user else "/public", status_code=303)
