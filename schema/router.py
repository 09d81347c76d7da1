"""The GraphQL endpoint: HTTP, GraphiQL, and both websocket protocols."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import HTTPConnection
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from hub.core import Hub
from hub.errors import HubError
from schema.app_schema import build_schema
from schema.context import Context, request_id_from
from schema.credentials import authenticate
from schema.http import ENVELOPE_DEPTH, HubGraphQLRouter
from schema.ws import grouped_handler
from schema.ws_auth import LegacyWSHandler


def graphql_router(hub: Hub, *, init_timeout: timedelta) -> GraphQLRouter[Context, None]:
    async def context(connection: HTTPConnection) -> Context:
        request_id = request_id_from(connection.headers.get("x-request-id"))
        if connection.scope["type"] == "websocket":
            # Websockets authenticate in connection_init (see on_ws_connect).
            return Context(hub, None, request_id)
        try:
            principal = await authenticate(hub, connection.scope)
        except HubError as exc:
            return Context(hub, None, request_id, auth_error=exc.message)
        return Context(hub, principal, request_id)

    router = HubGraphQLRouter(
        build_schema(hub.settings),
        context_getter=context,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        connection_init_wait_timeout=init_timeout,
        graphql_ide="graphiql",
    )
    router.graphql_ws_handler_class = LegacyWSHandler
    router.max_json_depth = hub.settings.max_json_depth + ENVELOPE_DEPTH
    # Grouped fan-out, resume, backpressure and drain over graphql-transport-ws.
    router.graphql_transport_ws_handler_class = grouped_handler(
        hub,
        send_buffer=hub.settings.ws_send_buffer,
        ping_interval=hub.settings.ws_ping_interval,
        ping_timeout=hub.settings.ws_ping_timeout,
        drain_timeout=hub.settings.ws_drain_timeout,
    )
    return router
