"""Intake through the API: idempotency, validation, authentication and roles."""

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select
from temporalio.client import Client

from hotline.db import SessionFactory
from hotline.models import IntakeKey
from hotline.settings import Settings
from tests.helpers import appeal, new_key


async def test_intake_returns_a_case_number_and_tracking_code_at_once(
    api: httpx.AsyncClient, login: Any, settings: Settings
) -> None:
    response = await api.post(
        "/api/v1/cases", json=appeal(), headers={**await login("dispatcher"), "Idempotency-Key": new_key()}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] is True
    prefix, day, serial = body["case_number"][:2], body["case_number"][2:10], body["case_number"][11:]
    assert prefix == settings.case_number_prefix and day.isdigit() and len(serial) == 6 and serial.isdigit()
    assert len(body["tracking_code"]) == 10


async def test_the_same_key_ten_times_at_once_makes_one_case(
    api: httpx.AsyncClient, login: Any, temporal: Client, sessions: SessionFactory
) -> None:
    headers = {**await login("dispatcher"), "Idempotency-Key": new_key()}
    responses = await asyncio.gather(
        *(api.post("/api/v1/cases", json=appeal(), headers=headers) for _ in range(10))
    )
    assert {r.status_code for r in responses} <= {200, 201}
    assert sum(r.status_code == 201 for r in responses) == 1
    numbers = {r.json()["case_number"] for r in responses}
    assert len(numbers) == 1
    [number] = numbers
    runs = [w async for w in temporal.list_workflows(f"WorkflowId = '{number}'")]
    assert len(runs) == 1
    async with sessions() as session:
        keys = (
            await session.execute(
                select(func.count()).select_from(IntakeKey).where(IntakeKey.case_number == number)
            )
        ).scalar_one()
    assert keys == 1


async def test_a_reused_key_with_a_different_appeal_is_refused(api: httpx.AsyncClient, login: Any) -> None:
    headers = {**await login("dispatcher"), "Idempotency-Key": new_key()}
    first = await api.post("/api/v1/cases", json=appeal(), headers=headers)
    second = await api.post("/api/v1/cases", json=appeal(title="另一件事"), headers=headers)
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_reused"
    assert second.json()["details"]["case_number"] == first.json()["case_number"]


async def test_intake_without_an_idempotency_key_is_refused(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.post("/api/v1/cases", json=appeal(), headers=await login("dispatcher"))
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_required"


async def test_validation_errors_name_the_field_and_create_nothing(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        before = (await session.execute(select(func.count()).select_from(IntakeKey))).scalar_one()
    headers = await login("dispatcher")
    bad_phone = await api.post(
        "/api/v1/cases",
        json=appeal(citizen_phone="call me"),
        headers={**headers, "Idempotency-Key": new_key()},
    )
    bad_tier = await api.post(
        "/api/v1/cases", json=appeal(tier=5), headers={**headers, "Idempotency-Key": new_key()}
    )
    bad_category = await api.post(
        "/api/v1/cases",
        json=appeal(category="water.nothing"),
        headers={**headers, "Idempotency-Key": new_key()},
    )
    bad_street = await api.post(
        "/api/v1/cases",
        json=appeal(street="huangzhong.duoba"),
        headers={**headers, "Idempotency-Key": new_key()},
    )
    no_phone = await api.post(
        "/api/v1/cases", json=appeal(citizen_phone=None), headers={**headers, "Idempotency-Key": new_key()}
    )
    bad_district = [
        await api.post(
            "/api/v1/cases",
            json=appeal(district="atlantis", street=street),
            headers={**headers, "Idempotency-Key": new_key()},
        )
        for street in (None, "huangzhong.duoba", "atlantis.main")
    ]
    assert (
        bad_phone.status_code == 422 and bad_phone.json()["details"]["fields"][0]["field"] == "citizen_phone"
    )
    assert bad_tier.status_code == 422 and bad_tier.json()["details"]["fields"][0]["field"] == "tier"
    assert bad_category.status_code == 422 and bad_category.json()["code"] == "unknown_category"
    assert bad_street.status_code == 422 and bad_street.json()["details"] == {"field": "street"}
    assert bad_street.json()["code"] == "unknown_street"
    assert [(r.status_code, r.json()["code"], r.json()["details"]) for r in bad_district] == [
        (422, "unknown_district", {"field": "district"})
    ] * 3
    assert no_phone.status_code == 422 and "citizen_phone" in no_phone.json()["message"] + str(
        no_phone.json()["details"]
    )
    async with sessions() as session:
        after = (await session.execute(select(func.count()).select_from(IntakeKey))).scalar_one()
    assert after == before


async def test_an_anonymous_appeal_needs_no_phone_and_keeps_no_name(
    api: httpx.AsyncClient, login: Any
) -> None:
    headers = {**await login("dispatcher"), "Idempotency-Key": new_key()}
    response = await api.post(
        "/api/v1/cases", json=appeal(anonymous=True, citizen_phone=None), headers=headers
    )
    assert response.status_code == 201, response.text


async def test_intake_needs_a_login(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/cases", json=appeal(), headers={"Idempotency-Key": new_key()})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_a_department_cannot_register_appeals(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.post(
        "/api/v1/cases", json=appeal(), headers={**await login("water"), "Idempotency-Key": new_key()}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"


async def test_wrong_password_is_refused(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "wrong"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
