"""The read model's database: one async engine per process, a session factory, dialect-neutral helpers.

SQLite (the embedded default) and PostgreSQL (production) run the same code and the same migrations.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy
from sqlalchemy import DateTime, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.types import TypeDecorator

SessionFactory = async_sessionmaker[AsyncSession]

# WAL lets the API read while the worker's projections write; busy_timeout makes a writer wait its turn
# instead of failing with "database is locked".
_SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "foreign_keys=ON")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the read model; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    # A database error's text must not carry the row's values (a citizen's phone, say) into the logs.
    kwargs.setdefault("hide_parameters", True)
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(database_url, **kwargs)


class ReadTrackingSession(Session):
    """A session that knows whether its current transaction has written anything (`wrote`): a
    transaction that only read may be ended early to hand its connection back (hotline/request_session.py)."""

    @property
    def wrote(self) -> bool:
        return bool(self.info.get(_WROTE)) or bool(self.new or self.dirty or self.deleted)


_WROTE = "hotline_wrote"


@event.listens_for(ReadTrackingSession, "do_orm_execute")
def _note_write(state: ORMExecuteState) -> None:
    # Anything but a SELECT counts as a write (text() statements included): better kept than lost.
    if not state.is_select:
        state.session.info[_WROTE] = True


@event.listens_for(ReadTrackingSession, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(ReadTrackingSession, "after_transaction_end")
def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_WROTE, None)


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ReadTrackingSession)


_TURNS: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = weakref.WeakKeyDictionary()


class WriteTurns:
    """A process's busiest write transactions (the worker's projections) taking turns on SQLite.

    SQLite has one writer at a time, and a writer that finds the lock taken sleeps in `busy_timeout`'s
    backoff (up to 100 ms a try) while others get in ahead of it: with a dozen concurrent projections the
    unlucky ones waited seconds. Queued here first (FIFO), one of this process's writers at a time meets
    the lock. PostgreSQL writes concurrently: no turns there.
    """

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        # One queue per database engine, whoever in the process writes through it.
        self._turns = (
            _TURNS.setdefault(bind, asyncio.Lock()) if bind and bind.dialect.name == "sqlite" else None
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """This process's turn to write: hold it from the first write to the commit."""
        if self._turns is None:
            yield
            return
        async with self._turns:
            yield

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction is this process's turn to write."""
        async with self.turn(), self._sessions() as session:
            yield session


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both backends."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def upsert(
    session: AsyncSession, table: Any, values: dict[str, Any], keys: Sequence[str], update: Sequence[str]
) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update-columns (or DO NOTHING when none)."""
    statement = insert_for(session, table).values(**values)
    if update:
        excluded = _excluded(table)
        return statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: excluded.c[name] for name in update}
        )
    return statement.on_conflict_do_nothing(index_elements=list(keys))


@functools.cache
def _excluded(table: Any) -> Any:
    """The proposed row of ON CONFLICT (`excluded`, the same name on both backends), made once per table:
    `Insert.excluded` builds a fresh alias with every column of the table on each call, which was a
    measurable share of the worker's time with one upsert per step."""
    return sqlalchemy.alias(getattr(table, "__table__", table), name="excluded")
