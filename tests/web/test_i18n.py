"""The translation catalogue: every string on the pages has its Chinese, and nothing stale is kept."""

import re

from babel.messages.pofile import read_po

from web import i18n

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_extracted_string_has_a_chinese_translation() -> None:
    known = i18n.read_catalogue("zh_CN")
    missing = {msgid: places for msgid, places in i18n.extracted_messages().items() if msgid not in known}
    assert not missing, f"untranslated (run `python -m web.i18n missing`): {missing}"


def test_the_catalogue_keeps_no_string_the_pages_no_longer_use() -> None:
    used = i18n.extracted_messages()
    stale = [m.id for m in i18n.read_catalogue("zh_CN") if m.id and m.id not in used]
    assert not stale, f"stale catalogue entries: {stale}"


def test_a_string_is_translated_the_same_way_in_every_area_file() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in i18n.catalogue_files("zh_CN"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_CN"):
                if not message.id:
                    continue
                earlier = seen.setdefault(message.id, (path.name, message.string))
                if earlier[1] != message.string:
                    clashes.append((message.id, earlier, (path.name, message.string)))
    assert not clashes


def test_placeholders_survive_translation() -> None:
    broken = [
        m.id
        for m in i18n.read_catalogue("zh_CN")
        if m.id and set(PLACEHOLDER.findall(str(m.id))) != set(PLACEHOLDER.findall(str(m.string)))
    ]
    assert not broken
