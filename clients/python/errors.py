"""What the SDK raises.

    HubClientError             any failure; ``code`` says which
    +-- HubAPIError            the hub answered with a GraphQL error
    +-- HubUnavailable         no answer: connection refused, timed out, 5xx

``code`` is the hub's ``extensions.code`` (``NOT_FOUND``, ``CONFLICT``, ...)
so callers branch on a stable string rather than on a message.
"""

from __future__ import annotations

from typing import Any


class HubClientError(Exception):
    """Raised for every failure of a hub call; ``code`` names the kind."""

    def __init__(
        self, message: str, *, code: str, extensions: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extensions = extensions or {}

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


class HubAPIError(HubClientError):
    """Raised when the hub refused an operation; carries every error it sent."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first: dict[str, Any] = errors[0] if errors else {"message": "unknown error"}
        extensions = dict(first.get("extensions") or {})
        code = str(extensions.get("code") or "INTERNAL_SERVER_ERROR")
        super().__init__(str(first.get("message", "")), code=code, extensions=extensions)
        self.errors = errors


class HubUnavailable(HubClientError):
    """Raised when the hub cannot be reached or failed without a GraphQL answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="UNAVAILABLE")
