"""The directory: reference data for forms and the admin's changes to departments, the catalogue and users.

Reads are for every logged-in role (pickers on the intake form); changes are the admin's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hotline.auth import hash_password_off_loop
from hotline.enums import DepartmentKind, DispatchMode, Level, Role
from hotline.errors import Conflict, Invalid, NotFound
from hotline.models import Category, Department, DispatchRule, District, Street, User
from hotline.reference import TERRITORIAL_PLACEHOLDERS


class StreetOut(BaseModel):
    code: str
    name: str
    kind: str


class DistrictOut(BaseModel):
    code: str
    name: str
    kind: str
    streets: list[StreetOut]


class CategoryOut(BaseModel):
    code: str
    name: str
    parent: str | None
    sector_department: str | None
    default_tier: int | None


class CategoryIn(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)?$", examples=["water.meter"])
    name: str = Field(min_length=1, max_length=80, examples=["水表故障"])
    parent: str | None = Field(default=None, description="The top-level group; none for a group itself")
    sector_department: str | None = None
    default_tier: Literal[1, 3, 7, 11] | None = None


class DepartmentIn(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_.-]{2,80}$")
    name: str = Field(min_length=1, max_length=80)
    kind: DepartmentKind
    level: Level
    district: str | None = Field(default=None, min_length=1)
    street: str | None = Field(default=None, min_length=1)
    active: bool = True


class RuleIn(BaseModel):
    category: str
    district: str | None = None
    street: str | None = None
    mode: DispatchMode
    lead: str = Field(max_length=80, description="A department code, or @street / @district")
    assisting: list[str] = Field(default_factory=list, max_length=20)
    team: str | None = None


class RuleOut(RuleIn):
    id: int


class UserIn(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,64}$")
    display_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=256)
    role: Role
    department: str | None = None
    supervision_level: int | None = Field(default=None, ge=1, le=3)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    department: str | None
    supervision_level: int | None
    active: bool


async def places(*, session: AsyncSession) -> list[DistrictOut]:
    districts = (await session.execute(select(District).order_by(col(District.sort_order)))).scalars().all()
    streets = (await session.execute(select(Street).order_by(col(Street.sort_order)))).scalars().all()
    return [
        DistrictOut(
            code=d.code,
            name=d.name,
            kind=d.kind,
            streets=[
                StreetOut(code=s.code, name=s.name, kind=s.kind) for s in streets if s.district_code == d.code
            ],
        )
        for d in districts
    ]


class Names(BaseModel):
    """Codes to names, for lists that show many cases: read once per page, never per row."""

    places: dict[str, str]
    categories: dict[str, str]
    departments: dict[str, str]

    def place(self, district: str, street: str | None = None) -> str:
        parts = [self.places.get(district, district)]
        if street:
            parts.append(self.places.get(street, street))
        return " ".join(parts)


async def names(*, session: AsyncSession) -> Names:
    places = await session.execute(
        select(District.code, District.name).union_all(select(Street.code, Street.name))
    )
    categories = await session.execute(select(Category.code, Category.name))
    departments = await session.execute(select(Department.code, Department.name))
    return Names(
        places={code: name for code, name in places.all()},
        categories={code: name for code, name in categories.all()},
        departments={code: name for code, name in departments.all()},
    )


async def categories(*, session: AsyncSession) -> list[CategoryOut]:
    rows = (
        await session.execute(select(Category).order_by(col(Category.parent_code), col(Category.sort_order)))
    ).scalars()
    return [
        CategoryOut(
            code=c.code,
            name=c.name,
            parent=c.parent_code,
            sector_department=c.sector_department_code,
            default_tier=c.default_tier,
        )
        for c in rows
    ]


async def departments(*, session: AsyncSession) -> list[DepartmentIn]:
    rows = (await session.execute(select(Department).order_by(col(Department.code)))).scalars()
    return [
        DepartmentIn(
            code=d.code,
            name=d.name,
            kind=DepartmentKind(d.kind),
            level=Level(d.level),
            district=d.district_code,
            street=d.street_code,
            active=d.active,
        )
        for d in rows
    ]


async def save_category(*, session: AsyncSession, category: CategoryIn) -> CategoryOut:
    """Create or update a category; a leaf needs its group, a sector department and a default tier."""
    if category.parent is not None:
        parent = await session.get(Category, category.parent)
        if parent is None or parent.parent_code is not None:
            raise Invalid("unknown_group", f"No top-level category {category.parent!r}.", {"field": "parent"})
        if category.sector_department is None or category.default_tier is None:
            raise Invalid(
                "leaf_incomplete",
                "A leaf category needs a sector department and a default tier.",
                {"field": "parent"},
            )
    if category.sector_department and await session.get(Department, category.sector_department) is None:
        raise Invalid(
            "unknown_department",
            f"No department {category.sector_department!r}.",
            {"field": "sector_department"},
        )
    row = await session.get(Category, category.code)
    if row is None:
        row = Category(code=category.code, name=category.name)
    row.name, row.parent_code = category.name, category.parent
    row.sector_department_code, row.default_tier = category.sector_department, category.default_tier
    session.add(row)
    await session.commit()
    return CategoryOut(
        code=row.code,
        name=row.name,
        parent=row.parent_code,
        sector_department=row.sector_department_code,
        default_tier=row.default_tier,
    )


async def save_department(*, session: AsyncSession, department: DepartmentIn) -> DepartmentIn:
    if department.district is not None and await session.get(District, department.district) is None:
        raise Invalid("unknown_district", f"No district {department.district!r}.", {"field": "district"})
    if department.street is not None and await session.get(Street, department.street) is None:
        raise Invalid("unknown_street", f"No street {department.street!r}.", {"field": "street"})
    values: dict[str, Any] = {
        "name": department.name,
        "kind": department.kind.value,
        "level": department.level.value,
        "district_code": department.district,
        "street_code": department.street,
        "active": department.active,
    }
    row = await session.get(Department, department.code)
    if row is None:
        row = Department(code=department.code, **values)
    else:
        for field, value in values.items():
            setattr(row, field, value)
    session.add(row)
    await session.commit()
    return department


async def rules(*, session: AsyncSession, category: str | None) -> list[RuleOut]:
    query = select(DispatchRule).order_by(col(DispatchRule.category_code), col(DispatchRule.id))
    if category:
        query = query.where(DispatchRule.category_code == category)
    return [_rule_out(r) for r in (await session.execute(query)).scalars()]


async def _check_departments(session: AsyncSession, rule: RuleIn) -> None:
    """Every department the rule names exists (placeholders stand for the case's own office): one query."""
    named = [code for code in (rule.lead, *rule.assisting) if code not in TERRITORIAL_PLACEHOLDERS]
    existing = set(
        (await session.execute(select(Department.code).where(col(Department.code).in_(named)))).scalars()
    )
    for code in named:
        if code not in existing:
            field = "lead" if code == rule.lead else "assisting"
            raise Invalid("unknown_department", f"No department {code!r}.", {"field": field})


async def add_rule(*, session: AsyncSession, rule: RuleIn) -> RuleOut:
    category = await session.get(Category, rule.category)
    if category is None or category.parent_code is None:
        raise Invalid("unknown_category", f"No appeal category {rule.category!r}.", {"field": "category"})
    await _check_departments(session, rule)
    if await _same_place_rule(session, rule) is not None:
        raise Conflict("rule_exists", "A rule for this category and place exists; delete it first.")
    row = DispatchRule(
        category_code=rule.category,
        district_code=rule.district,
        street_code=rule.street,
        mode=rule.mode.value,
        lead=rule.lead,
        assisting=list(rule.assisting),
        team=rule.team,
    )
    session.add(row)
    try:
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise Conflict(
            "rule_exists", "A rule for this category and place exists; delete it first."
        ) from error
    return _rule_out(row)


async def _same_place_rule(session: AsyncSession, rule: RuleIn) -> DispatchRule | None:
    # NULL place columns never collide in a unique index, so the check is made here.
    query = select(DispatchRule).where(DispatchRule.category_code == rule.category)
    for column, value in (
        (DispatchRule.district_code, rule.district),
        (DispatchRule.street_code, rule.street),
    ):
        query = query.where(col(column).is_(None) if value is None else col(column) == value)
    return (await session.execute(query)).scalars().first()


async def delete_rule(*, session: AsyncSession, rule_id: int) -> None:
    row = await session.get(DispatchRule, rule_id)
    if row is None:
        raise NotFound("rule_not_found", f"No dispatch rule {rule_id}.")
    await session.delete(row)
    await session.commit()


def _rule_out(row: DispatchRule) -> RuleOut:
    assert row.id is not None
    return RuleOut(
        id=row.id,
        category=row.category_code,
        district=row.district_code,
        street=row.street_code,
        mode=DispatchMode(row.mode),
        lead=row.lead,
        assisting=list(row.assisting),
        team=row.team,
    )


async def users(*, session: AsyncSession) -> list[UserOut]:
    return [user_out(u) for u in (await session.execute(select(User).order_by(col(User.username)))).scalars()]


async def check_role(
    *, session: AsyncSession, role: Role, department: str | None, supervision_level: int | None
) -> None:
    """What a role needs, for a new account and a changed one."""
    if role == Role.DEPARTMENT and (not department or await session.get(Department, department) is None):
        raise Invalid(
            "department_required", "A department user needs an existing department.", {"field": "department"}
        )
    if role == Role.SUPERVISOR and supervision_level is None:
        raise Invalid(
            "level_required",
            "A supervisor needs a supervision level (1, 2 or 3).",
            {"field": "supervision_level"},
        )
    if role in (Role.CITIZEN, Role.INTEGRATION, Role.SYSTEM):
        raise Invalid("role_not_for_people", f"{role.value} is not a role for a person.", {"field": "role"})


async def create_user(*, session: AsyncSession, user: UserIn) -> UserOut:
    await check_role(
        session=session, role=user.role, department=user.department, supervision_level=user.supervision_level
    )
    row = User(
        username=user.username,
        display_name=user.display_name,
        password_hash=await hash_password_off_loop(user.password),
        role=user.role.value,
        department_code=user.department if user.role == Role.DEPARTMENT else None,
        supervision_level=user.supervision_level if user.role == Role.SUPERVISOR else None,
    )
    session.add(row)
    try:
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise Conflict(
            "username_taken", f"The username {user.username!r} is taken.", {"field": "username"}
        ) from error
    return user_out(row)


def user_out(row: User) -> UserOut:
    assert row.id is not None
    return UserOut(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        department=row.department_code,
        supervision_level=row.supervision_level,
        active=row.active,
    )
