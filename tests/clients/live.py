"""Live hubs for client tests: a fixed port, so a restarted hub keeps its URL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from clients.python import HubClient
from hub.app import create_app
from hub.core import Hub
from hub.settings import Settings
from tests.conftest import ADMIN_TOKEN, LiveServer, replica_client

ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def serve_on(hub: Hub, port: int) -> AsyncIterator[LiveServer]:
    """The real app under uvicorn on ``port``; the hub stops when it exits."""
    app = create_app(hub.settings, hub=hub)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="auto", lifespan="on"
    )
    server = uvicorn.Server(config)
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


class Replicas:
    """Hubs that share one engine (replica_client): what a restarted process sees."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: Any = replica_client()

    def hub(self) -> Hub:
        return Hub(self.settings, shared_client=self.client)


async def require_fields(client: HubClient, kind: str, *names: str) -> None:
    """Skip unless the hub's schema has every named root field of ``kind``."""
    present = (await client.root_fields())[kind]
    missing = [n for n in names if n not in present]
    if missing:
        pytest.skip(
            f"this hub's schema has no {kind} field {', '.join(missing)} yet; "
            "the test runs once the server side is merged"
        )


def hubctl_env(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "HUBCTL_URL": url,
        "HUBCTL_TOKEN": ADMIN_TOKEN,
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("HUBCTL_ACTOR", None)
    return env


HUBCTL = [sys.executable, "-m", "clients.python.hubctl"]
