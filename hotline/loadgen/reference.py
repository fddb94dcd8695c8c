"""The reference data the mix draws from, as the directory service serves it (`GET /places`, …)."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.directory import CategoryOut, DepartmentIn, DistrictOut
from hotline.loadgen.portal import Portal


@dataclass(frozen=True)
class Reference:
    districts: list[DistrictOut]
    categories: list[CategoryOut]  # the leaves: categories a case can be filed under
    departments: dict[str, DepartmentIn]

    @classmethod
    def build(
        cls, *, places: list[DistrictOut], categories: list[CategoryOut], departments: list[DepartmentIn]
    ) -> Reference:
        return cls(
            districts=list(places),
            categories=[c for c in categories if c.parent is not None and c.sector_department],
            departments={d.code: d for d in departments},
        )

    def category(self, code: str) -> CategoryOut:
        return next(c for c in self.categories if c.code == code)


async def fetch(portal: Portal) -> Reference:
    """Read through the API, as a form would: places, categories and departments."""
    places = (await portal.call("dispatcher", "GET", "/places")).json()
    categories = (await portal.call("dispatcher", "GET", "/categories")).json()
    departments = (await portal.call("dispatcher", "GET", "/departments")).json()
    return Reference.build(
        places=[DistrictOut.model_validate(p) for p in places],
        categories=[CategoryOut.model_validate(c) for c in categories],
        departments=[DepartmentIn.model_validate(d) for d in departments],
    )
