"""The route fields the dispatcher's forms share (intake, re-route, ruling on a return): mode, lead,
assisting departments and team name, read into the API's own `RouteChoice`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData

from hotline import directory
from hotline.enums import DepartmentKind, Level
from hotline.routing import RouteChoice
from web import forms
from web.forms import FormErrors
from web.i18n import N_

PREFIX = "route_"
# Department groups in the lead and assisting pickers, in this order.
GROUPS = (
    (N_("Sector departments and companies"), DepartmentKind.SECTOR, None),
    (N_("District and county governments"), DepartmentKind.TERRITORIAL, Level.DISTRICT),
    (N_("Street offices and towns"), DepartmentKind.TERRITORIAL, Level.STREET),
)


def values(form: FormData) -> dict[str, Any]:
    """The submitted form as the template shows it again (lists for the multiple choices)."""
    shown: dict[str, Any] = {key: form.get(key) for key in form if key != "csrf_token"}
    shown[f"{PREFIX}assisting"] = [code for code in form.getlist(f"{PREFIX}assisting") if code]
    return shown


def choice(
    form: FormData | dict[str, Any], gettext: Callable[[str], str]
) -> tuple[RouteChoice | None, FormErrors]:
    """The route the form chose, with each problem under its field's name (route_lead …)."""
    getlist = form.getlist if isinstance(form, FormData) else lambda key: form.get(key) or []
    data = {
        "mode": form.get(f"{PREFIX}mode") or None,
        "lead": form.get(f"{PREFIX}lead") or None,
        "assisting": [code for code in getlist(f"{PREFIX}assisting") if code],
        "team": form.get(f"{PREFIX}team") or None,
    }
    route, errors = forms.parse(RouteChoice, data, gettext)
    return route, {f"{PREFIX}{field}": text for field, text in errors.items()}


def field_errors(errors: FormErrors) -> FormErrors:
    """A service's refusal names `route.lead`; the form's field is `route_lead`."""
    return {
        key.replace("route.", PREFIX) if key.startswith("route.") else key: v for key, v in errors.items()
    }


async def department_groups(
    *, session: Any, gettext: Callable[[str], str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Active departments for the pickers, grouped (sector; district governments; street offices)."""
    departments = [d for d in await directory.departments(session=session) if d.active]
    groups = []
    for label, kind, level in GROUPS:
        members = sorted(
            ((d.code, d.name) for d in departments if d.kind == kind and (level is None or d.level == level)),
            key=lambda pair: pair[0],
        )
        groups.append((gettext(label), members))
    return groups
