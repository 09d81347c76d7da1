"""Client fixtures: a demo hub served live, and an SDK client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clients.python import HubClient
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import ADMIN_TOKEN, LiveServer, serve


@pytest.fixture
async def demo_live(hub: Hub, demo: DemoData) -> AsyncIterator[LiveServer]:
    async with serve(hub) as server:
        yield server


@pytest.fixture
async def sdk(demo_live: LiveServer) -> AsyncIterator[HubClient]:
    async with HubClient(demo_live.url, ADMIN_TOKEN, actor="olivia") as client:
        yield client
