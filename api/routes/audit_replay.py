"""Deterministic replay for auditors: the case's stored history (every run, from Temporal or the archive)
run again through the current workflow code. An auditor's replay is logged in the case access log."""

from typing import Annotated

from fastapi import APIRouter

from api.access import allow
from api.deps import SessionsDep, TemporalDep
from hotline import replay
from hotline.auth import Principal
from hotline.enums import Role

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Principal, allow(Role.AUDITOR, Role.ADMIN)]


@router.post("/cases/{case_number}/replay", response_model=replay.CaseReplay)
async def replay_case(
    case_number: str, user: Auditor, sessions: SessionsDep, client: TemporalDep
) -> replay.CaseReplay:
    """Replay every run of the case: each replays cleanly, or fails at an event with Temporal's reason."""
    return await replay.replay_for(client=client, sessions=sessions, principal=user, case_number=case_number)
