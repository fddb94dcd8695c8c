"""Open311 GeoReport v2 under /open311/v2, every endpoint in .json and .xml.

Open311 clients expect errors as `[{code, description}]` with 400, 403 or 404, never the API's
`{code, message, details}`: the routes' own class renders every refusal before the app's handlers see it.
Reads are public, as Open311 allows; filing a request needs the api_key of an open311 token.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from api.deps import IdempotencyKey, IntakeConfigDep, SessionDep, TemporalDep
from hotline import open311, open311_xml
from hotline.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from hotline.open311_xml import Document, to_xml

Format = Literal["json", "xml"]
XML_MEDIA_TYPE = "text/xml; charset=utf-8"
# Open311 knows three refusals: a bad parameter, a bad api_key, and nothing there.
_OPEN311_STATUS = ((Invalid, 400), (Conflict, 400), (Unauthorized, 403), (Forbidden, 403), (NotFound, 404))


def respond(document: Document, response_format: Format, status_code: int = 200) -> Response:
    if response_format == "xml":
        return Response(to_xml(document), status_code=status_code, media_type=XML_MEDIA_TYPE)
    return JSONResponse(document.body, status_code=status_code)


def _error(request: Request, status_code: int, description: str) -> Response:
    # Before the suffix is known to be good, the path's own ending is the best guess at what is wanted.
    response_format: Format = "xml" if request.url.path.endswith(".xml") else "json"
    errors = Document("errors", [{"code": status_code, "description": description}])
    return respond(errors, response_format, status_code)


def _status_of(error: DomainError) -> int:
    return next((status for kind, status in _OPEN311_STATUS if isinstance(error, kind)), error.status_code)


def _described(error: RequestValidationError) -> str:
    problem = error.errors()[0]
    return f"{problem['loc'][-1]}: {problem['msg']}." if problem["loc"] else f"{problem['msg']}."


def _refuse_nul(request: Request) -> None:
    """PostgreSQL refuses NUL in text: a parameter with one would otherwise end in a server error."""
    values = [*request.path_params.values(), *(v for _, v in request.query_params.multi_items())]
    if any("\x00" in str(value) for value in values):
        raise Invalid("control_character", "A parameter contains a NUL character.")


class Open311Route(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_open311_terms(request: Request) -> Response:
            try:
                _refuse_nul(request)
                return await handle(request)
            except DomainError as error:
                return _error(request, _status_of(error), error.message)
            except RequestValidationError as error:
                return _error(request, 400, _described(error))
            except HTTPException as error:  # a body that cannot be read as a form
                return _error(request, 404 if error.status_code == 404 else 400, str(error.detail))

        return handle_in_open311_terms


class Open311Error(BaseModel):
    code: int
    description: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": list[Open311Error], "description": "A bad or missing parameter"},
    403: {"model": list[Open311Error], "description": "A missing or refused api_key"},
    404: {"model": list[Open311Error], "description": "No such service, request, token or format"},
}
router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route, responses=_ERRORS)


async def _format(
    # Not a Literal: an unknown format is Open311's 404, not a validation error.
    suffix: Annotated[str, Path(description="json or xml", json_schema_extra={"enum": ["json", "xml"]})],
) -> Format:
    if suffix not in ("json", "xml"):
        raise NotFound("unknown_format", f"No format {suffix!r}; use .json or .xml.")
    return cast(Format, suffix)


ResponseFormat = Annotated[Format, Depends(_format)]
OptionalForm = Annotated[str | None, Form()]


async def _request_form(
    request: Request,
    service_code: OptionalForm = None,
    description: OptionalForm = None,
    lat: Annotated[float | None, Form()] = None,
    long: Annotated[float | None, Form()] = None,
    address_string: OptionalForm = None,
    email: OptionalForm = None,
    device_id: OptionalForm = None,
    account_id: OptionalForm = None,
    first_name: OptionalForm = None,
    last_name: OptionalForm = None,
    phone: OptionalForm = None,
    media_url: OptionalForm = None,
) -> open311.RequestForm:
    """The form's fields, and its `attribute[<code>]` fields, which no declared parameter can name."""
    attributes = {
        name.removeprefix("attribute[").removesuffix("]"): value
        for name, value in (await request.form()).multi_items()
        if name.startswith("attribute[") and name.endswith("]") and isinstance(value, str)
    }
    return open311.RequestForm(
        service_code=service_code,
        description=description,
        lat=lat,
        long=long,
        address_string=address_string,
        email=email,
        device_id=device_id,
        account_id=account_id,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        media_url=media_url,
        attributes=attributes,
    )


@router.get("/discovery.{suffix}")
async def discovery(request: Request, response_format: ResponseFormat) -> Response:
    return respond(open311_xml.discovery(base_url=str(request.base_url).rstrip("/")), response_format)


@router.get("/services.{suffix}")
async def list_services(response_format: ResponseFormat, session: SessionDep) -> Response:
    return respond(await open311.services(session=session), response_format)


@router.get("/services/{service_code}.{suffix}")
async def service_definition(
    service_code: str, response_format: ResponseFormat, session: SessionDep
) -> Response:
    return respond(
        await open311.service_definition(session=session, service_code=service_code), response_format
    )


@router.get("/requests.{suffix}")
async def list_requests(
    response_format: ResponseFormat,
    session: SessionDep,
    config: IntakeConfigDep,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> Response:
    request_filter = open311.RequestFilter(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    return respond(
        await open311.requests(session=session, request_filter=request_filter, zone=config.zone),
        response_format,
    )


@router.post("/requests.{suffix}", status_code=201)
async def create_request(
    response_format: ResponseFormat,
    form: Annotated[open311.RequestForm, Depends(_request_form)],
    session: SessionDep,
    client: TemporalDep,
    config: IntakeConfigDep,
    api_key: OptionalForm = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    principal = await open311.authenticate(session=session, api_key=api_key)
    document = await open311.file_request(
        session=session,
        client=client,
        config=config,
        principal=principal,
        form=form,
        idempotency_key=idempotency_key,
    )
    return respond(document, response_format, status_code=201)


@router.get("/requests/{service_request_id}.{suffix}")
async def get_request(
    service_request_id: str, response_format: ResponseFormat, session: SessionDep, config: IntakeConfigDep
) -> Response:
    document = await open311.request(session=session, service_request_id=service_request_id, zone=config.zone)
    return respond(document, response_format)


@router.get("/tokens/{token}.{suffix}")
async def get_token(token: str, response_format: ResponseFormat, session: SessionDep) -> Response:
    return respond(await open311.token(session=session, token=token), response_format)


@router.get("/servicerequestupdates.{suffix}")
async def list_updates(
    response_format: ResponseFormat,
    session: SessionDep,
    config: IntakeConfigDep,
    start_date: str | None = None,
    end_date: str | None = None,
) -> Response:
    document = await open311.updates(
        session=session, start_date=start_date, end_date=end_date, zone=config.zone
    )
    return respond(document, response_format)


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def unknown_endpoint(request: Request, path: str) -> Response:
    raise NotFound("unknown_endpoint", f"No Open311 endpoint {request.method} /{path}; see discovery.json.")
