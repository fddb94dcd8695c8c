"""预警预报 and 未诉先办 through the API: who may read the warnings, and a supervisor's proactive case that
runs like any case, is made once per Idempotency-Key and links its member cases both ways."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlmodel import select

from hotline.db import SessionFactory
from hotline.models import Case, CaseLink
from tests.helpers import eventually, new_key
from tests.warnings.test_detection import FOOD, case_row


async def food_cases(sessions: SessionFactory) -> list[str]:
    """The seed's 湟中区 food stories, received in the last days (hand-made read-model rows)."""
    now = datetime.now(UTC)
    rows = [
        case_row(
            now - timedelta(hours=30 - i),
            title=title,
            content=content,
            case_number=f"XW{uuid.uuid4().hex[:12]}",
        )
        for i, (title, content) in enumerate(FOOD)
    ]
    async with sessions() as session:
        session.add_all(rows)
        await session.commit()
    return [r.case_number for r in rows]


def proactive_body(members: list[str], **overrides: Any) -> dict[str, Any]:
    return {
        "members": members,
        "title": "多巴镇销售过期食品专项整治",
        "content": "多巴镇109国道沿线批发部多次被反映销售过期食品，请市场监管部门开展专项检查，从源头整治。",
        "category": "food.expired",
        "district": "huangzhong",
        "street": "huangzhong.duoba",
        **overrides,
    }


async def test_the_warnings_are_read_by_the_reading_roles_only(api: httpx.AsyncClient, login: Any) -> None:
    for user in ("supervisor1", "analyst", "dispatcher", "admin", "auditor"):
        response = await api.get("/api/v1/warnings", headers=await login(user))
        assert response.status_code == 200, (user, response.text)
        assert set(response.json()) == {"since", "until", "spikes", "repeat_places", "clusters"}
    assert (await api.get("/api/v1/warnings", headers=await login("water"))).status_code == 403
    assert (await api.get("/api/v1/warnings")).status_code == 401


async def test_a_proactive_case_runs_like_any_case_and_links_its_members(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory, case_worker: Any
) -> None:
    members = await food_cases(sessions)
    supervisor = await login("supervisor1")
    key = new_key()
    body = proactive_body(members)

    first = await api.post(
        "/api/v1/warnings/clusters/proactive", json=body, headers={**supervisor, "Idempotency-Key": key}
    )
    again = await api.post(
        "/api/v1/warnings/clusters/proactive", json=body, headers={**supervisor, "Idempotency-Key": key}
    )

    assert first.status_code == 201, first.text
    assert again.status_code == 200 and again.json()["case_number"] == first.json()["case_number"]
    number = first.json()["case_number"]
    async with sessions() as session:
        links = (
            (await session.execute(select(CaseLink).where(CaseLink.case_number == number))).scalars().all()
        )
    assert sorted(link.member_case_number for link in links) == sorted(members)
    assert {(link.kind, link.created_by) for link in links} == {("class_of_cases", "supervisor1")}

    dispatcher = await login("dispatcher")

    async def dispatched() -> dict[str, Any] | None:
        response = await api.get(f"/api/v1/cases/{number}", headers=dispatcher)
        case = response.json() if response.status_code == 200 else {}
        return case if case.get("assignments") else None

    case = await eventually(dispatched)
    assert case["channel"] == "proactive" and case["category"] == "food.expired"
    assert [(link["case_number"], link["linked_as"]) for link in case["links"]] == [
        (m, "member") for m in sorted(members)
    ]
    member = (await api.get(f"/api/v1/cases/{members[0]}", headers=dispatcher)).json()
    assert [(link["case_number"], link["linked_as"], link["status"]) for link in member["links"]] == [
        (number, "proactive", case["status"])
    ]
    async with sessions() as session:
        assert (await session.get(Case, number)) is not None


async def test_only_a_supervisor_starts_a_proactive_case(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    members = await food_cases(sessions)
    for user in ("dispatcher", "analyst", "admin", "auditor", "water"):
        response = await api.post(
            "/api/v1/warnings/clusters/proactive",
            json=proactive_body(members),
            headers={**await login(user), "Idempotency-Key": new_key()},
        )
        assert response.status_code == 403, (user, response.text)


async def test_a_proactive_case_needs_a_key_and_known_members(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    members = await food_cases(sessions)
    supervisor = await login("supervisor1")
    keyless = await api.post(
        "/api/v1/warnings/clusters/proactive", json=proactive_body(members), headers=supervisor
    )
    unknown = await api.post(
        "/api/v1/warnings/clusters/proactive",
        json=proactive_body([*members, "XN19990101-000001"]),
        headers={**supervisor, "Idempotency-Key": new_key()},
    )
    empty = await api.post(
        "/api/v1/warnings/clusters/proactive",
        json=proactive_body([]),
        headers={**supervisor, "Idempotency-Key": new_key()},
    )
    assert keyless.status_code == 422 and keyless.json()["code"] == "idempotency_key_required"
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_member_cases"
    assert unknown.json()["details"]["cases"] == ["XN19990101-000001"]
    assert empty.status_code == 422
