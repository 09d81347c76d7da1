"""The GraphQL endpoint: HTTP, GraphiQL, and both websocket protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
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

ContextGetter = Callable[[HTTPConnection], Awaitable[Context]]


def graphql_router(hub: Hub, *, init_timeout: timedelta) -> GraphQLRouter[Context, None]:
    router = HubGraphQLRouter(
        build_schema(hub.settings),
        context_getter=_context_getter(hub),
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


def graphql_sockets(hub: Hub, router: GraphQLRouter[Context, None]) -> ASGIApp:
    """The GraphQL websocket endpoint as a bare ASGI app, for the app to call
    before any routing or middleware.

    Every frame between the server and the handler lives as long as the
    socket does; FastAPI's routing and middleware frames come to about 13 KB
    per idle subscriber, a third of what the hub costs per socket. A socket
    needs none of them: it authenticates in connection_init, and Strawberry
    itself picks the subprotocol and checks the origin.
    """
    context = _context_getter(hub)

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        found = await context(websocket)
        found.request = websocket
        await router.run(websocket, context=found, root_value=None)

    return serve


def _context_getter(hub: Hub) -> ContextGetter:
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

    return context
