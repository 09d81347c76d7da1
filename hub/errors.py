"""The hub's domain errors.

Every error a caller can act on derives from :class:`HubError` and carries a
stable ``code``; the GraphQL edge copies it to ``extensions.code`` and the HTTP
edge picks a status from it. Anything that is not a ``HubError`` is a bug and is
masked for clients.

    HubError
    +-- NotFound              NOT_FOUND
    +-- BadInput              BAD_USER_INPUT
    +-- InvalidTransition     INVALID_TRANSITION
    +-- Conflict              CONFLICT
    +-- Forbidden             FORBIDDEN
    +-- Unauthenticated       UNAUTHENTICATED
    +-- RateLimited           RATE_LIMITED
"""

from __future__ import annotations

from typing import Any, ClassVar


class HubError(Exception):
    """Raised for a request the hub refuses for a reason the caller can fix."""

    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(HubError):
    """Raised when an id or key names nothing that exists."""

    code = "NOT_FOUND"
    http_status = 404


class BadInput(HubError):
    """Raised when an argument is malformed or breaks a documented limit."""

    code = "BAD_USER_INPUT"
    http_status = 400


class InvalidTransition(HubError):
    """Raised when a lifecycle does not allow the requested step."""

    code = "INVALID_TRANSITION"
    http_status = 409


class Conflict(HubError):
    """Raised when a write lost a race: a stale version or a duplicate key."""

    code = "CONFLICT"
    http_status = 409


class Forbidden(HubError):
    """Raised when the caller is known but lacks the role or scope."""

    code = "FORBIDDEN"
    http_status = 403


class Unauthenticated(HubError):
    """Raised when a request carries no valid credential."""

    code = "UNAUTHENTICATED"
    http_status = 401


class RateLimited(HubError):
    """Raised when a caller exceeds its rate; ``retry_after`` is in seconds."""

    code = "RATE_LIMITED"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after
