"""The shape of a websocket message, checked before either protocol reads it.

Strawberry's handlers index into a message as if it were the object the
protocol describes; a JSON array, a null payload or a numeric query would
raise inside them, dropping the socket with no close code or leaving the
subscription silently unstarted. Both protocols ask here first, and close
with 4400 naming what is wrong.
"""

from __future__ import annotations

from typing import Any

BAD_MESSAGE = 4400

# Where each protocol puts an operation: graphql-transport-ws's ``subscribe``,
# the legacy graphql-ws's ``start``.
OPERATION_TYPES = frozenset({"subscribe", "start"})

_OPTIONAL_OBJECTS = ("variables", "extensions")


def message_problem(message: Any) -> str | None:
    """What is wrong with ``message``, or ``None`` when its shape is sound."""
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str):
        return "a message needs a string 'type'"
    if "id" in message and not isinstance(message["id"], str):
        return "a message 'id' must be a string"
    if kind in OPERATION_TYPES:
        return _operation_problem(message)
    return None


def _operation_problem(message: dict[str, Any]) -> str | None:
    if not isinstance(message.get("id"), str):
        return f"a '{message['type']}' message needs a string 'id'"
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "an operation's 'payload' must be an object"
    if not isinstance(payload.get("query"), str):
        return "an operation's 'payload.query' must be a string"
    for key in _OPTIONAL_OBJECTS:
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            return f"an operation's 'payload.{key}' must be an object or null"
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        return "an operation's 'payload.operationName' must be a string or null"
    return None
