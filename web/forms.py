"""HTML forms onto the API's own models: the same validation, with each problem shown next to its field.

A page posts a form; `parse` builds the API's pydantic model from it (so no rule is repeated here) and
returns the problems keyed by field name. A service's refusal that names a field (`details.field`) lands
next to that field too; any other refusal is shown above the form.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from hotline.errors import DomainError
from web.i18n import N_
from web.messages import for_error

M = TypeVar("M", bound=BaseModel)
FORM_ERROR = "__form__"  # the key of problems that belong to no single field

# Pydantic's error types, as a person filling in a form would read them.
_PROBLEMS = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This is not in the expected format."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
    "int_parsing": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "bool_parsing": N_("Choose yes or no."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "timezone_aware": N_("Enter a date and time."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "too_long": N_("Too many entries."),
    "value_error": N_("Please check this value."),
}

# Whole-form checks of the API's models, placed next to the field they are about.
_MODEL_CHECKS = {
    "citizen_phone is required unless the appeal is anonymous": (
        "citizen_phone",
        N_("A phone number is required unless the appeal is anonymous."),
    ),
    "answer (resolved at intake) is only for consultations": (
        "answer",
        N_("Only a consultation can be answered at intake."),
    ),
}

FormErrors = dict[str, str]


def parse(
    model: type[M], data: Mapping[str, Any], gettext: Callable[[str], str]
) -> tuple[M | None, FormErrors]:
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, validation_errors(error, gettext)


def validation_errors(error: ValidationError, gettext: Callable[[str], str]) -> FormErrors:
    problems: FormErrors = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else FORM_ERROR
        check = _MODEL_CHECKS.get(item["msg"].removeprefix("Value error, "))
        if check:
            field, text = check[0], gettext(check[1])
        else:
            text = gettext(_PROBLEMS.get(item["type"], N_("Please check this value.")))
        problems.setdefault(field, text)
    return problems


def refusal(error: DomainError, gettext: Callable[[str], str], english: bool) -> FormErrors:
    """A service's refusal, placed next to the field it names."""
    field = error.details.get("field") if isinstance(error.details, dict) else None
    return {str(field) if field else FORM_ERROR: for_error(error, gettext, english)}


def checkbox(data: Mapping[str, Any], name: str) -> bool:
    """An HTML checkbox is absent when unticked."""
    return str(data.get(name, "")).lower() in {"on", "true", "1", "yes"}


def blank_to_none(data: Mapping[str, Any]) -> dict[str, Any]:
    """Empty inputs mean "not given", as the API's optional fields expect."""
    return {key: (None if value == "" else value) for key, value in data.items()}


def local_times(data: dict[str, Any], fields: tuple[str, ...], timezone: str) -> dict[str, Any]:
    """A browser's datetime-local value has no zone: it is the city's own time."""
    zone = ZoneInfo(timezone)
    for name in fields:
        value = data.get(name)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue  # left as it is: the model's validation names the field
            data[name] = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return data


_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def sent_key(value: object) -> str | None:
    """A form's key as sent back, if it looks like one we made; a tampered one counts as none."""
    return value if isinstance(value, str) and _KEY.match(value) else None


def new_key() -> str:
    """The idempotency key a rendered form carries (`ui.form_key`): sending it twice applies it once."""
    return f"web-{uuid.uuid4().hex}"
