"""Everything that touches the world on a case's behalf: the read model, the catalogue, the clock.

Activities are classes with injected dependencies, registered as bound methods, idempotent by key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError

from hotline.errors import DomainError

P = ParamSpec("P")
T = TypeVar("T")


def refusals_are_final(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A business refusal will not change on retry: report it to the workflow as non-retryable."""

    @wraps(function)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await function(*args, **kwargs)
        except DomainError as error:
            raise ApplicationError(
                error.message, error.details, type=error.code, non_retryable=True
            ) from None

    return wrapper
