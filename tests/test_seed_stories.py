"""The four stories of the Xining article, end to end through the API with the real worker and server."""

from typing import Any

import httpx

from tests.helpers import PIPE_BURST, PROPERTY_CERTIFICATE, appeal, eventually, new_key


class Story:
    """One appeal played through the API by each role in turn."""

    def __init__(self, api: httpx.AsyncClient, login: Any) -> None:
        self.api, self.login = api, login

    async def register(self, body: dict[str, Any]) -> str:
        created = await self.api.post(
            "/api/v1/cases",
            json=body,
            headers={**await self.login("dispatcher"), "Idempotency-Key": new_key()},
        )
        assert created.status_code == 201, created.text
        return str(created.json()["case_number"])

    async def case(self, number: str) -> dict[str, Any]:
        response = await self.api.get(f"/api/v1/cases/{number}", headers=await self.login("dispatcher"))
        return response.json() if response.status_code == 200 else {"status": None, "assignments": []}

    async def department_replies(self, number: str, user: str, text: str) -> dict[str, Any]:
        headers = await self.login(user)

        async def task() -> dict[str, Any] | None:
            tasks = (await self.api.get("/api/v1/tasks", params={"status": "open"}, headers=headers)).json()
            return next((t for t in tasks if t["case_number"] == number), None)

        found = await eventually(task)
        assert (
            await self.api.post(f"/api/v1/tasks/{found['task_id']}/sign-for", headers=headers)
        ).status_code == 200
        reply = await self.api.post(
            f"/api/v1/tasks/{found['task_id']}/reply",
            json={"text": text, "contacted_citizen": True},
            headers=headers,
        )
        assert reply.status_code == 202, reply.text
        return found

    async def review_and_visit(self, number: str, rating: str = "satisfied") -> dict[str, Any]:
        async def replied() -> bool:
            return (await self.case(number))["status"] == "replied"

        await eventually(replied)
        review = await self.api.post(
            f"/api/v1/cases/{number}/review", json={"accept": True}, headers=await self.login("dispatcher")
        )
        assert review.status_code == 200, review.text
        visit = await self.api.post(
            f"/api/v1/cases/{number}/visits",
            json={"reached": True, "resolved": True, "rating": rating},
            headers=await self.login("visitor"),
        )
        assert visit.status_code == 200, visit.text

        async def closed() -> dict[str, Any] | None:
            case = await self.case(number)
            return case if case["status"] == "closed" else None

        return await eventually(closed)


async def test_burst_water_pipe_at_hesheng_garden_fixed_the_same_day(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    story = Story(api, login)
    route = {"mode": "direct", "lead": "company.realestate"}
    number = await story.register(
        appeal(PIPE_BURST, category="property.facility_repair", tier=1, route=route)
    )
    task = await story.department_replies(
        number, "realestate", "立即组织人员和设备抢修，当日晚修复完毕，小区恢复正常供水。"
    )
    case = await story.review_and_visit(number)
    assert (case["tier"], case["lead_department"]) == (1, "company.realestate")
    assert (case["due_at"] > task["assigned_at"]) and case["assignments"][0]["replied_at"] < case["due_at"]


async def test_thirteen_year_property_certificate_at_liyang_tianxia_by_task_force(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    story = Story(api, login)
    number = await story.register(appeal(PROPERTY_CERTIFICATE))
    for user in ("construction", "housing", "planning", "registry"):
        await story.department_replies(number, user, "专班化解不动产登记历史遗留问题，业主陆续开始办证。")
    case = await story.review_and_visit(number)
    assert case["dispatch_mode"] == "task_force"
    assert {(a["department"], a["role"]) for a in case["assignments"]} == {
        ("city.construction", "lead"),
        ("city.housing", "assisting"),
        ("city.planning", "assisting"),
        ("city.registry", "assisting"),
    }
    assert case["tier"] == 11


async def test_park_closing_time_goes_direct_to_forestry_on_the_seven_day_tier(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    story = Story(api, login)
    number = await story.register(
        appeal(
            channel="web",
            appeal_type="suggestion",
            district="chengxi",
            address="西宁文化公园",
            category="park.opening_hours",
            title="文化公园夏季闭园过早",
            content="文化公园夏季20:30闭园关灯，不能满足市民夏季休闲健身需要。",
        )
    )
    await story.department_replies(number, "forestry", "自6月20日起闭园和关灯时间调整为22:30。")
    case = await story.review_and_visit(number)
    assert (case["lead_department"], case["tier"]) == ("city.forestry", 7)


async def test_expired_snacks_in_duoba_compensated_and_satisfied(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    story = Story(api, login)
    number = await story.register(
        appeal(
            appeal_type="complaint",
            district="huangzhong",
            street="huangzhong.duoba",
            address="多巴镇国寺营村109国道旁某批发部",
            category="food.expired",
            title="购买过期小吃食品后呕吐腹泻",
            content="在批发部购买小吃食品，食用后出现呕吐、拉肚子，认为食品过期，希望核实处理。",
        )
    )
    await story.department_replies(
        number,
        "huangzhong_market",
        "经核查情况属实，已协调经营者对市民进行赔付，并对经营者进行法律法规宣传教育。",
    )
    case = await story.review_and_visit(number)
    assert case["lead_department"] == "huangzhong.market"
    assert case["timeline"][-2]["kind"] == "visited" and case["timeline"][-2]["data"]["rating"] == "satisfied"
