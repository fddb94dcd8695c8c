"""Each role's home page and the links in its header. Which role sees what is decided here, not in
the templates."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.auth import Principal
from hotline.enums import Role
from web.i18n import N_


@dataclass(frozen=True)
class Link:
    href: str
    label: str


HOMES = {
    Role.DISPATCHER: "/console",
    Role.DEPARTMENT: "/inbox",
    Role.SUPERVISOR: "/board",
    Role.VISIT_OPERATOR: "/visits",
    Role.AUDITOR: "/cases",
    Role.ANALYST: "/reports",
    Role.ADMIN: "/admin",
}

_LINKS = {
    Role.DISPATCHER: [
        Link("/console", N_("Console")),
        Link("/console/intake", N_("New appeal")),
        Link("/cases", N_("Search cases")),
        Link("/reports", N_("Reports")),
    ],
    Role.DEPARTMENT: [Link("/inbox", N_("My tasks"))],
    Role.SUPERVISOR: [
        Link("/board", N_("Supervision board")),
        Link("/cases", N_("Search cases")),
        Link("/reports", N_("Reports")),
    ],
    Role.VISIT_OPERATOR: [Link("/visits", N_("Return visits")), Link("/cases", N_("Search cases"))],
    Role.AUDITOR: [
        Link("/cases", N_("Search cases")),
        Link("/audit", N_("Audit")),
        Link("/reports", N_("Reports")),
    ],
    Role.ANALYST: [Link("/reports", N_("Reports")), Link("/cases", N_("Search cases"))],
    Role.ADMIN: [
        Link("/admin", N_("Administration")),
        Link("/cases", N_("Search cases")),
        Link("/reports", N_("Reports")),
    ],
}


def home_of(user: Principal) -> str:
    return HOMES.get(Role(user.role), "/cases")


def links_for(user: Principal | None) -> list[Link]:
    if user is None:
        return [Link("/public", N_("Public service")), Link("/public/track", N_("Track my case"))]
    return _LINKS.get(Role(user.role), [])
