"""Websocket authentication: the token in ``connection_init``, on both protocols.

The payload carries ``{"Authorization": "Bearer <token>"}``; the key is read in
any case, as HTTP header names are, and the upgrade request's own
``Authorization`` header is the fallback. A connection without a valid token
is closed with 4403 on graphql-transport-ws and on the legacy graphql-ws
alike (the legacy handler would otherwise close with 1011, a server error).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSyntaxError
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionErrorMessage,
    ConnectionInitMessage,
    OperationMessage,
)

from hub.auth.models import Principal
from hub.auth.tokens import bearer_secret
from hub.errors import HubError
from schema.context import Context
from schema.credentials import ManyCredentials, authorization
from schema.ws import shape_of
from schema.ws_messages import BAD_MESSAGE, message_problem

FORBIDDEN = 4403


def init_authorization(params: Any) -> str | None:
    """The ``Authorization`` entry of a connection_init payload, in any case."""
    if not isinstance(params, dict):
        return None
    found = [v for k, v in params.items() if isinstance(k, str) and k.lower() == "authorization"]
    if len(found) > 1:
        raise ManyCredentials("send one Authorization entry in connection_init, not several")
    return found[0] if found and isinstance(found[0], str) else None


async def connection_principal(context: Context) -> Principal:
    """Who opened the connection; raises :class:`HubError` when nobody known did."""
    header = init_authorization(context.connection_params)
    if header is None and context.request is not None:
        header = authorization(context.request.scope)
    return await context.hub.tokens.authenticate(bearer_secret(header))


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws, refusing a connection without a valid token with 4403."""

    async def handle_message(self, message: OperationMessage) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self._close_on(message, problem)
            return
        refusal = _refusal(message)
        if refusal is not None:
            await self.websocket.send_json(refusal)
            return
        await super().handle_message(message)

    async def _close_on(self, message: Any, problem: str) -> None:
        # The legacy protocol's own error frame first, so a client that does
        # not read close reasons still learns what it sent wrong.
        error: dict[str, Any] = {"type": "error", "payload": {"message": problem}}
        op_id = message.get("id") if isinstance(message, dict) else None
        if isinstance(op_id, str):
            error["id"] = op_id
        await self.websocket.send_json(error)
        await self.websocket.close(code=BAD_MESSAGE, reason=problem)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        self.context.connection_params = message.get("payload")
        try:
            self.context.principal = await connection_principal(self.context)
        except HubError as exc:
            error: dict[str, object] = {"message": exc.message, "code": exc.code}
            await self.send_message(ConnectionErrorMessage(type="connection_error", payload=error))
            await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
            return
        await super().handle_connection_init(message)


def _refusal(message: OperationMessage) -> dict[str, Any] | None:
    """The error frame for a ``start`` that Strawberry's legacy handler
    would answer with an internal error (a query or mutation: it runs
    subscriptions only) or with nothing at all (a syntax error)."""
    if message["type"] != "start":
        return None
    payload = message["payload"]
    try:
        shape = shape_of(payload["query"], payload.get("operationName"))
    except GraphQLSyntaxError as exc:
        return _error_frame(message["id"], exc.message, "GRAPHQL_PARSE_FAILED")
    if shape is not None:
        return None
    text = (
        "graphql-ws runs subscriptions only; send queries and mutations over HTTP "
        "or graphql-transport-ws"
    )
    return _error_frame(message["id"], text, "BAD_USER_INPUT")


def _error_frame(op_id: str, text: str, code: str) -> dict[str, Any]:
    payload = {"message": text, "extensions": {"code": code}}
    return {"type": "error", "id": op_id, "payload": payload}
