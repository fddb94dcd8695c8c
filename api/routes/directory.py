"""Reference data for forms, and the dispatch catalogue's proposal for a category and place."""

from fastapi import APIRouter

from api.access import CaseReader, Dispatcher
from api.deps import SessionDep
from hotline import directory, routing
from hotline.contracts import Route, RouteRequest

router = APIRouter(prefix="/api/v1", tags=["reference data"])


@router.get("/places", response_model=list[directory.DistrictOut])
async def places(user: CaseReader, session: SessionDep) -> list[directory.DistrictOut]:
    """The districts and counties with their streets and towns."""
    return await directory.places(session=session)


@router.get("/categories", response_model=list[directory.CategoryOut])
async def categories(user: CaseReader, session: SessionDep) -> list[directory.CategoryOut]:
    """The two-level appeal taxonomy with each leaf's sector department and default tier."""
    return await directory.categories(session=session)


@router.get("/departments", response_model=list[directory.DepartmentIn])
async def departments(user: CaseReader, session: SessionDep) -> list[directory.DepartmentIn]:
    return await directory.departments(session=session)


@router.get("/routes/proposal", response_model=Route)
async def proposal(
    category: str, district: str, user: Dispatcher, session: SessionDep, street: str | None = None
) -> Route:
    """What the dispatch catalogue proposes; the dispatcher may take it or change it at intake."""
    request = RouteRequest(category=category, district=district, street=street)
    return await routing.propose_route(session=session, request=request)
