"""Languages of the pages: zh-CN by default, English switchable.

Source strings are English msgids; the Chinese catalogue lives in `web/locale/zh_CN/LC_MESSAGES/`, split
by area (`common.po`, `dispatcher.po`, …) so that each part of the front end keeps its own strings. The
files are merged and compiled in memory when the app starts: no compiled `.mo` is committed or built.
English needs no catalogue; a missing Chinese string would show in English, and `tests/web/test_i18n.py`
fails if any extracted string lacks a translation.

`python -m web.i18n missing` prints the extracted strings that no catalogue translates yet, as `.po`
entries ready to fill in.
"""

from __future__ import annotations

import gettext
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from datetime import date as Date
from datetime import datetime as DateTime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from fastapi import Request

WEB = Path(__file__).parent
LOCALE_DIR = WEB / "locale"
DEFAULT_LOCALE = "zh_CN"
LOCALES = {"zh_CN": "中文", "en": "English"}
LANG_COOKIE = "hotline_lang"
# Babel's extraction map: Python under web/ and the templates. Babel reads templates with Jinja's own
# extractor (the i18n extension's `_()`, `gettext`, `ngettext` and `{% trans %}`).
EXTRACTION_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
EXTRACTION_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


def negotiate(request: Request) -> str:
    """The page language: ?lang=, then the cookie, then the browser's Accept-Language, then Chinese."""
    for choice in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if choice in LOCALES:
            return choice
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def html_lang(locale: str) -> str:
    return locale.replace("_", "-")


def catalogue_files(locale: str) -> list[Path]:
    return sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))


def read_catalogue(locale: str) -> Catalog:
    """The locale's area files merged into one catalogue."""
    merged = Catalog(locale=locale)
    for path in catalogue_files(locale):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    return merged


def translations(locale: str) -> gettext.NullTranslations:
    if locale not in LOCALES or not catalogue_files(locale):
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(locale))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def extracted_messages() -> dict[str, list[str]]:
    """Every translatable string in web/, with the places it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(WEB), EXTRACTION_MAP, EXTRACTION_OPTIONS, keywords=KEYWORDS
    ):
        msgids = message if isinstance(message, tuple) else (message,)
        for msgid in msgids:
            if msgid:
                found.setdefault(msgid, []).append(f"web/{filename}:{lineno}")
    return found


@dataclass(frozen=True)
class Formats:
    """Dates, numbers and durations in the page's language, times in the city's time zone."""

    locale: str
    timezone: str

    @property
    def _babel(self) -> Locale:
        return Locale.parse(self.locale)

    def datetime(self, value: DateTime | None, format: str = "medium") -> str:
        if value is None:
            return "—"
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        zone = ZoneInfo(self.timezone)
        if format == "short":
            return format_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=zone, locale=self._babel)
        return format_datetime(value, format, tzinfo=zone, locale=self._babel)

    def date(self, value: Date | DateTime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, DateTime):
            value = value.astimezone(ZoneInfo(self.timezone)).date()
        return format_date(value, "medium", locale=self._babel)

    def number(self, value: float | int | None) -> str:
        return "—" if value is None else format_decimal(value, locale=self._babel)

    def percent(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value, "#,##0.0%", locale=self._babel)

    def duration(self, value: timedelta) -> str:
        """A span such as "3 days" / "3天", rounded to its largest unit."""
        return format_timedelta(abs(value), threshold=1.5, locale=self._babel)


def _po_entry(msgid: str, places: list[str]) -> str:
    return "\n".join([f"#: {' '.join(places[:3])}", f"msgid {_quote(msgid)}", 'msgstr ""', ""])


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def missing(locale: str = DEFAULT_LOCALE) -> Iterator[str]:
    known = read_catalogue(locale)
    for msgid, places in sorted(extracted_messages().items()):
        if msgid not in known:
            yield _po_entry(msgid, places)


if __name__ == "__main__":
    if sys.argv[1:] != ["missing"]:
        sys.exit("usage: python -m web.i18n missing")
    print("\n".join(missing()))
