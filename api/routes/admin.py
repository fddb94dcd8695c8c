"""Administration: users, departments, the dispatch catalogue, API tokens for integrations."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.access import Admin
from api.deps import SessionDep
from hotline import directory, tokens, users
from hotline.enums import Channel

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80, examples=["市民通 adapter"])
    channel: Channel


@router.post("/tokens", response_model=tokens.TokenCreated, status_code=201)
async def create_token(body: TokenIn, user: Admin, session: SessionDep) -> tokens.TokenCreated:
    """A new API token for one channel. The token is in this response only; store it now."""
    return await tokens.create(
        session=session, name=body.name, channel=body.channel, created_by=user.username
    )


@router.get("/tokens", response_model=list[tokens.TokenPublic])
async def list_tokens(user: Admin, session: SessionDep) -> list[tokens.TokenPublic]:
    return await tokens.list_all(session=session)


@router.delete("/tokens/{token_id}", response_model=tokens.TokenPublic)
async def revoke_token(token_id: RowId, user: Admin, session: SessionDep) -> tokens.TokenPublic:
    """Revoke at once: the next request with this token is refused."""
    return await tokens.revoke(session=session, token_id=token_id)


@router.get("/users", response_model=list[directory.UserOut])
async def list_users(user: Admin, session: SessionDep) -> list[directory.UserOut]:
    return await directory.users(session=session)


@router.post("/users", response_model=directory.UserOut, status_code=201)
async def create_user(body: directory.UserIn, user: Admin, session: SessionDep) -> directory.UserOut:
    return await directory.create_user(session=session, user=body)


@router.post("/users/{user_id}/deactivate", response_model=directory.UserOut)
async def deactivate_user(user_id: RowId, user: Admin, session: SessionDep) -> directory.UserOut:
    """The user's sessions end at once; not for your own account."""
    return await users.set_active(session=session, user_id=user_id, active=False, by=user)


@router.post("/users/{user_id}/reactivate", response_model=directory.UserOut)
async def reactivate_user(user_id: RowId, user: Admin, session: SessionDep) -> directory.UserOut:
    """The user may log in again (earlier sessions stay ended)."""
    return await users.set_active(session=session, user_id=user_id, active=True, by=user)


@router.put("/users/{user_id}", response_model=directory.UserOut)
async def update_user(
    user_id: RowId, body: users.UserUpdate, user: Admin, session: SessionDep
) -> directory.UserOut:
    """Name, role, department and supervision level; effective from the user's next request."""
    return await users.update(session=session, user_id=user_id, changes=body, by=user)


@router.post("/users/{user_id}/password", response_model=directory.UserOut)
async def reset_password(
    user_id: RowId, body: users.PasswordIn, user: Admin, session: SessionDep
) -> directory.UserOut:
    """A new password set by the admin; the user's sessions end."""
    return await users.reset_password(session=session, user_id=user_id, password=body.password, by=user)


@router.put("/departments", response_model=directory.DepartmentIn)
async def save_department(
    body: directory.DepartmentIn, user: Admin, session: SessionDep
) -> directory.DepartmentIn:
    """Create or update a department by its code (set active=false to retire it)."""
    return await directory.save_department(session=session, department=body)


@router.get("/catalogue", response_model=list[directory.RuleOut])
async def list_rules(
    user: Admin, session: SessionDep, category: str | None = None
) -> list[directory.RuleOut]:
    return await directory.rules(session=session, category=category)


@router.post("/catalogue", response_model=directory.RuleOut, status_code=201)
async def add_rule(body: directory.RuleIn, user: Admin, session: SessionDep) -> directory.RuleOut:
    return await directory.add_rule(session=session, rule=body)


@router.delete("/catalogue/{rule_id}", status_code=204)
async def delete_rule(rule_id: RowId, user: Admin, session: SessionDep) -> None:
    await directory.delete_rule(session=session, rule_id=rule_id)


@router.put("/categories", response_model=directory.CategoryOut)
async def save_category(
    body: directory.CategoryIn, user: Admin, session: SessionDep
) -> directory.CategoryOut:
    """Create or update a category of the taxonomy by its code."""
    return await directory.save_category(session=session, category=body)
