"""The dispatcher's console (话务/转办): the work queues at a glance and each queue page by page.

The intake form and the dispatcher's actions on a case page live in their own modules and are
included into this router, so the site installs one router for the area.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from hotline import cases, directory
from hotline.auth import Principal
from hotline.case_filters import Queue
from hotline.enums import Role
from hotline.errors import NotFound
from web.i18n import N_
from web.render import page_allow, render
from web.routes import dispatcher_actions, dispatcher_intake

router = APIRouter(include_in_schema=False)
router.include_router(dispatcher_intake.router)
router.include_router(dispatcher_actions.router)

Dispatcher = Annotated[Principal, page_allow(Role.DISPATCHER)]

# The dispatcher's queues in the order a shift works them, with what each one holds.
QUEUES = {
    Queue.NEW: (N_("New"), N_("Registered, not dispatched yet.")),
    Queue.RETURNED: (N_("Returned"), N_("A department returned its task; rule on the return.")),
    Queue.REVIEW: (N_("Awaiting review"), N_("Every department has replied; review the replies.")),
    Queue.OVERDUE: (N_("Overdue"), N_("Past the handling deadline.")),
    Queue.EXTENSIONS: (N_("Extension requests"), N_("A department asks for more time.")),
    Queue.DEFERRED: (N_("Deferred"), N_("Deferred until a target date; the clock is stopped.")),
}
PREVIEW = 5


@router.get("/console", response_class=HTMLResponse)
async def console(request: Request, user: Dispatcher, session: SessionDep) -> HTMLResponse:
    listings = {
        name: await cases.queue(session=session, principal=user, name=name, page_size=PREVIEW)
        for name in QUEUES
    }
    return render(
        request,
        "dispatcher/console.html",
        queues=QUEUES,
        listings=listings,
        names=await directory.names(session=session),
    )


@router.get("/console/queues/{name}", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    name: str,
    user: Dispatcher,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    queue = next((q for q in QUEUES if q.value == name), None)
    if queue is None:
        raise NotFound("not_found", f"No work queue {name!r}.")
    listing = await cases.queue(session=session, principal=user, name=queue, page=page)
    return render(
        request,
        "dispatcher/queue.html",
        queue=queue,
        title=QUEUES[queue][0],
        description=QUEUES[queue][1],
        queues=QUEUES,
        listing=listing,
        names=await directory.names(session=session),
    )
