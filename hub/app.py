"""The ASGI application: GraphQL, alert ingest and health on one FastAPI app.

This module is the composition root, so it is the one place in ``hub`` that
knows the GraphQL edge exists: it mounts the router that ``schema`` builds.
Domain packages never import ``schema``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.clock import Clock
from hub.core import Hub
from hub.errors import HubError
from hub.http import calendar, health, ingest, pagerduty
from hub.http.errors import hub_error_handler
from hub.settings import Settings

log = logging.getLogger(__name__)

Seeder = Callable[[Hub], Awaitable[Any]]

GRAPHQL_PATH = "/graphql"


class HubApp(FastAPI):
    """The hub's FastAPI app, which hands GraphQL websockets straight to their
    endpoint: a socket lives for hours, and every routing and middleware
    frame it passed through would live with it."""

    graphql_sockets: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sockets = self.graphql_sockets
        if scope["type"] == "websocket" and scope["path"] == GRAPHQL_PATH and sockets:
            scope["app"] = self
            await sockets(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    hub: Hub | None = None,
    clock: Clock | None = None,
    seed: Seeder | None = None,
) -> HubApp:
    from schema.cache import ResponseCache
    from schema.router import graphql_router, graphql_sockets  # the one edge import

    hub = hub or Hub(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        if seed is not None:
            await seed(hub)
        try:
            yield
        finally:
            await hub.stop()

    app = HubApp(title="incident-hub", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.hub = hub
    app.add_exception_handler(HubError, hub_error_handler)
    if settings.response_cache_seconds > 0:
        app.add_middleware(ResponseCache, hub=hub, max_age=settings.response_cache_seconds)
    app.include_router(health.router)
    # PagerDuty's routes first: they answer /ingest/pagerduty/... in its shape.
    app.include_router(pagerduty.router)
    app.include_router(ingest.router)
    app.include_router(calendar.router)
    web = dashboard_dir()
    if web is not None:
        app.mount("/dashboard", StaticFiles(directory=web, html=True), name="dashboard")
    router = graphql_router(hub, init_timeout=timedelta(seconds=settings.ws_init_timeout))
    app.include_router(router, prefix=GRAPHQL_PATH)
    app.graphql_sockets = graphql_sockets(hub, router)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/graphql")

    return app


def dashboard_dir() -> str | None:
    """The installed dashboard's files, found through the package, not the cwd."""
    try:
        web = resources.files("clients.web")
    except ModuleNotFoundError:
        log.warning("event=dashboard.missing reason=clients.web not installed")
        return None
    return str(web)
