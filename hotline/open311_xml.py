"""Open311 documents: read-model rows in the shapes of GeoReport v2 (and FixMyStreet's updates), and
those shapes in XML.

A document is what an endpoint answers: a root name and a body, a list of rows or one object. Its JSON
form is the body as it is; its XML form wraps the body in the root element and names each list's items
as the specification does (`<services><service>`, `<attributes><attribute>`, …). Nothing here reads a
citizen's name, phone or e-mail: a request shows what the city publishes about a case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from hotline.enums import CaseStatus, CloseReason, EventKind
from hotline.models import Case, CaseEvent, Category

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"  # move it whenever these endpoints change
# Open311 knows open and closed only; a merged case lives on in its primary case.
CLOSED_STATUSES = {CaseStatus.CLOSED.value, CaseStatus.MERGED.value}

_STATUS_NOTES: dict[str, str] = {
    CaseStatus.REGISTERED: "已受理",
    CaseStatus.HANDLING: "办理中",
    CaseStatus.REPLIED: "待审核",
    CaseStatus.VISITING: "待回访",
    CaseStatus.AWAITING_DECISION: "待督办决定",
    CaseStatus.DEFERRED: "挂账中",
    CaseStatus.MERGED: "已并单",
    CaseStatus.CLOSED: "已办结",
}
_CLOSE_NOTES: dict[str, str] = {
    CloseReason.VISITED: "已回访",
    CloseReason.UNREACHABLE: "回访无法联系",
    CloseReason.SUPERVISOR_DECISION: "督办决定办结",
    CloseReason.RESOLVED_AT_INTAKE: "直接答复",
    CloseReason.WITHDRAWN: "已撤单",
}
# A list's item element, by the list's own name.
_ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# XML 1.0 cannot carry these at all; text from other channels may still contain them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Body = list[dict[str, Any]] | dict[str, Any]


@dataclass(frozen=True)
class Document:
    root: str
    body: Body


def discovery(*, base_url: str) -> Document:
    endpoint = {
        "specification": SPECIFICATION,
        "url": f"{base_url}/open311/v2",
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    return Document(
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "12345 政务服务便民热线",
            "key_service": "Ask the city's 12345 administrator for an API token (channel open311).",
            "endpoints": [endpoint],
        },
    )


def service(category: Category, group_name: str) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": group_name,
    }


def attribute(
    code: str, description: str, order: int, *, required: bool, values: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": description,
        "values": [{"key": key, "name": name} for key, name in values],
    }


def service_request(
    case: Case, service_name: str | None, agency: str | None, *, zone: tzinfo
) -> dict[str, Any]:
    return {
        "service_request_id": case.case_number,
        "status": "closed" if case.status in CLOSED_STATUSES else "open",
        "status_notes": _status_notes(case),
        "service_name": service_name or case.category_code,
        "service_code": case.category_code,
        "description": case.content,
        "agency_responsible": agency or "",
        "service_notice": "",
        "requested_datetime": _iso(case.received_at, zone),
        "updated_datetime": _iso(case.updated_at, zone),
        "expected_datetime": _iso(case.due_at, zone) if case.due_at else None,
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": "",
    }


def request_update(event: CaseEvent, *, zone: tzinfo) -> dict[str, Any]:
    return {
        "update_id": f"{event.case_number}-{event.seq}",
        "service_request_id": event.case_number,
        "status": "closed" if event.kind == EventKind.CLOSED else "open",
        "updated_datetime": _iso(event.occurred_at, zone),
        "description": event.summary,
        "media_url": "",
        "external_status_code": event.kind,
    }


def receipt(case_number: str) -> Document:
    notice = f"已受理，工单号 {case_number}，可凭工单号查询办理进度。"
    return Document(
        "service_requests",
        [{"service_request_id": case_number, "service_notice": notice, "account_id": None}],
    )


def _status_notes(case: Case) -> str:
    note = _STATUS_NOTES.get(case.status, case.status)
    if case.status == CaseStatus.CLOSED and case.close_reason:
        return f"{note}（{_CLOSE_NOTES.get(case.close_reason, case.close_reason)}）"
    if case.status == CaseStatus.MERGED and case.merged_into:
        return f"{note}，并入 {case.merged_into}"
    return note


def _iso(when: datetime, zone: tzinfo) -> str:
    return when.astimezone(zone).isoformat(timespec="seconds")


def to_xml(document: Document) -> bytes:
    root = ET.Element(document.root)
    _fill(root, document.root, document.body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, _ITEM_NAMES[name]), _ITEM_NAMES[name], item)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
