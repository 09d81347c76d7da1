"""The GraphQL endpoint: HTTP, GraphiQL, and both websocket protocols."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import HTTPConnection
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from hub.core import Hub
from schema.app_schema import build_schema
from schema.context import Context, Principal


def graphql_router(hub: Hub, *, init_timeout: timedelta) -> GraphQLRouter[Context, None]:
    async def context(connection: HTTPConnection) -> Context:
        actor = connection.headers.get("x-hub-actor", "anonymous")[:64]
        return Context(hub, Principal(actor=actor))

    return GraphQLRouter(
        build_schema(),
        context_getter=context,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        connection_init_wait_timeout=init_timeout,
        graphql_ide="graphiql",
    )
