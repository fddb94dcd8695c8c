"""An action waiting on Temporal hands its database connection back (hotline/request_session.py).

No worker polls this test's task queue, so an Update waits out its whole timeout, as during a worker
restart. The API gets a pool of one connection: were the waiting request to keep it, every other
request of the process would queue behind it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, text

from hotline import actions, request_session
from hotline.db import SessionFactory
from hotline.models import IntakeKey
from hotline.settings import Settings
from tests.helpers import appeal, new_key


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"database_pool_size": 1, "database_max_overflow": 0})


async def test_a_request_answers_while_another_waits_on_temporal_with_the_only_connection(
    api: httpx.AsyncClient, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Longer than /readyz's own 3 s check: without the release, the probe would give up first.
    monkeypatch.setattr(actions, "UPDATE_TIMEOUT", timedelta(seconds=6))
    dispatcher = await login("dispatcher")
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**dispatcher, "Idempotency-Key": new_key()}
    )
    assert created.status_code == 201, created.text
    review = asyncio.create_task(
        api.post(
            f"/api/v1/cases/{created.json()['case_number']}/review", json={"accept": True}, headers=dispatcher
        )
    )
    await asyncio.sleep(0.5)  # the review has authenticated and is waiting on Temporal
    ready = await api.get("/readyz")
    assert not review.done()
    assert (ready.status_code, ready.json()["components"]["database"]) == (200, "up")
    waited = await review
    assert (waited.status_code, waited.json()["code"]) == (503, "case_busy")


async def test_only_a_transaction_that_merely_read_is_ended(sessions: SessionFactory) -> None:
    """A transaction that wrote keeps its connection and its writes: they commit or roll back with the
    request as its code says, never early."""
    async with sessions() as reader:
        request_session.serve(reader)
        await reader.execute(select(IntakeKey).limit(1))
        await request_session.release_connection()
        assert not reader.in_transaction()

    async with sessions() as writer:
        request_session.serve(writer)
        await writer.execute(
            insert(IntakeKey).values(
                idempotency_key="release-test",
                case_number="XS00000000-999999",
                tracking_code="ABCDEFGH",
                request_hash="h",
                created_at=text("CURRENT_TIMESTAMP"),
            )
        )
        await request_session.release_connection()
        assert writer.in_transaction()
        await writer.rollback()
    async with sessions() as check:
        assert await check.get(IntakeKey, "release-test") is None
