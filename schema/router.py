"""The GraphQL endpoint: HTTP, GraphiQL, and both websocket protocols."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from hub.core import Hub
from schema.app_schema import build_schema
from schema.context import Context, Principal
from schema.ws import grouped_handler


class HubGraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, with transport errors answered in JSON, as clients parse."""

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            return _json_error(exc.status_code, exc.reason)


def _json_error(status: int, reason: str) -> Response:
    body = {"errors": [{"message": reason, "extensions": {"code": "BAD_REQUEST"}}]}
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return JSONResponse(body, status_code=status, headers=headers)


def graphql_router(hub: Hub, *, init_timeout: timedelta) -> GraphQLRouter[Context, None]:
    async def context(connection: HTTPConnection) -> Context:
        actor = connection.headers.get("x-hub-actor", "anonymous")[:64]
        return Context(hub, Principal(actor=actor))

    router: GraphQLRouter[Context, None] = HubGraphQLRouter(
        build_schema(),
        context_getter=context,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        connection_init_wait_timeout=init_timeout,
        graphql_ide="graphiql",
    )
    # Grouped fan-out, resume, backpressure and drain over graphql-transport-ws.
    router.graphql_transport_ws_handler_class = grouped_handler(
        hub,
        send_buffer=hub.settings.ws_send_buffer,
        ping_interval=hub.settings.ws_ping_interval,
        ping_timeout=hub.settings.ws_ping_timeout,
        drain_timeout=hub.settings.ws_drain_timeout,
    )
    return router
