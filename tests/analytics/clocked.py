"""A demo hub driven by a manual clock, with a GraphQL client over it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.incidents.models import Incident, IncidentDeclare
from tests.conftest import AUTH, _drop, make_settings, people_tokens


@dataclass
class Clocked:
    hub: Hub
    clock: ManualClock
    api: httpx.AsyncClient
    demo: DemoData

    async def declare_at(self, at: datetime, team: str, **fields: Any) -> Incident:
        self.clock.set(at)
        data = IncidentDeclare(title=fields.pop("title", "Trouble"), team_id=team, **fields)
        return await self.hub.flows.declare(data, actor="olivia")

    async def settle(self) -> None:
        """Let the durable reactions and due jobs catch up, as the running hub would."""
        await self.hub.reactions.run_pending()
        await self.hub.scheduler.run_due()


@contextlib.asynccontextmanager
async def clocked_hub(start: datetime) -> AsyncIterator[Clocked]:
    clock = ManualClock(start)
    hub = Hub(make_settings(), clock=clock)
    await hub.start(run_scheduler=False)
    # A running hub claims its reactions' checkpoints at start; do the same
    # before anything happens so no event slips past them.
    await hub.reactions.run_pending()
    demo = await seed(hub)
    await people_tokens(hub)
    app = create_app(hub.settings, hub=hub)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub.test", headers=AUTH
        ) as api:
            yield Clocked(hub, clock, api, demo)
    finally:
        await hub.stop()
        await _drop(hub)
