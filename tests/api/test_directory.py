"""Reference data for forms, the catalogue's proposal, and the admin's users and catalogue."""

from typing import Any

import httpx

from tests.helpers import appeal, new_key


async def test_places_and_categories_feed_the_intake_form(api: httpx.AsyncClient, login: Any) -> None:
    headers = await login("dispatcher")
    places = (await api.get("/api/v1/places", headers=headers)).json()
    categories = (await api.get("/api/v1/categories", headers=headers)).json()
    huangzhong = next(p for p in places if p["code"] == "huangzhong")
    assert len(places) == 7 and "多巴镇" in [s["name"] for s in huangzhong["streets"]]
    pipe = next(c for c in categories if c["code"] == "water.pipe_burst")
    assert (pipe["parent"], pipe["default_tier"]) == ("water", 1)


async def test_the_catalogue_proposes_a_route(api: httpx.AsyncClient, login: Any) -> None:
    response = await api.get(
        "/api/v1/routes/proposal",
        params={"category": "food.expired", "district": "huangzhong", "street": "huangzhong.duoba"},
        headers=await login("dispatcher"),
    )
    assert response.status_code == 200 and response.json()["lead"] == "huangzhong.market"


async def test_an_admin_edits_the_catalogue_and_the_proposal_follows(
    api: httpx.AsyncClient, login: Any
) -> None:
    admin, dispatcher = await login("admin"), await login("dispatcher")
    rule = {"category": "park.opening_hours", "district": "datong", "mode": "direct", "lead": "gov.datong"}
    added = await api.post("/api/v1/admin/catalogue", json=rule, headers=admin)
    again = await api.post("/api/v1/admin/catalogue", json=rule, headers=admin)
    assert added.status_code == 201 and again.status_code == 409
    proposal = await api.get(
        "/api/v1/routes/proposal",
        params={"category": "park.opening_hours", "district": "datong"},
        headers=dispatcher,
    )
    assert proposal.json()["lead"] == "gov.datong"
    assert (
        await api.delete(f"/api/v1/admin/catalogue/{added.json()['id']}", headers=admin)
    ).status_code == 204
    bad = await api.post("/api/v1/admin/catalogue", json={**rule, "lead": "no.such"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_department"
    assert bad.json()["details"]["field"] == "lead"
    parallel = {**rule, "mode": "parallel", "assisting": ["@street", "city.forestry", "no.such"]}
    bad_assisting = await api.post("/api/v1/admin/catalogue", json=parallel, headers=admin)
    assert bad_assisting.status_code == 422 and bad_assisting.json()["code"] == "unknown_department"
    assert bad_assisting.json()["details"]["field"] == "assisting"
    assert "no.such" in bad_assisting.json()["message"]


async def test_an_admin_creates_and_deactivates_a_user(api: httpx.AsyncClient, login: Any) -> None:
    admin = await login("admin")
    body = {
        "username": "datong_gov_clerk",
        "display_name": "大通县政府承办员",
        "password": "a-long-password",
        "role": "department",
        "department": "gov.datong",
    }
    created = await api.post("/api/v1/admin/users", json=body, headers=admin)
    no_department = await api.post(
        "/api/v1/admin/users", json={**body, "username": "x_clerk", "department": None}, headers=admin
    )
    assert no_department.status_code == 422 and no_department.json()["code"] == "department_required"
    assert created.status_code == 201
    user_id = created.json()["id"]
    await api.post(f"/api/v1/admin/users/{user_id}/deactivate", headers=admin)
    refused = await api.post(
        "/api/v1/auth/login", json={"username": body["username"], "password": body["password"]}
    )
    assert refused.status_code == 401


async def test_an_admin_adds_a_category_that_intake_then_accepts(api: httpx.AsyncClient, login: Any) -> None:
    admin, dispatcher = await login("admin"), await login("dispatcher")
    leaf = {
        "code": "water.meter",
        "name": "水表故障",
        "parent": "water",
        "sector_department": "company.water",
        "default_tier": 7,
    }
    incomplete = await api.put("/api/v1/admin/categories", json={**leaf, "default_tier": None}, headers=admin)
    saved = await api.put("/api/v1/admin/categories", json=leaf, headers=admin)
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "leaf_incomplete"
    assert saved.status_code == 200 and saved.json()["default_tier"] == 7
    created = await api.post(
        "/api/v1/cases",
        json=appeal(category="water.meter", title="水表不走字"),
        headers={**dispatcher, "Idempotency-Key": new_key()},
    )
    assert created.status_code == 201
