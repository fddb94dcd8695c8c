"""Bringing a read model up: migrations, reference data and the demo users. Every step is idempotent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlmodel import select

from hotline import reference, tokens
from hotline.auth import PASSWORD_HASHER, hash_password
from hotline.db import SessionFactory, create_engine
from hotline.enums import Channel, Role
from hotline.models import User

_ROOT = Path(__file__).resolve().parent.parent


def _alembic_config(database_url: str) -> Config:
    config = Config(str(_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def migrate_sync(database_url: str, revision: str = "head") -> None:
    command.upgrade(_alembic_config(database_url), revision)


async def migrate(database_url: str, revision: str = "head") -> None:
    # Alembic's env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(migrate_sync, database_url, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config("")).get_current_head()


async def schema_revision(database_url: str) -> str | None:
    """The Alembic revision the read model is at (None before the first migration)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    department: str | None = None
    supervision_level: int | None = None


DEMO_PASSWORD = "demo12345"
DEMO_USERS = (
    DemoUser("dispatcher", "黎转办", Role.DISPATCHER),
    DemoUser("water", "供水公司承办员", Role.DEPARTMENT, "company.water"),
    DemoUser("realestate", "西宁房地产集团承办员", Role.DEPARTMENT, "company.realestate"),
    DemoUser("forestry", "市林草局承办员", Role.DEPARTMENT, "city.forestry"),
    DemoUser("huangzhong_market", "湟中区市场监管局承办员", Role.DEPARTMENT, "huangzhong.market"),
    DemoUser("construction", "市城乡建设局承办员", Role.DEPARTMENT, "city.construction"),
    DemoUser("housing", "市住房保障房产局承办员", Role.DEPARTMENT, "city.housing"),
    DemoUser("planning", "市自然资源和规划局承办员", Role.DEPARTMENT, "city.planning"),
    DemoUser("registry", "市不动产登记中心承办员", Role.DEPARTMENT, "city.registry"),
    DemoUser("supervisor1", "城市运行指挥中心督办员", Role.SUPERVISOR, supervision_level=1),
    DemoUser("supervisor2", "督查室督办员", Role.SUPERVISOR, supervision_level=2),
    DemoUser("supervisor3", "纪检监察督办员", Role.SUPERVISOR, supervision_level=3),
    DemoUser("visitor", "回访员", Role.VISIT_OPERATOR),
    DemoUser("auditor", "审计员", Role.AUDITOR),
    DemoUser("analyst", "分析员", Role.ANALYST),
    DemoUser("admin", "系统管理员", Role.ADMIN),
)


# Development only: a fixed token for the open311 channel, so that the demo can print it on every run.
DEMO_OPEN311_TOKEN = "hlt_demo-open311-token"


async def create_demo_token(sessions: SessionFactory) -> str:
    async with sessions() as session:
        known = {t.prefix for t in await tokens.list_all(session=session)}
        if DEMO_OPEN311_TOKEN[:12] not in known:
            await tokens.create(
                session=session,
                name="Open311 demo client",
                channel=Channel.OPEN311,
                created_by="make run",
                token=DEMO_OPEN311_TOKEN,
            )
    return DEMO_OPEN311_TOKEN


async def load_reference_data(sessions: SessionFactory) -> bool:
    async with sessions() as session:
        return await reference.load(session, reference.read())


async def create_demo_users(
    sessions: SessionFactory, password: str = DEMO_PASSWORD, hasher: PasswordHasher = PASSWORD_HASHER
) -> list[str]:
    """Create the demo users that are missing; existing users (and their passwords) are left alone.
    A test suite that logs in hundreds of times passes a cheaper hasher; logins check either."""
    async with sessions() as session:
        existing = set((await session.execute(select(User.username))).scalars())
        created = [u for u in DEMO_USERS if u.username not in existing]
        session.add_all(
            User(
                username=u.username,
                display_name=u.display_name,
                password_hash=hash_password(password, hasher),
                role=u.role.value,
                department_code=u.department,
                supervision_level=u.supervision_level,
            )
            for u in created
        )
        await session.commit()
    return [u.username for u in created]
