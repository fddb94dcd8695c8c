"""Administration: API tokens for integrations (users, departments and the catalogue follow)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.access import Admin
from api.deps import SessionDep
from hotline import tokens
from hotline.enums import Channel

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


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
async def revoke_token(token_id: int, user: Admin, session: SessionDep) -> tokens.TokenPublic:
    """Revoke at once: the next request with this token is refused."""
    return await tokens.revoke(session=session, token_id=token_id)
