"""`hotline reference export|import`: round trips, and a bad file changes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hotline import bootstrap
from hotline.settings import Settings
from tests.cli.conftest import Invoke
from tests.conftest import fresh_database


@pytest.fixture
async def empty_read_model(cli_settings: Settings, tmp_path: Path) -> AsyncIterator[Settings]:
    """A migrated read model with no reference data, on this run's backend."""
    kind = "sqlite" if cli_settings.is_sqlite else "postgresql"
    async with fresh_database(kind, tmp_path / "other") as url:
        (tmp_path / "other").mkdir(exist_ok=True)
        await bootstrap.migrate(url)
        yield cli_settings.model_copy(update={"database_url": url})


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


async def test_export_then_import_elsewhere_gives_the_same_reference_data(
    hotline: Invoke, empty_read_model: Settings, tmp_path: Path
) -> None:
    exported = await hotline("reference", "export", str(tmp_path / "a.json"))
    assert exported.exit_code == 0, exported.output
    original = _read(tmp_path / "a.json")
    assert {"version", "districts", "departments", "categories", "dispatch_catalogue"} <= set(original)
    assert any(r["lead"] == "@street" for r in original["dispatch_catalogue"])

    imported = await hotline("reference", "import", str(tmp_path / "a.json"), settings=empty_read_model)
    assert imported.exit_code == 0, imported.output
    assert "imported" in imported.stdout
    again = await hotline("reference", "import", str(tmp_path / "a.json"), settings=empty_read_model)
    assert again.exit_code == 0 and "nothing changed" in again.stdout

    await hotline("reference", "export", str(tmp_path / "b.json"), settings=empty_read_model)
    assert _read(tmp_path / "b.json") == original


async def test_an_edited_file_updates_the_read_model(
    hotline: Invoke, empty_read_model: Settings, tmp_path: Path
) -> None:
    await hotline("reference", "export", str(tmp_path / "a.json"))
    data = _read(tmp_path / "a.json")
    data["departments"][0]["name"] = "改过的名字"
    data["dispatch_catalogue"] = data["dispatch_catalogue"][:3]
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert (
        await hotline("reference", "import", str(tmp_path / "a.json"), settings=empty_read_model)
    ).exit_code == 0
    await hotline("reference", "export", str(tmp_path / "b.json"), settings=empty_read_model)
    after = _read(tmp_path / "b.json")
    assert after["departments"] == data["departments"] and len(after["dispatch_catalogue"]) == 3


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (
            lambda d: d["dispatch_catalogue"][0].update(lead="city.nowhere"),
            "unknown department 'city.nowhere'",
        ),
        (lambda d: d["departments"][0].update(district="atlantis"), "unknown district 'atlantis'"),
        (lambda d: d["departments"].append(dict(d["departments"][0])), "appears 2 times"),
        (lambda d: d["categories"][0]["children"][0].update(default_tier=5), "default tier 5"),
        (
            # Other tests add categories to the shared read model: the duplicated code is read from the file.
            lambda d: d["categories"][1]["children"].append(d["categories"][0]["children"][0]),
            lambda d: f"category '{d['categories'][0]['children'][0]['code']}' appears 2 times",
        ),
        (lambda d: d["districts"][0].pop("name"), "districts.0.name: Field required"),
    ],
)
async def test_a_bad_file_is_refused_whole_with_the_problem_named(
    hotline: Invoke, empty_read_model: Settings, tmp_path: Path, spoil: Any, named: str
) -> None:
    await hotline("reference", "export", str(tmp_path / "good.json"))
    good = await hotline("reference", "import", str(tmp_path / "good.json"), settings=empty_read_model)
    assert good.exit_code == 0
    data = _read(tmp_path / "good.json")
    data["districts"][1]["name"] = "would be renamed"  # a valid change that must not land either
    spoil(data)
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    refused = await hotline("reference", "import", str(tmp_path / "bad.json"), settings=empty_read_model)
    assert refused.exit_code == 1
    named = named(data) if callable(named) else named
    assert "nothing imported" in refused.stderr and named in refused.stderr

    await hotline("reference", "export", str(tmp_path / "after.json"), settings=empty_read_model)
    assert _read(tmp_path / "after.json") == _read(tmp_path / "good.json")


async def test_a_file_that_is_not_json_is_refused(
    hotline: Invoke, empty_read_model: Settings, tmp_path: Path
) -> None:
    (tmp_path / "notes.json").write_text("districts: chengdong", encoding="utf-8")
    refused = await hotline("reference", "import", str(tmp_path / "notes.json"), settings=empty_read_model)
    assert refused.exit_code == 1 and "not a readable JSON file" in refused.stderr
