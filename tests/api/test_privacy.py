"""Citizens' contact details: in full only for the roles that must call them, masked for the rest,
and every unmasked sight logged."""

from typing import Any

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import CaseAccess
from tests.helpers import PIPE_BURST, appeal, eventually, new_key

PHONE, NAME = PIPE_BURST["citizen_phone"], PIPE_BURST["citizen_name"]


async def test_contact_details_are_masked_by_role_and_each_unmasking_is_logged(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    dispatcher = await login("dispatcher")
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**dispatcher, "Idempotency-Key": new_key()}
    )
    number = created.json()["case_number"]

    async def dispatched() -> bool:
        response = await api.get(f"/api/v1/cases/{number}", headers=dispatcher)
        return response.status_code == 200 and bool(response.json()["assignments"])

    await eventually(dispatched)
    seen = {}
    for user in ("dispatcher", "visitor", "water", "supervisor1", "auditor", "analyst", "admin"):
        case = (await api.get(f"/api/v1/cases/{number}", headers=await login(user))).json()
        seen[user] = (case["citizen_name"], case["citizen_phone"])
    for user in ("dispatcher", "visitor", "water"):
        assert seen[user] == (NAME, PHONE), user
    for user in ("supervisor1", "auditor", "analyst", "admin"):
        assert seen[user] == ("王**", "138****1234"), user
    async with sessions() as session:
        log = list(
            (await session.execute(select(CaseAccess).where(CaseAccess.case_number == number))).scalars()
        )
    assert {(entry.username, entry.kind) for entry in log} >= {
        ("dispatcher", "unmasked"),
        ("visitor", "unmasked"),
        ("water", "unmasked"),
        ("auditor", "audit_read"),
    }
    assert not any(entry.username in ("supervisor1", "analyst", "admin") for entry in log)


async def test_lists_carry_no_personal_data(api: httpx.AsyncClient, login: Any, case_worker: Any) -> None:
    dispatcher = await login("dispatcher")
    await api.post("/api/v1/cases", json=appeal(), headers={**dispatcher, "Idempotency-Key": new_key()})
    listing = await api.get("/api/v1/cases", params={"page_size": 200}, headers=dispatcher)
    assert PHONE not in listing.text and NAME not in listing.text
