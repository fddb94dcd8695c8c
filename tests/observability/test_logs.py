"""Log lines: JSON with the request's id and case number, and never the citizen's personal data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.observability import REQUEST_ID_HEADER
from hotline.db import SessionFactory
from hotline.observability.logs import JsonFormatter, handler
from hotline.settings import Settings
from tests.helpers import PIPE_BURST, appeal, new_key
from tests.observability.conftest import login_headers

PERSONAL = ("citizen_name", "citizen_phone", "address", "content")


@pytest.fixture
def json_lines(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON lines the production handler writes, read back as objects."""
    stream = io.StringIO()
    json_handler = handler(json_lines=True, stream=stream)
    caplog.set_level(logging.INFO)
    logging.getLogger().addHandler(json_handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logging.getLogger().removeHandler(json_handler)


async def test_an_intake_logs_its_request_id_and_case_number_and_no_personal_data(
    observed_settings: Settings,
    temporal: Any,
    serve: Callable[..., Any],
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    async with serve(create_app(observed_settings, temporal=temporal)) as http:
        headers = await login_headers(http, "dispatcher")
        response = await http.post(
            "/api/v1/cases",
            json=appeal(),
            headers={**headers, "Idempotency-Key": new_key(), REQUEST_ID_HEADER: "intake-req-42"},
        )
    assert response.status_code == 201
    assert response.headers[REQUEST_ID_HEADER] == "intake-req-42"
    case_number = response.json()["case_number"]
    lines = [line for line in json_lines() if line.get("request_id") == "intake-req-42"]
    loggers = {line["logger"] for line in lines}
    assert {"hotline.intake", "api.observability"} <= loggers
    assert all(line["case_number"] == case_number for line in lines)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    written = json.dumps(json_lines(), ensure_ascii=False)
    for field in PERSONAL:
        assert PIPE_BURST[field] not in written, field


async def test_a_request_without_a_usable_id_gets_one(api: httpx.AsyncClient) -> None:
    made = await api.get("/livez")
    unusable = await api.get("/livez", headers={REQUEST_ID_HEADER: "x" * 500})
    assert len(made.headers[REQUEST_ID_HEADER]) == 32
    assert unusable.headers[REQUEST_ID_HEADER] not in ("x" * 500, made.headers[REQUEST_ID_HEADER])


async def test_a_request_about_a_case_logs_the_case_number_from_its_path(
    api: httpx.AsyncClient, login: Any, json_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    response = await api.post(
        "/api/v1/tasks/XN20260101-000007-T2/sign-for",
        headers={**await login("water"), REQUEST_ID_HEADER: "task-req-1"},
    )
    [line] = [line for line in json_lines() if line.get("request_id") == "task-req-1"]
    assert line["case_number"] == "XN20260101-000007"
    assert f"POST /api/v1/tasks/{{task_id}}/sign-for -> {response.status_code}" in line["message"]


def test_worker_lines_carry_the_workflow_and_activity_ids_and_nothing_else_from_extra() -> None:
    record = logging.LogRecord("temporalio.activity", logging.INFO, __file__, 1, "projected", None, None)
    record.temporal_activity = {
        "activity_id": "3",
        "activity_type": "project",
        "attempt": 1,
        "workflow_id": "XN20260101-000007",
        "workflow_run_id": "run-1",
        "workflow_type": "CaseWorkflow",
        "task_queue": "cases",
    }
    record.citizen_phone = PIPE_BURST["citizen_phone"]  # an `extra=` by mistake is not written
    line = json.loads(JsonFormatter().format(record))
    assert line["workflow_id"] == line["case_number"] == "XN20260101-000007"
    assert (line["activity_id"], line["activity_type"], line["run_id"]) == ("3", "project", "run-1")
    assert PIPE_BURST["citizen_phone"] not in json.dumps(line)


async def test_a_database_error_keeps_the_row_values_out_of_its_text(sessions: SessionFactory) -> None:
    """Error handlers log a database error's text (api/errors.py); it names the statement, not the values."""
    async with sessions() as session:
        with pytest.raises(DBAPIError) as failed:
            await session.execute(
                text("INSERT INTO no_such_table (phone) VALUES (:phone)"),
                {"phone": PIPE_BURST["citizen_phone"]},
            )
    assert "no_such_table" in str(failed.value)
    assert PIPE_BURST["citizen_phone"] not in str(failed.value)


async def test_an_unexpected_error_answers_with_its_request_id_and_logs_under_it(
    observed_settings: Settings, temporal: Any, json_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    """Starlette answers an unexpected error outside every middleware; the id still reaches the answer,
    the error page and the log line, so that a user's report leads to the traceback."""
    app = create_app(observed_settings, temporal=temporal)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/broken", broken)
    app.add_api_route("/broken", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as http,
    ):
        api = await http.get("/api/v1/broken", headers={REQUEST_ID_HEADER: "broken-req-1"})
        page = await http.get("/broken", headers={REQUEST_ID_HEADER: "broken-req-2", "Accept": "text/html"})
    assert (api.status_code, api.json()["code"]) == (500, "internal_error")
    assert api.headers[REQUEST_ID_HEADER] == "broken-req-1"
    assert (page.status_code, page.headers[REQUEST_ID_HEADER]) == (500, "broken-req-2")
    assert "broken-req-2" in page.text and "internal_error" in page.text
    [logged] = [line for line in json_lines() if line["message"].startswith("unexpected error on GET /api")]
    assert logged["request_id"] == "broken-req-1"
    assert "RuntimeError: a bug" in logged["exception"]
