"""Business refusals with a stable machine code and a message a person can act on.

The API turns them into `{code, message, details}` with the HTTP status each class names; activities
turn them into non-retryable ApplicationErrors whose type is the code.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


class Invalid(DomainError):
    status_code = 422


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Unavailable(DomainError):
    status_code = 503


class TooManyRequests(DomainError):
    status_code = 429
