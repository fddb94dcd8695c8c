"""宣, the citizens' pages: headline rates worked out by hand, the anonymiser, publishing typical cases
(supervisors and admins only), and tracking, rating and withdrawing by tracking code and phone digits."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from hotline import headlines
from hotline.anonymise import anonymise
from hotline.db import SessionFactory
from hotline.models import Assignment, Case, TypicalCase
from tests.helpers import PIPE_BURST, appeal, eventually, new_key

# A month long ago that no other test writes to: the rates over it are exactly the rows made here.
SINCE = datetime(2001, 3, 1, tzinfo=UTC)
NOW = datetime(2001, 3, 31, tzinfo=UTC)
INSIDE = datetime(2001, 3, 15, 9, tzinfo=UTC)
BEFORE = datetime(2001, 2, 10, tzinfo=UTC)


def case_row(**fields: Any) -> Case:
    number = f"XT{uuid.uuid4().hex[:12].upper()}"
    defaults: dict[str, Any] = {
        "case_number": number,
        "tracking_code": uuid.uuid4().hex[:10].upper(),
        "channel": "hotline",
        "appeal_type": "help",
        "status": "closed",
        "citizen_name": "王女士",
        "citizen_phone": "13800001234",
        "district_code": "chengdong",
        "category_code": "water.pipe_burst",
        "title": "小区自来水管爆裂",
        "content": "王女士反映和盛园小区115号楼3单元水管爆裂，电话13800001234。",
        "received_at": INSIDE - timedelta(days=3),
        "updated_at": INSIDE,
    }
    return Case(**{**defaults, **fields})


def task_row(case_number: str, **fields: Any) -> Assignment:
    defaults: dict[str, Any] = {
        "task_id": uuid.uuid4().hex,
        "case_number": case_number,
        "department_code": "company.water",
        "role": "lead",
        "status": "signed",
        "assigned_at": INSIDE,
        "due_at": INSIDE + timedelta(days=1),
    }
    return Assignment(**{**defaults, **fields})


async def _add(sessions: SessionFactory, *rows: Any) -> None:
    async with sessions() as session:
        for row in rows:
            session.add(row)
            await session.flush()  # cases before the tasks that point at them
        await session.commit()


async def test_headline_rates_follow_their_documented_formulas(sessions: SessionFactory) -> None:
    closed = {"closed_at": INSIDE}
    cases = [
        case_row(**closed, close_reason="visited", resolved=True, rating="satisfied"),
        case_row(**closed, close_reason="visited", resolved=True, rating="basically_satisfied"),
        case_row(**closed, close_reason="visited", resolved=True, rating="dissatisfied"),
        case_row(**closed, close_reason="supervisor_decision", resolved=False, rating="dissatisfied"),
        # Left out: withdrawn (even with an earlier visit's answer), unreachable, answered at intake,
        # closed before the period, and not closed at all.
        case_row(**closed, close_reason="withdrawn", resolved=True, rating="satisfied"),
        case_row(**closed, close_reason="unreachable"),
        case_row(**closed, close_reason="resolved_at_intake"),
        case_row(closed_at=BEFORE, close_reason="visited", resolved=True, rating="satisfied"),
        case_row(status="visiting", resolved=False, rating="dissatisfied"),
    ]
    owner = cases[0].case_number
    signed = INSIDE + timedelta(hours=1)
    tasks = [
        task_row(owner, signed_at=signed),  # on time
        task_row(owner, signed_at=signed, status="returned"),  # on time, then returned
        task_row(owner, signed_at=signed, status="void"),  # on time, then re-routed
        task_row(owner, signed_at=signed + timedelta(days=2), sign_for_late=True),  # late
        task_row(owner, status="open", sign_for_late=True),  # window passed, never signed
        task_row(owner, status="open"),  # still within its window: not decided yet
        task_row(owner, signed_at=BEFORE, assigned_at=BEFORE),  # assigned before the period
    ]
    await _add(sessions, *cases, *tasks)

    async with sessions() as session:
        figures = await headlines.headlines(session=session, now=NOW, days=30)

    assert figures.since == SINCE
    assert (figures.response.numerator, figures.response.denominator) == (3, 5)
    assert (figures.resolution.numerator, figures.resolution.denominator) == (3, 4)
    assert (figures.satisfaction.numerator, figures.satisfaction.denominator) == (2, 4)
    assert figures.response.value == 0.6 and figures.resolution.value == 0.75
    assert figures.satisfaction.value == 0.5


async def test_a_rate_with_nothing_to_count_is_no_data_not_zero(sessions: SessionFactory) -> None:
    async with sessions() as session:
        figures = await headlines.headlines(session=session, now=datetime(1990, 1, 1, tzinfo=UTC))
    assert figures.satisfaction.denominator == 0 and figures.satisfaction.value is None


def test_the_anonymiser_removes_name_phones_and_house_numbers() -> None:
    text = (
        "王女士反映：城东区和盛园小区二期东院115号楼3单元502室水管爆裂，入住13年，3月5号起停水。"
        "电话13800001234，另一号码 139 0000 5678，座机0971-6123456，身份证63010219800101123X，门源路35号。"
    )
    cleaned = anonymise(text, name="王女士", phone="13800001234")
    for personal in (
        "王女士",
        "13800001234",
        "139 0000 5678",
        "6123456",
        "63010219800101123X",
        "115",
        "502",
        "35号",
    ):
        assert personal not in cleaned, personal
    for kept in ("城东区和盛园小区二期东院", "号楼", "水管爆裂", "入住13年", "3月5号", "门源路"):
        assert kept in cleaned, kept
    assert anonymise("郑先生的房产证", name="郑某某") == "××的房产证"


async def _csrf(api: httpx.AsyncClient, headers: dict[str, str] | None = None) -> str:
    page = await api.get("/public/track", headers=headers or {})
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


async def test_the_front_page_needs_no_login_and_shows_the_three_rates(api: httpx.AsyncClient) -> None:
    page = await api.get("/public")
    assert page.status_code == 200
    for name in ("响应率", "解决率", "满意率", "近 30 天", 'href="tel:12345"', 'action="/public/track"'):
        assert name in page.text, name
    english = await api.get("/public", params={"lang": "en"})
    assert "Satisfaction rate" in english.text and "Last 30 days" in english.text


async def test_a_department_user_cannot_publish_a_typical_case(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    case = case_row(closed_at=INSIDE, close_reason="visited", resolved=True, rating="satisfied")
    await _add(sessions, case)
    water = await login("water")
    token = await _csrf(api, water)
    form = await api.get("/typical/new", params={"case": case.case_number}, headers=water)
    posted = await api.post(
        "/typical/new",
        data={"case": case.case_number, "title": "t", "summary": "s", "handling": "h", "csrf_token": token},
        headers=water,
    )
    assert form.status_code == 403 and posted.status_code == 403
    async with sessions() as session:
        assert await session.get(Case, case.case_number) is not None
        published = await session.execute(
            select(TypicalCase).where(TypicalCase.case_number == case.case_number)
        )
        assert published.first() is None


async def test_a_supervisor_publishes_an_anonymised_typical_case(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    case = case_row(closed_at=INSIDE, close_reason="visited", resolved=True, rating="satisfied")
    task = task_row(case.case_number, status="replied", reply_text="已为王女士更换115号楼的水管，恢复供水。")
    await _add(sessions, case, task)
    supervisor = await login("supervisor1")

    draft = await api.get("/typical/new", params={"case": case.case_number}, headers=supervisor)
    assert draft.status_code == 200
    assert "王女士" not in draft.text and "13800001234" not in draft.text and "115号楼" not in draft.text
    assert "和盛园小区××号楼" in draft.text and "更换××号楼的水管" in draft.text

    token = await _csrf(api, supervisor)
    fields = {
        "case": case.case_number,
        "title": "小区水管爆裂当天修复",
        "handling": "当天更换水管，恢复供水。",
    }
    missing = await api.post(
        "/typical/new", data={**fields, "summary": " ", "csrf_token": token}, headers=supervisor
    )
    assert missing.status_code == 422 and 'id="summary-error"' in missing.text

    body = {**fields, "summary": "小区××号楼水管爆裂，整栋楼停水。", "csrf_token": token}
    published = await api.post("/typical/new", data=body, headers=supervisor)
    assert published.status_code == 303
    location = published.headers["location"]
    assert re.match(r"^/public/typical/\d+\?done=saved$", location)

    shown = await api.get(location.split("?")[0])  # no Authorization header: as anyone
    front = await api.get("/public")
    assert shown.status_code == 200 and "当天更换水管，恢复供水。" in shown.text
    assert "13800001234" not in shown.text
    assert "小区水管爆裂当天修复" in front.text

    again = await api.post("/typical/new", data=body, headers=supervisor)
    assert again.status_code == 409 and "已发布为典型案例" in again.text

    detail = location.split("?")[0]
    withdrawn = await api.post(
        f"{detail.replace('/public', '')}/delete", data={"csrf_token": token}, headers=supervisor
    )
    assert withdrawn.status_code == 303 and (await api.get(detail)).status_code == 404


async def test_an_open_case_cannot_be_published(
    api: httpx.AsyncClient, login: Any, sessions: SessionFactory
) -> None:
    case = case_row(status="handling")
    await _add(sessions, case)
    page = await api.get("/typical/new", params={"case": case.case_number}, headers=await login("admin"))
    assert page.status_code == 409 and "只有已办结" in page.text and 'action="/typical/new"' not in page.text


def _key(case: Case | dict[str, Any], last4: str = PIPE_BURST["citizen_phone"][-4:]) -> dict[str, str]:
    code = case.tracking_code if isinstance(case, Case) else case["tracking_code"]
    return {"tracking_code": code, "phone_last4": last4}


async def test_wrong_digits_are_refused_change_nothing_and_are_rate_limited(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    case = case_row(status="visiting", closed_at=None)
    await _add(sessions, case)
    token = await _csrf(api)

    tracked = await api.post("/public/track", data={**_key(case, "9999"), "csrf_token": token})
    assert tracked.status_code == 404 and "查询码与电话后四位不匹配" in tracked.text
    assert case.tracking_code in tracked.text and "9999" not in tracked.text  # the digits are typed afresh
    rated = await api.post(
        "/public/rate",
        data={**_key(case, "9999"), "resolved": "true", "rating": "satisfied", "csrf_token": token},
    )
    withdrawn = await api.post(
        "/public/withdraw", data={**_key(case, "0000"), "reason": "不需要了", "csrf_token": token}
    )
    assert rated.status_code == 404 and withdrawn.status_code == 404
    async with sessions() as session:
        row = await session.get(Case, case.case_number)
    assert row is not None and row.status == "visiting" and row.rating is None and row.closed_at is None

    for n in range(8):  # ten misses in all for this code: then even the right digits wait
        await api.post("/public/track", data={**_key(case, f"{n:04d}"), "csrf_token": token})
    blocked = await api.post("/public/track", data={**_key(case), "csrf_token": token})
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.text


async def test_tracking_without_the_forms_token_is_refused(api: httpx.AsyncClient) -> None:
    await _csrf(api)
    response = await api.post("/public/track", data={"tracking_code": "ABCDEFGH", "phone_last4": "1234"})
    assert response.status_code == 403


async def _registered(api: httpx.AsyncClient, login: Any) -> dict[str, Any]:
    created = await api.post(
        "/api/v1/cases", json=appeal(), headers={**await login("dispatcher"), "Idempotency-Key": new_key()}
    )
    return dict(created.json())


async def test_the_citizen_tracks_and_rates_a_replied_case(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    receipt = await _registered(api, login)
    number, water, dispatcher = receipt["case_number"], await login("water"), await login("dispatcher")

    async def task_id() -> str | None:
        tasks = (await api.get("/api/v1/tasks", params={"status": "open"}, headers=water)).json()
        return next((t["task_id"] for t in tasks if t["case_number"] == number), None)

    task = await eventually(task_id)
    await api.post(f"/api/v1/tasks/{task}/reply", json={"text": "已修复，恢复供水"}, headers=water)

    async def status(wanted: str) -> bool:
        return (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()["status"] == wanted

    await eventually(lambda: status("replied"))
    await api.post(f"/api/v1/cases/{number}/review", json={"accept": True}, headers=dispatcher)
    await eventually(lambda: status("visiting"))

    token = await _csrf(api)
    page = await api.post("/public/track", data={**_key(receipt), "csrf_token": token})
    assert page.status_code == 200 and "已修复，恢复供水" in page.text
    assert 'action="/public/rate"' in page.text
    assert PIPE_BURST["citizen_name"] not in page.text and PIPE_BURST["citizen_phone"] not in page.text
    request_id = re.search(r'name="request_id" value="([0-9a-f]{32})"', page.text)
    assert request_id is not None

    incomplete = await api.post("/public/rate", data={**_key(receipt), "csrf_token": token})
    assert incomplete.status_code == 422 and 'id="rating-error"' in incomplete.text

    rating = {**_key(receipt), "resolved": "true", "rating": "satisfied", "comment": "很及时"}
    form = {**rating, "request_id": request_id.group(1), "csrf_token": token}
    rated = await api.post("/public/rate", data=form)
    assert rated.status_code == 200 and "谢谢，您的评价已记录" in rated.text
    # A reload sends the same request id: answered from the first result while the case still runs,
    # refused once it has closed; never counted twice.
    again = await api.post("/public/rate", data=form)
    assert again.status_code in (200, 409)

    await eventually(lambda: status("closed"))
    case = (await api.get(f"/api/v1/cases/{number}", headers=dispatcher)).json()
    visits = [e for e in case["timeline"] if e["kind"] == "visited"]
    assert len(visits) == 1 and visits[0]["actor_role"] == "citizen"
    assert visits[0]["data"]["rating"] == "satisfied"


async def test_the_citizen_withdraws_an_open_case_with_a_reason(
    api: httpx.AsyncClient, login: Any, case_worker: Any
) -> None:
    receipt = await _registered(api, login)
    dispatcher = await login("dispatcher")

    async def status(wanted: str) -> bool:
        case = await api.get(f"/api/v1/cases/{receipt['case_number']}", headers=dispatcher)
        return case.status_code == 200 and case.json()["status"] == wanted

    await eventually(lambda: status("handling"))
    token = await _csrf(api)
    page = await api.post("/public/track", data={**_key(receipt), "csrf_token": token})
    assert page.status_code == 200 and 'action="/public/withdraw"' in page.text
    no_reason = await api.post("/public/withdraw", data={**_key(receipt), "reason": "", "csrf_token": token})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    done = await api.post(
        "/public/withdraw", data={**_key(receipt), "reason": "问题已自行解决", "csrf_token": token}
    )
    assert done.status_code == 200 and "诉求已撤销" in done.text

    await eventually(lambda: status("closed"))
    closed = await api.post("/public/track", data={**_key(receipt), "csrf_token": token})
    assert "已办结" in closed.text and 'action="/public/withdraw"' not in closed.text


@pytest.mark.parametrize("path", ["/public", "/public/track", "/public/typical/999999"])
async def test_public_pages_open_without_a_login(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(path)
    assert response.status_code in (200, 404) and "Traceback" not in response.text
    assert response.status_code == (404 if "typical" in path else 200)
