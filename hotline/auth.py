"""Who is asking: passwords (argon2), login sessions (bearer token or cookie), and the principal.

Only the SHA-256 of a session token is stored, so a leaked table cannot be replayed as logins.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.contracts import Actor
from hotline.enums import Channel, Role
from hotline.errors import Forbidden, Unauthorized
from hotline.models import User, UserSession
from hotline.ratelimit import LOGIN_FAILURES, RateLimiter

# RFC 9106's low-memory profile (argon2-cffi's default): about a tenth of a second of one core per hash
# or check, by design. It runs in a thread, off the event loop, so a login does not stall other requests.
PASSWORD_HASHER = PasswordHasher()
# Verifying against a real hash when the user does not exist keeps the response time the same.
_DUMMY_HASH = PASSWORD_HASHER.hash("not-a-user")


class Principal(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: Role
    department: str | None = None
    supervision_level: int | None = None
    channel: Channel | None = None  # integrations only: the one channel their token may use

    @property
    def actor(self) -> Actor:
        return Actor(
            user=self.username,
            role=self.role,
            department=self.department,
            supervision_level=self.supervision_level,
        )

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(
                "role_not_allowed",
                f"This action needs one of the roles: {', '.join(r.value for r in roles)}.",
                {"your_role": self.role.value},
            )


def hash_password(password: str, hasher: PasswordHasher = PASSWORD_HASHER) -> str:
    """A stored hash carries its own parameters: a check costs what the hash that it reads cost."""
    return hasher.hash(password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login_limited(
    *,
    session: AsyncSession,
    limiter: RateLimiter,
    address: str,
    username: str,
    password: str,
    lifetime: timedelta,
) -> tuple[str, Principal]:
    """Log in, refusing for a while after repeated failures for this username or from this address."""
    keys = (("user", username.lower()), ("address", address))
    for key in keys:
        await limiter.check(LOGIN_FAILURES, "login", *key)
    try:
        return await login(session=session, username=username, password=password, lifetime=lifetime)
    except Unauthorized:
        for key in keys:
            await limiter.hit(LOGIN_FAILURES, "login", *key)
        raise


async def login(
    *, session: AsyncSession, username: str, password: str, lifetime: timedelta
) -> tuple[str, Principal]:
    user = (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()
    if not await asyncio.to_thread(_password_matches, user.password_hash if user else _DUMMY_HASH, password):
        user = None
    if user is None or not user.active:
        raise Unauthorized("invalid_credentials", "Wrong username or password.")
    principal = principal_of(user)
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=principal.user_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.commit()
    return token, principal


async def logout(*, session: AsyncSession, token: str) -> None:
    await session.execute(delete(UserSession).where(col(UserSession.token_hash) == _token_hash(token)))
    await session.commit()


async def principal_for_token(*, session: AsyncSession, token: str) -> Principal | None:
    row = (
        await session.execute(
            select(User)
            .join(UserSession, col(UserSession.user_id) == col(User.id))
            .where(UserSession.token_hash == _token_hash(token), UserSession.expires_at > datetime.now(UTC))
        )
    ).scalar_one_or_none()
    return principal_of(row) if row is not None and row.active else None


def principal_of(user: User) -> Principal:
    assert user.id is not None
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        department=user.department_code,
        supervision_level=user.supervision_level,
    )
