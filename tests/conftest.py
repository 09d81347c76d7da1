"""Shared fixtures: a hub on the embedded engine (or a real server), HTTP and live servers.

Set ``HUB_TEST_MONGODB_URI`` to run the whole suite against a real MongoDB; each
test then gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastapi.dependencies.models
import httpx
import pytest
import uvicorn

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.http.server import HubServer
from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# A worktree lives deeper than a clone; HUB_SHARED_DIR points it at ../shared.
SHARED = Path(os.environ.get("HUB_SHARED_DIR") or ROOT.parent / "shared")
REAL_URI = os.environ.get("HUB_TEST_MONGODB_URI")
# The admin token every test hub is started with (settings.admin_token).
ADMIN_TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# What a websocket client sends as its connection_init payload.
WS_INIT = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a skip saying why it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} not present: a clone without ../shared relies on the "
            "project's own fixtures under tests/fixtures, which cover the same shapes"
        )
    return path


async def bearer(
    hub: Hub,
    name: str,
    role: str = "responder",
    *,
    region_ids: list[str] | None = None,
    team_ids: list[str] | None = None,
) -> dict[str, str]:
    """Headers carrying a fresh API token named ``name``: the actor of what it does."""
    from hub.auth.models import ApiTokenCreate, Role

    data = ApiTokenCreate(
        name=name, role=Role(role), region_ids=region_ids or [], team_ids=team_ids or []
    )
    secret, _ = await hub.tokens.create(data=data, actor="tests")
    return {"Authorization": f"Bearer {secret}"}


# The demo's people, each with a responder token the test hubs know:
# ``as_actor("mei")`` acts as mei, who then appears on timelines and in the audit log.
PEOPLE = ("mei", "arjun", "olivia", "tomasz", "sam", "priya")


def as_actor(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer test-{name}-token"}


async def people_tokens(hub: Hub) -> None:
    from hub.auth.models import ApiTokenCreate, Role

    for name in PEOPLE:
        data = ApiTokenCreate(name=name, role=Role.RESPONDER)
        await hub.tokens.ensure(data=data, secret=f"test-{name}-token", actor="tests")


def replica_client() -> Any:
    """What several hubs in one test share, as replicas share one server.

    On a real server each hub connects to it itself (None); otherwise they
    share one embedded engine, which exists only inside this process.
    """
    from hub.storage.client import embedded_client

    return None if REAL_URI else embedded_client()


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"database": f"test_{uuid.uuid4().hex[:12]}", "tail_interval": 0.05,
                              "sequence_gap_wait": 0.5, "admin_token": ADMIN_TOKEN}
    if REAL_URI:
        values["mongodb_uri"] = REAL_URI
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(autouse=True)
def _release_apps() -> Iterator[None]:
    """Let each test's app, and the hub it serves, be freed after the test.

    FastAPI keeps what it learns of each dependency callable in module-level
    caches (thousands of entries), and our context getters close over their
    hub. One app per process never notices; a suite that builds an app per
    test would keep every hub and schema alive, until one full collection of
    that heap stalls the event loop for seconds mid-test.
    """
    yield
    for value in vars(fastapi.dependencies.models).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 6, 2, 3, 0, tzinfo=UTC))


async def _drop(hub: Hub) -> None:
    if not hub.db.embedded:
        await hub.db._client.drop_database(hub.db.name)


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[Hub]:
    h = Hub(settings)
    await h.start(run_scheduler=False)
    yield h
    await h.stop()
    await _drop(h)


@pytest.fixture
async def demo(hub: Hub) -> DemoData:
    return await seed(hub)


@pytest.fixture
async def api(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    await people_tokens(hub)
    app = create_app(hub.settings, hub=hub)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=AUTH
    ) as client:
        yield client


class GraphQLFailed(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code", "") for e in self.errors]


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run a GraphQL operation; GraphQL errors raise :class:`GraphQLFailed`."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body = response.json()
    if body.get("errors"):
        raise GraphQLFailed(body["errors"])
    assert response.status_code == 200, body
    return body["data"]  # type: ignore[no-any-return]


async def eventually(condition: Callable[[], bool], what: str, within: float = 30.0) -> None:
    """Return as soon as ``condition()`` holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    ws_url: str
    hub: Hub
    server: uvicorn.Server


@contextlib.asynccontextmanager
async def serve(hub: Hub, **app_options: Any) -> AsyncIterator[LiveServer]:
    """The real ASGI app under uvicorn on a free loopback port."""
    port = free_port()
    if hub._started:
        await people_tokens(hub)
    app = create_app(hub.settings, hub=hub, **app_options)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="auto",
                            lifespan="on")
    server = HubServer(config, hub)  # drains websockets (1001) before uvicorn stops
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql", hub, server)
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def live(hub: Hub) -> AsyncIterator[LiveServer]:
    async with serve(hub) as server:
        yield server


@pytest.fixture
def data_dir() -> Iterator[Path]:
    yield ROOT / "tests" / "fixtures"
