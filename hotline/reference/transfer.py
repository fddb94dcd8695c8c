"""Reference data out of and into a read model, in the shape of xining.json.

An export is what the read model holds now, admins' edits included. An import is checked whole before
anything is written (the shape, then every code it refers to), then loaded in one transaction by
`reference.load`; importing what is already there changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline import directory, reference
from hotline.enums import DispatchMode
from hotline.errors import Invalid
from hotline.models import Category, DispatchRule
from hotline.reference import (
    CategoryData,
    DepartmentData,
    DistrictData,
    ReferenceData,
    RuleData,
    SubcategoryData,
)

UNVERSIONED = "unversioned"
TIERS = (1, 3, 7, 11)


async def export(session: AsyncSession) -> ReferenceData:
    return ReferenceData(
        version=await reference.loaded_version(session) or UNVERSIONED,
        districts=await _districts(session),
        departments=await _departments(session),
        categories=await _categories(session),
        dispatch_catalogue=await _rules(session),
    )


def to_json(data: ReferenceData) -> str:
    return json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def parse(path: Path) -> ReferenceData:
    """The file as reference data, or `Invalid` naming every problem (where, and what is wrong)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid("reference_unreadable", f"{path}: not a readable JSON file ({error}).") from error
    try:
        data = ReferenceData.model_validate(raw)
    except ValidationError as error:
        found = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise Invalid("reference_shape", f"{path}: " + "; ".join(found), {"problems": found}) from error
    found = problems(data)
    if found:
        raise Invalid("reference_inconsistent", f"{path}: " + "; ".join(found), {"problems": found})
    return data


def problems(data: ReferenceData) -> list[str]:
    """Every code that is defined twice or refers to nothing in the same file."""
    streets = {s.code: d.code for d in data.districts for s in d.streets}
    districts = {d.code for d in data.districts}
    departments = {d.code for d in data.departments}
    subcategories = {s.code for c in data.categories for s in c.children}
    found = [
        *_duplicates("district", (d.code for d in data.districts)),
        *_duplicates("street", (s.code for d in data.districts for s in d.streets)),
        *_duplicates("department", (d.code for d in data.departments)),
        *_duplicates(
            "category",
            [c.code for c in data.categories] + [s.code for c in data.categories for s in c.children],
        ),
    ]
    for d in data.departments:
        found += _place_problems(f"department {d.code}", d.district, d.street, districts, streets)
    for c in data.categories:
        for s in c.children:
            if s.sector_department and s.sector_department not in departments:
                found.append(f"category {s.code}: unknown sector department {s.sector_department!r}")
            if s.default_tier is not None and s.default_tier not in TIERS:
                found.append(f"category {s.code}: default tier {s.default_tier} is not one of {TIERS}")
    for i, r in enumerate(data.dispatch_catalogue):
        where = f"dispatch_catalogue.{i} ({r.category})"
        if r.category not in subcategories:
            found.append(f"{where}: unknown category {r.category!r}")
        found += _place_problems(where, r.district, r.street, districts, streets)
        for code in (r.lead, *r.assisting):
            if code not in departments and code not in reference.TERRITORIAL_PLACEHOLDERS:
                found.append(f"{where}: unknown department {code!r}")
    found += _duplicates(
        "dispatch rule", (f"{r.category}@{r.district}/{r.street}" for r in data.dispatch_catalogue)
    )
    return found


async def import_(session: AsyncSession, data: ReferenceData) -> bool:
    """Load checked data; False when the read model already holds exactly this."""
    if _same(await export(session), data):
        return False
    return await reference.load(session, data, same_version_too=True)


def _same(a: ReferenceData, b: ReferenceData) -> bool:
    # Places and categories keep their order (it is the pickers' order); departments and rules have none.
    def normal(d: ReferenceData) -> tuple[object, ...]:
        places_and_categories = d.model_dump(include={"version", "districts", "categories"})
        departments = sorted(x.model_dump_json() for x in d.departments)
        rules = sorted(r.model_dump_json() for r in d.dispatch_catalogue)
        return places_and_categories, departments, rules

    return normal(a) == normal(b)


def _duplicates(what: str, codes: Iterable[str]) -> list[str]:
    return [f"{what} {code!r} appears {n} times" for code, n in Counter(codes).items() if n > 1]


def _place_problems(
    where: str, district: str | None, street: str | None, districts: set[str], streets: dict[str, str]
) -> list[str]:
    if district is not None and district not in districts:
        return [f"{where}: unknown district {district!r}"]
    if street is not None and street not in streets:
        return [f"{where}: unknown street {street!r}"]
    if street is not None and district is not None and streets[street] != district:
        return [f"{where}: street {street!r} is not in district {district!r}"]
    return []


async def _districts(session: AsyncSession) -> list[DistrictData]:
    # The directory's readers; their API models have the reference file's fields.
    return [DistrictData(**d.model_dump()) for d in await directory.places(session=session)]


async def _departments(session: AsyncSession) -> list[DepartmentData]:
    return [DepartmentData(**d.model_dump()) for d in await directory.departments(session=session)]


async def _categories(session: AsyncSession) -> list[CategoryData]:
    rows = (
        await session.execute(select(Category).order_by(col(Category.sort_order), col(Category.code)))
    ).scalars()
    every = list(rows)
    return [
        CategoryData(
            code=top.code,
            name=top.name,
            children=[
                SubcategoryData(
                    code=c.code,
                    name=c.name,
                    sector_department=c.sector_department_code,
                    default_tier=c.default_tier,
                )
                for c in every
                if c.parent_code == top.code
            ],
        )
        for top in every
        if top.parent_code is None
    ]


async def _rules(session: AsyncSession) -> list[RuleData]:
    rows = (await session.execute(select(DispatchRule).order_by(col(DispatchRule.id)))).scalars()
    return [
        RuleData(
            category=r.category_code,
            district=r.district_code,
            street=r.street_code,
            mode=DispatchMode(r.mode),
            lead=r.lead,
            assisting=list(r.assisting),
            team=r.team,
        )
        for r in rows
    ]
