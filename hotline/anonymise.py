"""Anonymising a case's text before it is published as a typical case (典型案例).

Removes the citizen's name (and the surname with an honorific such as 王女士), phone numbers and any
long run of digits (identity card, account numbers), and house numbers (楼号、单元、门牌号、室). The
street, community and the problem itself stay: that is what makes a typical case useful. A person
still reads and edits the result before it is published; this is the first pass, not the last word.
"""

from __future__ import annotations

import re

MASK = "××"
_HONORIFICS = "先生|女士|小姐|师傅|阿姨|大爷|大妈|老人|同志"
# Phones (with or without separators), identity cards and other account-like numbers.
_LONG_NUMBER = re.compile(
    r"(?<![0-9])(?:(?:\+?86[- ]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
    r"|(?:0[0-9]{2,3}[- ]?)?[0-9]{7,}[0-9Xx]?)(?![0-9])"
)
_DIGITS = r"[0-9０-９]+(?:[-－][0-9０-９]+)*"
_CN_DIGITS = r"[零〇一二三四五六七八九十百千两]+"
# 115号楼, 3单元, 502室, 12栋, 门源路35号, 1-2-301 (not 3月5号, a date); Chinese numerals only before the
# unambiguous units.
_HOUSE = re.compile(
    rf"(?<![0-9０-９月])(?:{_DIGITS})(?=号楼|号院|号|栋|幢|单元|室|户|楼)"
    rf"|(?:{_CN_DIGITS})(?=号楼|号院|栋|幢|单元)"
    r"|(?<![0-9])[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,4}(?![0-9])"
)


def anonymise(text: str, *, name: str | None = None, phone: str | None = None) -> str:
    """The text without the citizen's name, phone numbers and house numbers."""
    if phone:
        text = text.replace(phone, MASK)
    text = _LONG_NUMBER.sub(MASK, text)
    if name and name.strip():
        name = name.strip()
        text = text.replace(name, MASK)
        text = re.sub(rf"{re.escape(name[0])}(?:{_HONORIFICS})", MASK, text)
    text = _HOUSE.sub(MASK, text)
    return text
