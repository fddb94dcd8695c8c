"""Filing a request through Open311: an ordinary case on the open311 channel, idempotent, refused in
Open311's own terms."""

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hotline import tokens
from hotline.db import SessionFactory
from hotline.enums import Channel
from hotline.models import Case, Department, IntakeKey
from tests.helpers import new_key
from tests.open311 import (
    CITIZEN_NAME,
    CITIZEN_PHONE,
    FORMATS,
    OPEN311,
    assert_open311_error,
    file_request,
    projected,
    request_form,
    xml_rows,
)


async def test_a_filed_request_becomes_an_open_case_of_the_water_company(
    api: httpx.AsyncClient, case_worker: Any, sessions: SessionFactory
) -> None:
    form = request_form()
    response = await api.post(f"{OPEN311}/requests.json", data=form)
    assert response.status_code == 201, response.text
    [receipt] = response.json()
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    assert receipt["account_id"] is None and receipt["service_request_id"] in receipt["service_notice"]
    number = receipt["service_request_id"]

    found = await projected(api, number)
    async with sessions() as session:
        water = await session.get(Department, "company.water")
        case = await session.get(Case, number)
    assert water is not None and case is not None
    assert found["status"] == "open" and found["agency_responsible"] == water.name
    assert found["service_code"] == "water.pipe_burst" and found["description"] == form["description"]
    assert (found["lat"], found["long"], found["address"]) == (36.6232, 101.8011, form["address_string"])
    assert found["expected_datetime"] is not None
    assert (case.channel, case.appeal_type, case.district_code) == ("open311", "help", "chengdong")
    assert (case.citizen_name, case.citizen_phone, case.anonymous) == (CITIZEN_NAME, CITIZEN_PHONE, False)
    assert case.title == form["description"][:30]


async def test_filing_in_xml_answers_in_xml(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{OPEN311}/requests.xml", data=request_form())
    assert response.status_code == 201
    [receipt] = xml_rows(response, "service_requests", "request")
    assert list(receipt) == ["service_request_id", "service_notice", "account_id"]
    assert receipt["service_request_id"] and receipt["account_id"] == ""


async def test_a_request_without_a_phone_is_anonymous(
    api: httpx.AsyncClient, case_worker: Any, sessions: SessionFactory
) -> None:
    form = request_form(phone="", **{"attribute[street]": "chengdong.dongguan"})
    number = await file_request(api, form)
    await projected(api, number)
    async with sessions() as session:
        case = await session.get(Case, number)
    assert case is not None
    assert (case.anonymous, case.citizen_name, case.citizen_phone) == (True, None, None)
    assert case.street_code == "chengdong.dongguan"


async def test_the_same_submission_twice_is_one_case(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    form = request_form()
    first, second = await file_request(api, form), await file_request(api, form)
    assert first == second
    async with sessions() as session:
        keys = (
            await session.execute(
                select(func.count()).select_from(IntakeKey).where(IntakeKey.case_number == first)
            )
        ).scalar_one()
    assert keys == 1
    assert await file_request(api, request_form()) != first


async def test_an_idempotency_key_names_one_appeal(api: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": new_key()}
    form = request_form()
    first = await api.post(f"{OPEN311}/requests.json", data=form, headers=headers)
    again = await api.post(f"{OPEN311}/requests.json", data=form, headers=headers)
    other = await api.post(f"{OPEN311}/requests.json", data=request_form(), headers=headers)
    assert first.json() == again.json()
    assert "Idempotency-Key" in assert_open311_error(other, "json", 400)


async def _open311_token(sessions: SessionFactory, channel: Channel, revoked: bool = False) -> str:
    async with sessions() as session:
        created = await tokens.create(session=session, name="test client", channel=channel, created_by="test")
        if revoked:
            await tokens.revoke(session=session, token_id=created.id)
    return created.token


@pytest.mark.parametrize("response_format", FORMATS)
async def test_filing_needs_an_active_open311_api_key(
    api: httpx.AsyncClient, sessions: SessionFactory, response_format: str
) -> None:
    url = f"{OPEN311}/requests.{response_format}"
    form = request_form()
    del form["api_key"]
    revoked = await _open311_token(sessions, Channel.OPEN311, revoked=True)
    other_channel = await _open311_token(sessions, Channel.SHIMINTONG)
    for api_key in (None, "hlt_not-a-token", revoked, other_channel):
        data = form if api_key is None else {**form, "api_key": api_key}
        assert "api_key" in assert_open311_error(await api.post(url, data=data), response_format, 403)
    valid = await _open311_token(sessions, Channel.OPEN311)
    assert (await api.post(url, data={**form, "api_key": valid})).status_code == 201


@pytest.mark.parametrize("response_format", FORMATS)
@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"service_code": "water.nothing"}, "service_code"),
        ({"service_code": "water"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"attribute[district]": ""}, "attribute[district]"),
        ({"attribute[district]": "atlantis"}, "attribute[district]"),
        ({"attribute[street]": "huangzhong.duoba"}, "attribute[street]"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "水管\x00爆裂"}, "description"),
        ({"lat": "north"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"long": "nan"}, "long"),
        ({"phone": "call me"}, "phone"),
        ({"address_string": "楼" * 201}, "address_string"),
        ({"first_name": "名" * 40, "last_name": "姓" * 40}, "first_name/last_name"),
    ],
)
async def test_a_bad_parameter_is_refused_and_files_nothing(
    api: httpx.AsyncClient,
    sessions: SessionFactory,
    response_format: str,
    change: dict[str, str],
    named: str,
) -> None:
    async with sessions() as session:
        before = (await session.execute(select(func.count()).select_from(IntakeKey))).scalar_one()
    response = await api.post(f"{OPEN311}/requests.{response_format}", data=request_form(**change))
    assert named in assert_open311_error(response, response_format, 400)
    async with sessions() as session:
        after = (await session.execute(select(func.count()).select_from(IntakeKey))).scalar_one()
    assert after == before


