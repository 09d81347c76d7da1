"""The postmortem draft of an incident that followed the sun through real handoffs.

Declared at 03:00 UTC in Singapore, offered to London and accepted, offered
to San Francisco and accepted, resolved there: the draft's timeline shows the
three regions and both handoffs in order, each entry on the owning region's
clock, and a handoff on both regions' clocks.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import as_actor, gql
from tests.handoffs.ops import accept, declare, propose

POSTMORTEM = "query($id: ID!) { incident(id: $id) { postmortem { body } } }"
NOTE = "mutation($id: ID!, $t: String!) { addIncidentNote(id: $id, text: $t) { id } }"
RESOLVE = "mutation($id: ID!) { changeIncidentStatus(id: $id, status: RESOLVED) { id } }"


def z(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 2, hour, minute, tzinfo=UTC)


async def story(api: httpx.AsyncClient, demo: DemoData, clock: ManualClock) -> str:
    incident_id = await declare(api, demo.team_ids["sre-apac"], "Payments API 5xx")
    clock.set(z(6, 55))
    to_london = await propose(api, [incident_id], demo.team_ids["sre-emea"], actor="mei")
    clock.set(z(7, 5))
    await accept(api, to_london["id"], "olivia")
    clock.set(z(10))
    note = {"id": incident_id, "t": "PSP failover holding"}
    await gql(api, NOTE, note, headers=as_actor("olivia"))
    clock.set(z(14, 55))
    to_sf = await propose(api, [incident_id], demo.team_ids["sre-amer"], actor="olivia")
    clock.set(z(15, 5))
    await accept(api, to_sf["id"], "sam")
    clock.set(z(16))
    await gql(api, RESOLVE, {"id": incident_id}, headers=as_actor("sam"))
    return incident_id


def rows(body: str) -> list[list[str]]:
    table = body.split("## Timeline")[1].split("##")[0]
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in table.splitlines()
        if line.startswith("| 2025")
    ]


async def test_the_draft_tells_the_real_handoffs_in_order_on_each_regions_clock(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    await hub.reactions.run_pending()  # reactions hear what happens from now on
    incident_id = await story(api, demo, clock)
    await hub.reactions.run_pending()

    draft = (await gql(api, POSTMORTEM, {"id": incident_id}))["incident"]["postmortem"]

    body = draft["body"]
    assert [(r[0], r[1], r[2], r[3]) for r in rows(body)] == [
        (
            "2025-06-02 03:00 UTC",
            "2025-06-02 11:00 +08 (Singapore)",
            "incident.declared",
            "mei",
        ),
        (
            "2025-06-02 06:55 UTC",
            "2025-06-02 14:55 +08 (Singapore) → 2025-06-02 07:55 BST (London)",
            "Handoff Singapore → London (handoff.proposed)",
            "mei",
        ),
        (
            "2025-06-02 07:05 UTC",
            "2025-06-02 15:05 +08 (Singapore) → 2025-06-02 08:05 BST (London)",
            "Handoff Singapore → London (handoff.accepted)",
            "olivia",
        ),
        (
            "2025-06-02 07:05 UTC",
            "2025-06-02 08:05 BST (London)",
            "incident.ownership_changed",
            "olivia",
        ),
        ("2025-06-02 10:00 UTC", "2025-06-02 11:00 BST (London)", "incident.note_added", "olivia"),
        (
            "2025-06-02 14:55 UTC",
            "2025-06-02 15:55 BST (London) → 2025-06-02 07:55 PDT (San Francisco)",
            "Handoff London → San Francisco (handoff.proposed)",
            "olivia",
        ),
        (
            "2025-06-02 15:05 UTC",
            "2025-06-02 16:05 BST (London) → 2025-06-02 08:05 PDT (San Francisco)",
            "Handoff London → San Francisco (handoff.accepted)",
            "sam",
        ),
        (
            "2025-06-02 15:05 UTC",
            "2025-06-02 08:05 PDT (San Francisco)",
            "incident.ownership_changed",
            "sam",
        ),
        (
            "2025-06-02 16:00 UTC",
            "2025-06-02 09:00 PDT (San Francisco)",
            "incident.status_changed",
            "sam",
        ),
    ]
    handoffs = body.split("## Handoffs and escalations")[1].split("##")[0]
    assert [line.split(": ", 1)[1] for line in handoffs.strip().splitlines()] == [
        "handoff.proposed: Singapore → London (by mei)",
        "handoff.accepted: Singapore → London (by olivia)",
        "handoff.proposed: London → San Francisco (by olivia)",
        "handoff.accepted: London → San Francisco (by sam)",
    ]
    assert "- Owning region at declaration: Singapore" in body
    assert "- End: 2025-06-02 16:00 UTC / 2025-06-02 09:00 PDT (San Francisco)" in body
    assert "- London: olivia\n- San Francisco: sam\n- Singapore: mei" in body
