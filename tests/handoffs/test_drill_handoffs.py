"""A drill hands off like any incident, and every step of it says drill."""

from __future__ import annotations

from datetime import timedelta

import httpx

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import as_actor, gql
from tests.handoffs.ops import accept, declare, incident, propose

DECLARE_DRILL = """mutation($team: ID!) {
  declareIncident(input: {title: "Game day: PSP down", teamId: $team, exercise: true}) { id }
}"""
HANDOFF_STEPS = ("handoff.proposed", "handoff.accepted", "incident.ownership_changed")


async def test_every_handoff_event_of_a_drill_is_marked_drill(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    drill = await gql(
        api, DECLARE_DRILL, {"team": demo.team_ids["sre-apac"]}, headers=as_actor("mei")
    )
    drill_id = drill["declareIncident"]["id"]
    real_id = await declare(api, demo.team_ids["sre-apac"], "Real trouble")
    for incident_id in (drill_id, real_id):
        proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
        await accept(api, proposed["id"], "olivia")
    other = await propose(api, [drill_id], demo.team_ids["sre-amer"], actor="olivia")
    clock.advance(timedelta(minutes=15))
    await hub.scheduler.run_due()  # expires and escalates, as a drill

    drill_steps = [
        (e["type"], e["data"].get("drill"))
        for e in (await incident(api, drill_id))["timeline"]
        if e["type"].startswith("handoff.") or e["type"] == "incident.ownership_changed"
    ]
    real_steps = [
        e["data"].get("drill")
        for e in (await incident(api, real_id))["timeline"]
        if e["type"] in HANDOFF_STEPS
    ]
    assert other["status"] == "PROPOSED"
    assert drill_steps == [
        ("handoff.proposed", True),
        ("handoff.accepted", True),
        ("incident.ownership_changed", True),
        ("handoff.proposed", True),
        ("handoff.expired", True),
        ("handoff.escalated", True),
    ]
    assert real_steps == [None, None, None]
