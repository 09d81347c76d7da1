"""The one place where failures become GraphQL errors.

A :class:`HubError` keeps its message and gets its stable code in
``extensions.code``; a pydantic validation error is the caller's bad input;
anything else is a bug: its message is replaced for the client, and it is
logged with the request id that the client also receives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError, VariableDefinitionNode
from pydantic import ValidationError
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

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
    if _bad_variable(error):
        return _copy(error, error.message, {"code": BadInput.code})
    if original is None:
        # Parse and validation errors: already safe, worth a code of their own.
        code = error.extensions.get("code") if error.extensions else None
        return _copy(
            error,
            error.message,
            {**(error.extensions or {}), "code": code or "GRAPHQL_VALIDATION_FAILED"},
        )
    log.error(
        "event=graphql.unexpected_error request_id=%s path=%s error=%r",
        request_id,
        error.path,
        original,
        exc_info=original,
    )
    return _copy(error, MASKED, {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})


def _bad_variable(error: GraphQLError) -> bool:
    # Variable values that do not coerce: the error points at the definition,
    # whatever the scalar raised on the way.
    return any(isinstance(n, VariableDefinitionNode) for n in error.nodes or ())


def code_of(error: GraphQLError) -> str:
    """The code a client will see for ``error``, before or after mapping."""
    original = error.original_error
    if isinstance(original, ValidationError) or _bad_variable(error):
        return BadInput.code
    if isinstance(original, HubError):
        return original.code
    if original is None:
        code = (error.extensions or {}).get("code")
        return str(code) if code else "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


def refuse(execution_context: ExecutionContext, errors: Sequence[GraphQLError]) -> None:
    """Answer with ``errors`` instead of running the operation at all.

    Called from an ``on_execute`` hook: a result set there is used as is and
    nothing is resolved. Subscriptions take no such shortcut, so the first
    error is raised instead and ends the subscription before it starts.
    """
    if execution_context.operation_type is OperationType.SUBSCRIPTION:
        first = errors[0].original_error
        raise first if first is not None else errors[0]
    # Strawberry maps errors only for results it produced itself.
    mapped = list(errors)
    map_errors(mapped, getattr(execution_context.context, "request_id", "-"))
    execution_context.result = PreExecutionError(data=None, errors=mapped)


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
