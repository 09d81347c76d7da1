"""The one place where failures become GraphQL errors.

A :class:`HubError` keeps its message and gets its stable code in
``extensions.code``; a pydantic validation error is the caller's bad input;
anything else is a bug: its message is replaced for the client, and it is
logged with the request id that the client also receives.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from pydantic import ValidationError

from hub.errors import BadInput, HubError

log = logging.getLogger(__name__)

MASKED = "Internal server error"


def bad_input_from(exc: ValidationError) -> BadInput:
    """A pydantic error as a message naming each field and its rule."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "input"
        parts.append(f"{where}: {err['msg']}")
    return BadInput("; ".join(parts), fields=[".".join(map(str, e["loc"])) for e in exc.errors()])


def to_graphql_error(error: GraphQLError, request_id: str) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ValidationError):
        original = bad_input_from(original)
    if isinstance(original, HubError):
        extensions: dict[str, Any] = {"code": original.code, **_public(original.details)}
        return _copy(error, original.message, extensions)
    if original is None:
        # Parse and validation errors: already safe, worth a code of their own.
        code = error.extensions.get("code") if error.extensions else None
        return _copy(error, error.message, {**(error.extensions or {}),
                                            "code": code or "GRAPHQL_VALIDATION_FAILED"})
    log.error(
        "event=graphql.unexpected_error request_id=%s path=%s error=%r",
        request_id, error.path, original, exc_info=original,
    )
    return _copy(error, MASKED, {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})


def _public(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int | float | bool | list)}


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def map_errors(errors: list[GraphQLError], request_id: str) -> None:
    """Rewrite ``errors`` in place, so every transport sends the mapped ones."""
    errors[:] = [to_graphql_error(e, request_id) for e in errors]
