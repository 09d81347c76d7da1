"""Time in a region stops when the incident stops: resolved, closed, reopened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import gql
from tests.handoffs.ops import accept, declare, handoffs, incident, propose

STATUS = (
    "mutation($id: ID!, $s: IncidentStatus!) { changeIncidentStatus(id: $id, status: $s) { id } }"
)


def z(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 2, hour, minute, tzinfo=UTC)


def spans(found: dict) -> list[tuple[str, str, str | None, float, str]]:
    return [
        (s["region"]["name"], s["since"], s["until"], s["durationSeconds"], s["via"])
        for s in found["ownership"]
    ]


async def test_the_last_regions_time_stops_at_resolution_and_restarts_on_reopen(
    api: httpx.AsyncClient, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
    clock.set(z(3, 10))
    await accept(api, proposed["id"], "olivia")
    clock.set(z(4))
    await gql(api, STATUS, {"id": incident_id, "s": "RESOLVED"})

    clock.set(z(9))  # hours later, nobody works on it
    resolved = await incident(api, incident_id)
    await gql(api, STATUS, {"id": incident_id, "s": "INVESTIGATING"})
    clock.set(z(9, 30))
    reopened = await incident(api, incident_id)
    await gql(api, STATUS, {"id": incident_id, "s": "RESOLVED"})
    await gql(api, STATUS, {"id": incident_id, "s": "CLOSED"})
    clock.set(z(20))
    closed = await incident(api, incident_id)

    first = ("Singapore", z(3).isoformat(), z(3, 10).isoformat(), 600.0, "declared")
    london = ("London", z(3, 10).isoformat(), z(4).isoformat(), 50 * 60.0, "handoff")
    assert spans(resolved) == [first, london]
    assert spans(reopened) == [
        first,
        london,
        ("London", z(9).isoformat(), None, 30 * 60.0, "reopened"),
    ]
    assert spans(closed) == [
        first,
        london,
        ("London", z(9).isoformat(), z(9, 30).isoformat(), 30 * 60.0, "reopened"),
    ]
    assert timedelta(seconds=sum(s[3] for s in spans(closed))) == timedelta(hours=1, minutes=30)


async def test_a_reopened_incidents_brief_still_reaches_back_to_its_last_handoff(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-emea"])
    note = "mutation($id: ID!, $t: String!) { addIncidentNote(id: $id, text: $t) { id } }"
    await gql(api, note, {"id": incident_id, "t": "Rolled back the deploy"})
    await gql(api, STATUS, {"id": incident_id, "s": "RESOLVED"})
    clock.set(z(4))
    await gql(api, STATUS, {"id": incident_id, "s": "INVESTIGATING"})

    clock.set(z(15))  # London's shift ends
    await hub.scheduler.run_due()

    [auto] = await handoffs(api, "San Francisco", "PROPOSED")
    assert auto["brief"]["tried"] == ["Rolled back the deploy"]
