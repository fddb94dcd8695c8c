"""API tokens for integrations: made by an admin, shown once, stored hashed, scoped to one channel,
revocable. A request with one acts as the `integration` role on that channel only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.auth import Principal
from hotline.enums import Channel, Role
from hotline.errors import NotFound
from hotline.models import ApiToken

TOKEN_PREFIX = "hlt_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenPublic(BaseModel):
    id: int
    name: str
    channel: Channel
    prefix: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenPublic):
    token: str  # shown once


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _public(row: ApiToken) -> TokenPublic:
    assert row.id is not None
    return TokenPublic(
        id=row.id,
        name=row.name,
        channel=Channel(row.channel),
        prefix=row.prefix,
        created_by=row.created_by,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


async def create(
    *, session: AsyncSession, name: str, channel: Channel, created_by: str, token: str | None = None
) -> TokenCreated:
    """A new token; `token` fixes its value (the development demo token), otherwise it is random."""
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        channel=channel.value,
        token_hash=_hash(token),
        prefix=token[:12],
        created_by=created_by,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.commit()
    return TokenCreated(**_public(row).model_dump(), token=token)


async def list_all(*, session: AsyncSession) -> list[TokenPublic]:
    rows = (await session.execute(select(ApiToken).order_by(col(ApiToken.id)))).scalars()
    return [_public(row) for row in rows]


async def revoke(*, session: AsyncSession, token_id: int) -> TokenPublic:
    row = await session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("token_not_found", f"No API token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await session.commit()
    return _public(row)


async def principal_for_api_token(*, session: AsyncSession, token: str) -> Principal | None:
    row = (
        await session.execute(
            select(ApiToken).where(ApiToken.token_hash == _hash(token), col(ApiToken.revoked_at).is_(None))
        )
    ).scalar_one_or_none()
    if row is None or row.id is None:
        return None
    now = datetime.now(UTC)
    # Kept to the minute, so that a busy integration does not write on every request.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        await session.execute(update(ApiToken).where(col(ApiToken.id) == row.id).values(last_used_at=now))
        await session.commit()
    return Principal(
        user_id=row.id,
        username=f"token:{row.name}",
        display_name=row.name,
        role=Role.INTEGRATION,
        channel=Channel(row.channel),
    )
