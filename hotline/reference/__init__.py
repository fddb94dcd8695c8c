"""Reference data for Xining (districts, streets, departments, categories, dispatch catalogue).

The data lives in a versioned JSON file beside this module and is loaded idempotently: loading the same
file twice changes nothing, loading a newer version updates rows in place.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from hotline.db import upsert
from hotline.enums import DepartmentKind, DispatchMode, Level
from hotline.models import Category, Department, DispatchRule, District, ReferenceDataVersion, Street

XINING = Path(__file__).with_name("xining.json")
TERRITORIAL_PLACEHOLDERS = ("@street", "@district")


class StreetData(BaseModel):
    code: str
    name: str
    kind: str


class DistrictData(BaseModel):
    code: str
    name: str
    kind: str
    streets: list[StreetData]


class DepartmentData(BaseModel):
    code: str
    name: str
    kind: DepartmentKind
    level: Level
    district: str | None = None
    street: str | None = None
    active: bool = True


class SubcategoryData(BaseModel):
    code: str
    name: str
    sector_department: str | None = None
    default_tier: int | None = None


class CategoryData(BaseModel):
    code: str
    name: str
    children: list[SubcategoryData]


class RuleData(BaseModel):
    category: str
    district: str | None = None
    street: str | None = None
    mode: DispatchMode
    lead: str
    assisting: list[str] = Field(default_factory=list)
    team: str | None = None


class ReferenceData(BaseModel):
    version: str
    districts: list[DistrictData]
    departments: list[DepartmentData]
    categories: list[CategoryData]
    dispatch_catalogue: list[RuleData]


def read(path: Path = XINING) -> ReferenceData:
    return ReferenceData.model_validate(json.loads(path.read_text(encoding="utf-8")))


async def load(
    session: AsyncSession, data: ReferenceData, name: str = "xining", *, same_version_too: bool = False
) -> bool:
    """Upsert the reference data in one transaction. Returns False when this version is already loaded,
    unless `same_version_too` (an import of edited data that kept its version)."""
    current = await session.get(ReferenceDataVersion, name)
    if current is not None and current.version == data.version and not same_version_too:
        return False
    await _upsert_places(session, data)
    await _upsert_departments(session, data)
    await _upsert_categories(session, data)
    await _replace_catalogue(session, data)
    await session.execute(
        upsert(
            session,
            ReferenceDataVersion,
            {"name": name, "version": data.version, "loaded_at": datetime.now(UTC)},
            keys=["name"],
            update=["version", "loaded_at"],
        )
    )
    await session.commit()
    return True


async def _upsert_rows(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        update = [column for column in row if column != "code"]
        await session.execute(upsert(session, table, row, keys=["code"], update=update))


async def _upsert_places(session: AsyncSession, data: ReferenceData) -> None:
    await _upsert_rows(
        session,
        District,
        [
            {"code": d.code, "name": d.name, "kind": d.kind, "sort_order": i}
            for i, d in enumerate(data.districts)
        ],
    )
    await _upsert_rows(
        session,
        Street,
        [
            {"code": s.code, "district_code": d.code, "name": s.name, "kind": s.kind, "sort_order": i}
            for d in data.districts
            for i, s in enumerate(d.streets)
        ],
    )


async def _upsert_departments(session: AsyncSession, data: ReferenceData) -> None:
    await _upsert_rows(
        session,
        Department,
        [
            {
                "code": d.code,
                "name": d.name,
                "kind": d.kind.value,
                "level": d.level.value,
                "district_code": d.district,
                "street_code": d.street,
                "active": d.active,
            }
            for d in data.departments
        ],
    )


async def _upsert_categories(session: AsyncSession, data: ReferenceData) -> None:
    parents = [
        {
            "code": c.code,
            "name": c.name,
            "parent_code": None,
            "sector_department_code": None,
            "default_tier": None,
            "sort_order": i,
        }
        for i, c in enumerate(data.categories)
    ]
    children = [
        {
            "code": s.code,
            "name": s.name,
            "parent_code": c.code,
            "sector_department_code": s.sector_department,
            "default_tier": s.default_tier,
            "sort_order": i,
        }
        for c in data.categories
        for i, s in enumerate(c.children)
    ]
    await _upsert_rows(session, Category, parents)
    await _upsert_rows(session, Category, children)


async def _replace_catalogue(session: AsyncSession, data: ReferenceData) -> None:
    """The file is the catalogue's source of truth: a new version replaces the rules it ships."""
    await session.execute(delete(DispatchRule))
    session.add_all(
        DispatchRule(
            category_code=r.category,
            district_code=r.district,
            street_code=r.street,
            mode=r.mode.value,
            lead=r.lead,
            assisting=list(r.assisting),
            team=r.team,
        )
        for r in data.dispatch_catalogue
    )
    await session.flush()


async def loaded_version(session: AsyncSession, name: str = "xining") -> str | None:
    row = (
        await session.execute(select(ReferenceDataVersion.version).where(ReferenceDataVersion.name == name))
    ).scalar_one_or_none()
    return row
