"""Automatic handoffs at shift ends: planned ahead, once each, briefed from the timeline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.handoffs.scheduled import SHIFT_END
from hub.incidents.models import IncidentDeclare
from tests.conftest import gql, make_settings, replica_client
from tests.handoffs.ops import accept, declare, handoffs, propose

T0 = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)


def z(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=UTC)


async def test_shift_ends_are_planned_once_however_often_replicas_plan(
    hub: Hub, demo: DemoData
) -> None:
    await asyncio.gather(hub.shifts.plan(), hub.shifts.plan())
    jobs = await hub.scheduler.pending({"kind": SHIFT_END})
    # Two days ahead from 03:00 UTC: 07:00 and 15:00 today, then each day
    # 00:00, 07:00 and 15:00, up to 03:00 on the 4th.
    assert [j.due_at for j in jobs] == [
        z(7),
        z(15),
        z(0, day=3),
        z(7, day=3),
        z(15, day=3),
        z(0, day=4),
    ]
    assert len({j.dedup for j in jobs}) == len(jobs)


async def test_two_shift_ends_missed_while_stopped_are_handled_once_each_after_restart() -> None:
    clock = ManualClock(T0)
    client = replica_client()
    settings = make_settings()
    before = Hub(settings, clock=clock, shared_client=client)
    await before.start(run_scheduler=False)
    demo = await seed(before)
    for team in ("sre-apac", "sre-emea"):
        data = IncidentDeclare(title=f"{team} trouble", team_id=demo.team_ids[team])
        await before.flows.declare(data, actor="mei")
    await before.stop()

    # Down through Singapore's shift end (07:00) and London's (15:00).
    clock.set(z(15, 30))
    replicas = [Hub(settings, clock=clock, shared_client=client) for _ in range(2)]
    for replica in replicas:
        await replica.start(run_scheduler=False)
        await replica.shifts.plan()  # what a start does when it runs the scheduler
    await asyncio.gather(*(r.scheduler.run_due() for r in replicas))
    await asyncio.gather(*(r.scheduler.run_due() for r in replicas))

    made = await replicas[0].handoffs.handoffs.list_handoffs()
    summary = sorted(
        (h.shift_end_at, h.from_team_id, h.to_team_id, len(h.incident_ids)) for h in made
    )
    # Late, each goes to the region on duty now: San Francisco.
    amer = demo.team_ids["sre-amer"]
    assert summary == [
        (z(7), demo.team_ids["sre-apac"], amer, 1),
        (z(15), demo.team_ids["sre-emea"], amer, 1),
    ]
    assert all(h.automatic and h.proposed_by == "hub" for h in made)
    proposed = await replicas[0].events.read(after=0, query={"type": "handoff.proposed"})
    assert len(proposed) == 2
    done = await replicas[0].db["jobs"].find({"kind": SHIFT_END, "state": "done"})
    assert sorted(j["due_at"] for j in done) == [z(7), z(15)]
    for replica in replicas:
        await replica.stop()


async def test_automatic_brief_is_written_from_the_timeline_since_the_last_handoff(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    note = "mutation($id: ID!, $t: String!) { addIncidentNote(id: $id, text: $t) { id } }"
    await gql(api, note, {"id": incident_id, "t": "Said before the handoff"})
    manual = await propose(
        api,
        [incident_id],
        demo.team_ids["sre-emea"],
        {
            "nextActions": [
                {"text": "Check replica lag", "done": False},
                {"text": "Page the DBA", "done": True},
            ],
        },
    )
    clock.advance(timedelta(minutes=5))
    await accept(api, manual["id"], "olivia")
    clock.advance(timedelta(minutes=5))
    await gql(api, note, {"id": incident_id, "t": "Failed over to the replica"})
    await gql(
        api,
        "mutation($id: ID!) { changeIncidentStatus(id: $id, status: MITIGATED, "
        'note: "error rate back to 0.1%") { id } }',
        {"id": incident_id},
    )

    clock.set(z(15))
    await hub.scheduler.run_due()

    [auto] = await handoffs(api, "San Francisco", "PROPOSED")
    assert auto["automatic"] and auto["fromTeam"]["slug"] == "sre-emea"
    brief = auto["brief"]
    assert brief["tried"] == ["Failed over to the replica"]
    assert brief["nextActions"] == [{"text": "Check replica lag", "done": False}]
    assert "MITIGATED" in brief["currentStatus"]
    assert "TRIGGERED -> MITIGATED (error rate back to 0.1%)" in brief["currentStatus"]
    assert "SEV2: customer impact is likely" in brief["risks"]


async def test_a_shift_end_leaves_pending_and_other_regions_incidents_alone(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    pending = await declare(api, demo.team_ids["sre-apac"], "Already offered")
    clock.set(z(6, 50))  # still pending at 07:00
    await propose(api, [pending], demo.team_ids["sre-amer"])
    await declare(api, demo.team_ids["sre-emea"], "London's own")
    free = await declare(api, demo.team_ids["sre-apac"], "Singapore's own")

    clock.set(z(7))
    await hub.scheduler.run_due()

    to_london = await handoffs(api, "London", "PROPOSED")
    assert [[i["id"] for i in h["incidents"]] for h in to_london] == [[free]]
