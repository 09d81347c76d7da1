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

from hub.clock import Clock
from hub.core import Hub
from hub.errors import HubError
from hub.http import calendar, health, ingest
from hub.http.errors import hub_error_handler
from hub.settings import Settings

log = logging.getLogger(__name__)

Seeder = Callable[[Hub], Awaitable[Any]]


def create_app(
    settings: Settings,
    *,
    hub: Hub | None = None,
    clock: Clock | None = None,
    seed: Seeder | None = None,
) -> FastAPI:
    from schema.router import graphql_router  # the composition root's one edge import

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

    app = FastAPI(title="incident-hub", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.hub = hub
    app.add_exception_handler(HubError, hub_error_handler)
    app.include_router(health.router)
    app.include_router(ingest.router)
    app.include_router(calendar.router)
    web = dashboard_dir()
    if web is not None:
        app.mount("/dashboard", StaticFiles(directory=web, html=True), name="dashboard")
    app.include_router(
        graphql_router(hub, init_timeout=timedelta(seconds=settings.ws_init_timeout)),
        prefix="/graphql",
    )

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
