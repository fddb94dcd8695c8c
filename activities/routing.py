"""Route proposals from the dispatch catalogue, for the workflow."""

from temporalio import activity

from activities import refusals_are_final
from hotline import routing
from hotline.contracts import Route, RouteRequest
from hotline.db import SessionFactory


class RoutingActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name="propose_route")
    @refusals_are_final
    async def propose_route(self, request: RouteRequest) -> Route:
        async with self._sessions() as session:
            return await routing.propose_route(session=session, request=request)
