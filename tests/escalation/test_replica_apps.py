"""Two running hub apps over one database: incidents declared through either app's
GraphQL endpoint escalate on both schedulers, and every step fires exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import seed
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from tests.conftest import AUTH, gql, make_settings
from tests.escalation.world import DAY, STEP_TYPES, shared_engine, until, with_policy

INCIDENTS = int(os.environ.get("ESC_N", "200"))
DECLARE = """mutation($team: ID!, $title: String!) {
  declareIncident(input: {title: $title, teamId: $team, severity: SEV2}) { id } }"""


@contextlib.asynccontextmanager
async def running_app(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """The hub's ASGI app with its lifespan run: scheduler and reactions loop on their own."""
    app = create_app(hub.settings, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub.test", headers=AUTH
        ) as client:
            yield client


async def test_two_running_apps_fire_each_step_of_200_escalations_exactly_once() -> None:
    clock = ManualClock(DAY)
    engine = shared_engine()
    settings = make_settings(tail_interval=0.1)
    a = Hub(settings, clock=clock, shared_client=engine)
    b = Hub(settings, clock=clock, shared_client=engine)
    async with running_app(a) as api_a, running_app(b) as api_b:
        demo = await seed(a)
        team = demo.team_ids["sre-emea"]
        await with_policy(
            a,
            demo,
            PolicyCreate(
                name="two levels",
                repeat=0,
                levels=[
                    EscalationLevel(
                        targets=[Target(kind=TargetKind.TEAM, value=team)], delay_minutes=5
                    ),
                    EscalationLevel(
                        targets=[Target(kind=TargetKind.MEMBER, value="olivia")],
                        delay_minutes=5,
                    ),
                ],
            ),
        )

        async def step_events() -> list[Any]:
            return await a.events.read(after=0, query={"type": {"$in": sorted(STEP_TYPES)}})

        async def finished_steps() -> list[Any]:
            return await a.db["jobs"].find({"kind": "escalation.step", "state": "done"})

        declared = await asyncio.gather(
            *[
                gql(api_a if n % 2 else api_b, DECLARE, {"team": team, "title": f"load {n}"})
                for n in range(INCIDENTS)
            ]
        )
        ids = {d["declareIncident"]["id"] for d in declared}
        assert len(ids) == INCIDENTS
        await until(step_events, INCIDENTS, within=90.0)  # level 1 fires at once
        # A step's event is written before its job is marked done. Moving the
        # clock past the lease while a job still runs would hand it to the other
        # app as a lost lease, which no real clock does in a few milliseconds.
        await until(finished_steps, INCIDENTS, within=90.0)
        clock.set(DAY + timedelta(minutes=5))
        await until(step_events, INCIDENTS * 2, within=90.0)
        await asyncio.sleep(1.5)  # more than a poll: time for a wrong second firing to show
        log = await step_events()
        jobs = await a.db["jobs"].find({"kind": "escalation.step"})
        notes = await a.db["notifications"].find({})

    fired = Counter((e.incident_id, e.data["step"]) for e in log)
    assert {incident for incident, _ in fired} == ids, "an incident never escalated"
    assert len(fired) == INCIDENTS * 2, "a step was lost"
    assert set(fired.values()) == {1}, "a step fired twice"
    assert Counter(e.data["level"] for e in log) == {1: INCIDENTS, 2: INCIDENTS}
    assert Counter(j["state"] for j in jobs) == {"done": INCIDENTS * 2}
    assert {j["attempts"] for j in jobs} == {1}, "a step was claimed by both apps"
    owners = Counter(j["owner"] for j in jobs)
    assert set(owners) == {a.scheduler.owner, b.scheduler.owner}, owners
    assert len({n["id"] for n in notes}) == len(notes) == INCIDENTS * 2
