"""No request waits on the thread pool: FastAPI runs a plain `def` endpoint or dependency in a worker
thread, a hand-off there and back on every request that uses it (api/deps.py)."""

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from _api_routes(route.original_router.routes)


def _dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependency_calls(dependency)


def test_every_endpoint_and_dependency_is_async(app: FastAPI) -> None:
    routes = list(_api_routes(app.router.routes))
    calls = {call for route in routes for call in _dependency_calls(route.dependant)}
    calls |= {dependency.dependency for dependency in app.router.dependencies}
    calls |= {route.endpoint for route in routes}
    sync = sorted(
        f"{call.__module__}.{call.__qualname__}"
        for call in calls
        if not (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call))
    )
    assert len(routes) > 100 and len(calls) > 10
    assert sync == []
