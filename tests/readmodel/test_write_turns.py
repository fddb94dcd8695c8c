"""SQLite writers of one process take turns (FIFO) before SQLite's single write lock, instead of polling
it in busy_timeout's backoff; PostgreSQL writers do not wait for each other."""

import asyncio

from sqlalchemy import text

from hotline.db import SessionFactory, WriteTurns


async def _write_concurrently(turns: list[WriteTurns]) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []

    async def writer(n: int) -> None:
        async with turns[n % len(turns)].session() as session:
            seen.append(("in", n))
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.02)
            seen.append(("out", n))
            await session.commit()

    await asyncio.gather(*(writer(n) for n in range(4)))
    return seen


async def test_writers_take_turns_in_order_on_sqlite_and_not_on_postgresql(
    sessions: SessionFactory, database_url: str
) -> None:
    # Two users of one engine (the projection and the department task, say) share the one queue.
    seen = await _write_concurrently([WriteTurns(sessions), WriteTurns(sessions)])
    if database_url.startswith("sqlite"):
        assert seen == [(edge, n) for n in range(4) for edge in ("in", "out")]
    else:
        assert seen[:4] == [("in", n) for n in range(4)]


async def test_a_failed_write_gives_the_turn_to_the_next(sessions: SessionFactory) -> None:
    turns = WriteTurns(sessions)

    async def failing() -> None:
        async with turns.session():
            raise RuntimeError("the write failed")

    results = await asyncio.gather(failing(), _write_concurrently([turns]), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert len(results[1]) == 8  # type: ignore[arg-type]
