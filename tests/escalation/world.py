"""Helpers for escalation tests: hubs on a manual clock, the demo world, and settling."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.escalation.models import PolicyCreate
from hub.events.models import Event
from hub.incidents.models import IncidentDeclare, Severity
from hub.storage.client import embedded_client
from hub.teams.models import TeamUpdate
from tests.conftest import AUTH, REAL_URI, make_settings

# Monday: 11:00 in London (at work), 18:00 in Singapore and 03:00 in San
# Francisco (both off); London is on duty.
DAY = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
# Monday 03:00 in London (off), 10:00 in Singapore (on duty), Sunday 19:00 in SF.
NIGHT = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)

STEP_TYPES = {"incident.escalated", "incident.escalation_skipped"}


async def new_hub(clock: ManualClock, client: Any = None, **options: Any) -> Hub:
    hub = Hub(make_settings(**options), clock=clock, shared_client=client)
    await hub.start(run_scheduler=False)
    return hub


async def settle(*hubs: Hub) -> int:
    """Run reactions and due jobs on every hub until nothing is left to do now."""
    total = 0
    while True:
        ran = 0
        for hub in hubs:
            ran += await hub.reactions.run_pending()
            ran += await hub.scheduler.run_due()
        total += ran
        if ran == 0:
            return total


async def with_policy(hub: Hub, demo: DemoData, policy: PolicyCreate, *slugs: str) -> str:
    created = await hub.policies.create(data=policy)
    for slug in slugs or ("sre-emea",):
        await hub.teams.update_team(
            team_id=demo.team_ids[slug], data=TeamUpdate(escalation_policy_id=created.id)
        )
    return created.id


async def declare(
    hub: Hub,
    demo: DemoData,
    *,
    severity: Severity = Severity.SEV2,
    team: str = "sre-emea",
    **fields: Any,
) -> str:
    data = IncidentDeclare(
        title="checkout errors", severity=severity, team_id=demo.team_ids[team], **fields
    )
    return (await hub.flows.declare(data, actor="pagerbot")).id


async def steps(hub: Hub, incident_id: str) -> list[Event]:
    return [e for e in await hub.events.for_incident(incident_id) if e.type in STEP_TYPES]


def handles(event: Event) -> list[str]:
    return [t["handle"] for t in event.data["targets"]]


@contextlib.asynccontextmanager
async def api_for(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(hub.settings, hub=hub)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=AUTH
    ) as client:
        yield client


async def demo_hub(clock: ManualClock) -> tuple[Hub, DemoData]:
    hub = await new_hub(clock)
    return hub, await seed(hub)


class Yielding:
    """The embedded engine, answering each call on a later turn of the event loop.

    The embedded engine answers without ever suspending, so two hubs in one
    loop would never interleave; a real server makes every round trip a
    suspension point, and this wrapper restores that.
    """

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getitem__(self, name: str) -> Yielding:
        return Yielding(self._target[name])

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if inspect.isawaitable(result):
                return _later(result)
            if "Cursor" in type(result).__name__:
                return Yielding(result)
            return result

        return call


async def _later(result: Any) -> Any:
    await asyncio.sleep(0)
    return await result


def shared_engine() -> Any:
    """One engine for several hubs: a real server when configured, else the embedded one."""
    return None if REAL_URI else Yielding(embedded_client())


async def until(
    read: Callable[[], Awaitable[list[Any]]],
    count: int,
    work: Callable[[], Awaitable[Any]] | None = None,
    *,
    within: float = 60.0,
) -> list[Any]:
    """What ``read`` returns once it holds ``count`` items, running ``work``
    before each look; fails after ``within`` seconds.

    Generous: 200 escalations on two hubs take seconds even on an idle
    machine, and this returns as soon as the count is reached.
    """
    deadline = time.monotonic() + within
    found: list[Any] = []
    while time.monotonic() < deadline:
        if work is not None:
            await work()
        found = await read()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count}, saw {len(found)}")
