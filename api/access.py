"""Who may call which endpoint: every route names its roles with `allow`, and the authorization-matrix
test reads them back from the routes, so a route without a declared policy cannot slip through."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from api.deps import CurrentUser
from hotline.auth import Principal
from hotline.enums import Role

STAFF = (Role.DISPATCHER, Role.SUPERVISOR, Role.VISIT_OPERATOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN)
LOGGED_IN = (*STAFF, Role.DEPARTMENT)


def allow(*roles: Role) -> Any:
    async def check(user: CurrentUser) -> Principal:
        user.require(*roles)
        return user

    check.roles = frozenset(roles)  # type: ignore[attr-defined]
    return Depends(check)


Dispatcher = Annotated[Principal, allow(Role.DISPATCHER)]
Department = Annotated[Principal, allow(Role.DEPARTMENT)]
Supervisor = Annotated[Principal, allow(Role.SUPERVISOR)]
VisitOperator = Annotated[Principal, allow(Role.VISIT_OPERATOR)]
Admin = Annotated[Principal, allow(Role.ADMIN)]
CaseReader = Annotated[Principal, allow(*LOGGED_IN)]
Anyone = Annotated[Principal, allow(*LOGGED_IN, Role.INTEGRATION)]
Intake = Annotated[Principal, allow(Role.DISPATCHER, Role.INTEGRATION)]