async def test_a_missing_district_attribute_is_refused(api: httpx.AsyncClient) -> None:
    form = request_form()
    del form["attribute[district]"]
    for response_format in FORMATS:
        response = await api.post(f"{OPEN311}/requests.{response_format}", data=form)
        assert "attribute[district]" in assert_open311_error(response, response_format, 400)


async def test_a_body_that_is_not_a_form_is_refused_in_open311_terms(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{OPEN311}/requests.xml", json=request_form())
    assert_open311_error(response, "xml", 403)  # no form, so no api_key
    broken = await api.post(
        f"{OPEN311}/requests.json",
        content=b"broken",
        headers={"content-type": "multipart/form-data"},  # no boundary
    )
    assert_open311_error(broken, "json", 400)


async def test_tokens_are_the_case_numbers(api: httpx.AsyncClient) -> None:
    number = await file_request(api)
    as_json = await api.get(f"{OPEN311}/tokens/{number}.json")
    assert as_json.json() == [{"service_request_id": number, "token": number}]
    as_xml = ET.fromstring((await api.get(f"{OPEN311}/tokens/{number}.xml")).content)
    assert as_xml.tag == "service_requests"
    assert as_xml.findtext("request/token") == number
    assert as_xml.findtext("request/service_request_id") == number


@pytest.mark.parametrize("response_format", FORMATS)
async def test_an_unknown_token_is_not_found(api: httpx.AsyncClient, response_format: str) -> None:
    response = await api.get(f"{OPEN311}/tokens/XX00000000-000000.{response_format}")
    assert_open311_error(response, response_format, 404)


async def test_no_personal_data_in_the_request(api: httpx.AsyncClient, case_worker: Any) -> None:
    number = await file_request(api)
    await projected(api, number)
    for response_format in FORMATS:
        response = await api.get(f"{OPEN311}/requests/{number}.{response_format}")
        for personal in (CITIZEN_NAME, CITIZEN_PHONE, "wang@example.com", "女士"):
            assert personal not in response.text
