"""People's accounts after they are made: name, role and department, a new password, active or not.

Making an account is `directory.create_user`. Every change holds from the next request: a session is
checked against its user's row each time. A new password and a deactivation also end the user's open
sessions, so that a reactivated account does not bring old logins back to life.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.auth import Principal, hash_password_off_loop
from hotline.directory import UserOut, check_role, user_out
from hotline.enums import Role
from hotline.errors import Conflict, NotFound
from hotline.models import User, UserSession


class UserUpdate(BaseModel):
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    department: str | None = None
    supervision_level: int | None = Field(default=None, ge=1, le=3)


class PasswordIn(BaseModel):
    password: str = Field(min_length=10, max_length=256)


async def _get(session: AsyncSession, user_id: int) -> User:
    row = await session.get(User, user_id)
    if row is None:
        raise NotFound("user_not_found", f"No user {user_id}.")
    return row


def _not_yourself(row: User, by: Principal) -> None:
    # An admin who locks themselves out may leave the city with no admin at all.
    if row.id == by.user_id:
        raise Conflict(
            "own_account", "You cannot change your own role, password or access here; ask another admin."
        )


async def end_sessions(*, session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))


async def update(*, session: AsyncSession, user_id: int, changes: UserUpdate, by: Principal) -> UserOut:
    row = await _get(session, user_id)
    if changes.role != Role(row.role):
        _not_yourself(row, by)
    await check_role(
        session=session,
        role=changes.role,
        department=changes.department,
        supervision_level=changes.supervision_level,
    )
    row.display_name, row.role = changes.display_name, changes.role.value
    row.department_code = changes.department if changes.role == Role.DEPARTMENT else None
    row.supervision_level = changes.supervision_level if changes.role == Role.SUPERVISOR else None
    await session.commit()
    return user_out(row)


async def reset_password(*, session: AsyncSession, user_id: int, password: str, by: Principal) -> UserOut:
    row = await _get(session, user_id)
    _not_yourself(row, by)
    row.password_hash = await hash_password_off_loop(password)
    await end_sessions(session=session, user_id=user_id)
    await session.commit()
    return user_out(row)


async def set_active(*, session: AsyncSession, user_id: int, active: bool, by: Principal) -> UserOut:
    row = await _get(session, user_id)
    _not_yourself(row, by)
    row.active = active
    if not active:
        await end_sessions(session=session, user_id=user_id)
    await session.commit()
    return user_out(row)


async def get(*, session: AsyncSession, user_id: int) -> UserOut:
    return user_out(await _get(session, user_id))


async def by_username(*, session: AsyncSession, username: str) -> UserOut:
    row = (await session.execute(select(User).where(col(User.username) == username))).scalar_one_or_none()
    if row is None:
        raise NotFound("user_not_found", f"No user {username!r}.")
    return user_out(row)


# The roles a person's account may have; the others belong to citizens, integrations and the system.
PERSON_ROLES = tuple(r for r in Role if r not in (Role.CITIZEN, Role.INTEGRATION, Role.SYSTEM))
