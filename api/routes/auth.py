"""Login and logout for people (bearer token, or the session cookie the pages use)."""

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.access import Anyone
from api.deps import LimiterDep, SessionDep, SettingsDep, bearer_token, client_address
from hotline import auth

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    token: str
    token_type: str = "bearer"
    user: auth.Principal


@router.post("/login", response_model=LoginOut)
async def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, limiter: LimiterDep
) -> LoginOut:
    """A session token for a person; repeated failures are refused for a while (429)."""
    token, principal = await auth.login_limited(
        session=session,
        limiter=limiter,
        address=client_address(request),
        username=body.username,
        password=body.password,
        lifetime=timedelta(hours=settings.session_hours),
    )
    return LoginOut(token=token, user=principal)


@router.post("/logout", status_code=204)
async def logout(request: Request, session: SessionDep, _user: Anyone) -> Response:
    token = bearer_token(request)
    if token:
        await auth.logout(session=session, token=token)
    return Response(status_code=204)


@router.get("/me", response_model=auth.Principal)
async def me(user: Anyone) -> auth.Principal:
    return user
