"""Small helpers shared by the tests: appeals from the seed's stories, and waiting for projections."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from hotline.contracts import CURRENT_GENERATION, Actor, CaseIntake, Citizen, Place
from hotline.enums import AppealType, Channel, Role

T = TypeVar("T")

PIPE_BURST: dict[str, Any] = {
    "channel": "hotline",
    "appeal_type": "help",
    "citizen_name": "王女士",
    "citizen_phone": "13800001234",
    "district": "chengdong",
    "address": "和盛园小区二期东院115号楼",
    "category": "water.pipe_burst",
    "title": "小区自来水管爆裂",
    "content": "城东区和盛园小区二期东院115号楼自来水管爆裂，整栋楼停水。",
}

PROPERTY_CERTIFICATE: dict[str, Any] = {
    "channel": "hotline",
    "appeal_type": "help",
    "citizen_name": "郑先生",
    "citizen_phone": "13900005678",
    "district": "chengbei",
    "address": "门源路35号丽阳天下小区",
    "category": "housing.certificate",
    "title": "入住13年未拿到房产证",
    "content": "丽阳天下小区入住13年，一直未能拿到房产证。",
}


def appeal(base: dict[str, Any] = PIPE_BURST, **overrides: Any) -> dict[str, Any]:
    return {**base, **overrides}


def new_key() -> str:
    return f"test-{uuid.uuid4().hex}"


def case_intake(
    case_number: str | None = None,
    category: str = "water.pipe_burst",
    district: str = "chengdong",
    street: str | None = None,
) -> CaseIntake:
    """A workflow input as the intake service would build it."""
    return CaseIntake(
        case_number=case_number or f"XNTEST-{uuid.uuid4().hex[:10]}",
        tracking_code=uuid.uuid4().hex[:10].upper(),
        channel=Channel.HOTLINE,
        appeal_type=AppealType.HELP,
        citizen=Citizen(name="王女士", phone="13800001234"),
        place=Place(district=district, street=street, address="和盛园小区二期东院115号楼"),
        category=category,
        title="小区自来水管爆裂",
        content="115号楼自来水管爆裂",
        received_at=datetime.now(UTC),
        registered_by=Actor(user="dispatcher", role=Role.DISPATCHER),
        generation=CURRENT_GENERATION,
    )


async def eventually(
    probe: Callable[[], Awaitable[T | None]], within: float = 15.0, interval: float = 0.1
) -> T:
    """Poll until the probe returns something truthy: projections land asynchronously."""
    async with asyncio.timeout(within):
        while True:
            result = await probe()
            if result:
                return result
            await asyncio.sleep(interval)


async def open_case_with_task(api: Any, login: Any, department: str = "water") -> tuple[str, str]:
    """Register the burst-pipe appeal through the API; its case number and the department's open task."""
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**await login("dispatcher"), "Idempotency-Key": new_key()}
    )
    number = created.json()["case_number"]
    headers = await login(department)

    async def task_id() -> str | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=headers)).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    return str(number), await eventually(task_id)


async def visiting_case(api: Any, login: Any, reply: str = "已修复") -> str:
    """A case whose reply the dispatcher accepted: it waits for the return visit."""
    number, task_id = await open_case_with_task(api, login)
    water, dispatcher = await login("water"), await login("dispatcher")
    replied = await api.post(f"/api/v1/tasks/{task_id}/reply", json={"text": reply}, headers=water)
    assert replied.status_code == 202

    async def reviewed() -> bool:
        response = await api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher)
        return bool(response.status_code == 200)

    async def visiting() -> bool:
        case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
        return bool(case["status"] == "visiting")

    await eventually(reviewed)
    await eventually(visiting)
    return number
