"""A case's history as a readable, self-contained HTML report: the case as its history leaves it, its
department tasks, the timeline with actor and time, and the content hash and event count that tie the
report to the exported history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from hotline import archive, consistency, history
from hotline.cases import mask_name, mask_phone
from hotline.models import CaseArchive

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_FIELDS = (
    ("工单编号 Case number", "case_number"),
    ("标题 Title", "title"),
    ("内容 Content", "content"),
    ("状态 Status", "status"),
    ("渠道 Channel", "channel"),
    ("诉求类型 Appeal type", "appeal_type"),
    ("分类 Category", "category_code"),
    ("区县 District", "district_code"),
    ("街道 Street", "street_code"),
    ("地址 Address", "address"),
    ("市民 Citizen", "citizen_name"),
    ("电话 Phone", "citizen_phone"),
    ("时限档 Tier", "tier"),
    ("主办单位 Lead department", "lead_department_code"),
    ("派单方式 Dispatch mode", "dispatch_mode"),
    ("督办级别 Escalation level", "escalation_level"),
    ("重办次数 Reopened", "reopen_count"),
    ("评价 Rating", "rating"),
    ("办结原因 Close reason", "close_reason"),
    ("并入 Merged into", "merged_into"),
    ("受理时间 Received", "received_at"),
    ("办结时间 Closed", "closed_at"),
)


async def render(*, case_history: history.CaseHistory, archived: CaseArchive | None, timezone: str) -> str:
    number = case_history.case_number
    async with consistency.scratch() as sessions:
        await consistency.fold(sessions, case_history)
        rows = await consistency.rows(sessions, [number])
    (case,) = rows.of("cases", number).values()
    case = {
        **case,
        "citizen_name": mask_name(case["citizen_name"]),
        "citizen_phone": mask_phone(case["citizen_phone"]),
    }
    zone = ZoneInfo(timezone)
    return _TEMPLATES.get_template("archive_report.html").render(
        when=lambda value: "" if value is None else _when(value, zone),
        case=case,
        fields=[(label, _when(case[name], zone)) for label, name in _FIELDS],
        assignments=sorted(rows.of("assignments", number).values(), key=lambda a: a["assigned_at"]),
        events=sorted(rows.of("case_events", number).values(), key=lambda e: e["seq"]),
        sha256=archive.sha256(archive.canonical(archive.document(case_history))),
        event_count=case_history.event_count,
        run_ids=[run.run_id for run in case_history.runs],
        archived=archived,
        generated_at=datetime.now(UTC),
    )


def _when(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
    return value
