"""The seed scenario end to end: real server, one websocket subscriber per region.

Declared at 03:00 UTC in Singapore, handed to London at 07:00 and accepted,
handed to San Francisco at 15:00 and accepted, resolved there with a
postmortem note. Each region must hear exactly its own part of the story.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from hub.events.models import encode_cursor
from tests.conftest import AUTH, WS_INIT, as_actor, gql, serve
from tests.handoffs.ops import accept, declare, handoffs, incident

REGIONS = ("Singapore", "London", "San Francisco")
FIELDS = "type sequence regionIds data incident { ref }"
INCIDENT_EVENTS = (
    "subscription($r: String!, $a: String) { incidentEvents(region: $r, after: $a) { "
    + FIELDS
    + " } }"
)
HANDOFF_EVENTS = (
    "subscription($r: String!, $a: String) { handoffEvents(region: $r, after: $a) { "
    + FIELDS
    + " } }"
)


def z(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 2, hour, minute, tzinfo=UTC)


class RegionSubscriber:
    """One region's tool: incident and handoff events on one socket."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: dict[str, list[dict[str, Any]]] = {"incident": [], "handoff": []}
        self.arrived = asyncio.Event()

    async def subscribe(self, region: str) -> None:
        # From the very start of the log, so nothing can slip in before the
        # server has registered the subscription.
        start = encode_cursor(0)
        for op, query in (("incident", INCIDENT_EVENTS), ("handoff", HANDOFF_EVENTS)):
            await self.ws.send(
                json.dumps(
                    {
                        "id": op,
                        "type": "subscribe",
                        "payload": {"query": query, "variables": {"r": region, "a": start}},
                    }
                )
            )

    async def read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            assert message["type"] == "next", message
            key = "incident" if message["id"] == "incident" else "handoff"
            self.seen[key].append(message["payload"]["data"][f"{key}Events"])
            self.arrived.set()

    async def until(self, key: str, done: Any) -> list[dict[str, Any]]:
        async with asyncio.timeout(10):
            while not done(self.seen[key]):
                self.arrived.clear()
                await self.arrived.wait()
        return self.seen[key]


@contextlib.asynccontextmanager
async def subscribers(url: str) -> AsyncIterator[dict[str, RegionSubscriber]]:
    subs: dict[str, RegionSubscriber] = {}
    tasks = []
    async with contextlib.AsyncExitStack() as stack:
        for region in REGIONS:
            ws = await stack.enter_async_context(
                connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
            )
            await ws.send(json.dumps({"type": "connection_init", "payload": WS_INIT}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            subs[region] = RegionSubscriber(ws)
            await subs[region].subscribe(region)
            tasks.append(asyncio.create_task(subs[region].read()))
        try:
            yield subs
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def play(api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock) -> str:
    """The scenario itself, as each region's people would drive it."""
    incident_id = await declare(api, demo.team_ids["sre-apac"], "Payments API 5xx")
    clock.advance(timedelta(minutes=10))
    await gql(
        api,
        "mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }",
        {"id": incident_id},
        headers=as_actor("mei"),
    )
    await note(api, incident_id, "Triage: errors from one PSP; failing over", "mei")

    clock.set(z(7))  # Singapore's shift ends: London takes over.
    await hub.scheduler.run_due()
    [to_london] = await handoffs(api, "London", "PROPOSED")
    clock.advance(timedelta(minutes=5))
    await accept(api, to_london["id"], "olivia")
    await note(api, incident_id, "Failover holding; PSP investigating", "olivia")

    clock.set(z(15))  # London's shift ends: San Francisco takes over.
    await hub.scheduler.run_due()
    [to_sf] = await handoffs(api, "San Francisco", "PROPOSED")
    clock.advance(timedelta(minutes=10))
    await accept(api, to_sf["id"], "sam")

    clock.advance(timedelta(minutes=50))
    await gql(
        api,
        "mutation($id: ID!) { changeIncidentStatus(id: $id, status: RESOLVED, "
        'note: "PSP fixed their TLS rollout") { id } }',
        {"id": incident_id},
        headers=as_actor("sam"),
    )
    await note(api, incident_id, "Postmortem: add a PSP health check to failover", "sam")
    return incident_id


async def note(api: httpx.AsyncClient, incident_id: str, text: str, actor: str) -> None:
    await gql(
        api,
        "mutation($id: ID!, $t: String!) { addIncidentNote(id: $id, text: $t) { id } }",
        {"id": incident_id, "t": text},
        headers=as_actor(actor),
    )


async def test_seed_scenario_follows_the_sun_with_a_subscriber_per_region(
    hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    async with serve(hub) as live, subscribers(live.ws_url) as subs:
        async with httpx.AsyncClient(base_url=live.url, headers=AUTH) as api:
            incident_id = await play(api, hub, demo, clock)
            # One last event per region marks the end of what each should hear.
            for team in ("sre-apac", "sre-emea", "sre-amer"):
                await declare(api, demo.team_ids[team], "end of scenario")
            final = await incident(api, incident_id)

        heard = {}
        for region, sub in subs.items():
            events = await sub.until("incident", lambda seen: any(map(is_marker, seen)))
            heard[region] = [(e["type"], e["incident"]["ref"]) for e in events if not is_marker(e)]
            # The handoff subscription carries the region's handoff.* events
            # (all before the marker), as a separate operation on the socket.
            expected = sum(kind.startswith("handoff.") for kind, _ in heard[region])
            await sub.until("handoff", lambda seen, n=expected: len(seen) >= n)
        await asyncio.sleep(0.2)  # room for anything extra to show up
        handoff_heard = {region: sub.seen["handoff"] for region, sub in subs.items()}

    ref = final["ref"]
    sg_to_ldn = [
        ("handoff.proposed", ref),
        ("handoff.accepted", ref),
        ("incident.ownership_changed", ref),
    ]
    ldn_to_sf = sg_to_ldn
    assert heard["Singapore"] == [
        ("incident.declared", ref),
        ("incident.acknowledged", ref),
        ("incident.note_added", ref),
        *sg_to_ldn,
    ]
    assert heard["London"] == [*sg_to_ldn, ("incident.note_added", ref), *ldn_to_sf]
    assert heard["San Francisco"] == [
        *ldn_to_sf,
        ("incident.status_changed", ref),
        ("incident.note_added", ref),
    ]
    routes = {
        region: [
            (e["type"], e["data"]["from_region"], e["data"]["to_region"])
            for e in handoff_heard[region]
        ]
        for region in REGIONS
    }
    sg_ldn = [
        ("handoff.proposed", "Singapore", "London"),
        ("handoff.accepted", "Singapore", "London"),
    ]
    ldn_sf = [
        ("handoff.proposed", "London", "San Francisco"),
        ("handoff.accepted", "London", "San Francisco"),
    ]
    assert routes == {"Singapore": sg_ldn, "London": sg_ldn + ldn_sf, "San Francisco": ldn_sf}

    spans = [
        (s["region"]["name"], s["team"]["slug"], s["since"], s["until"], s["durationSeconds"])
        for s in final["ownership"]
    ]
    assert spans == [
        ("Singapore", "sre-apac", iso(z(3)), iso(z(7, 5)), 4 * 3600 + 5 * 60),
        ("London", "sre-emea", iso(z(7, 5)), iso(z(15, 10)), 8 * 3600 + 5 * 60),
        ("San Francisco", "sre-amer", iso(z(15, 10)), iso(z(16)), 50 * 60),
    ]
    assert final["status"] == "RESOLVED"
    assert final["timeline"][-1]["data"]["text"].startswith("Postmortem:")


def is_marker(event: dict[str, Any]) -> bool:
    return bool(
        event["type"] == "incident.declared" and event["data"].get("title") == "end of scenario"
    )


def iso(value: datetime) -> str:
    return value.isoformat()


POSTMORTEM = "query($id: ID!) { incident(id: $id) { postmortem { body incident { id } } } }"
RESOLVED_IN_SF = "2025-06-02 09:00 PDT (San Francisco)"


async def test_resolving_the_seed_scenario_drafts_a_postmortem_on_each_regions_clock(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    await hub.reactions.run_pending()  # reactions hear what happens from now on
    incident_id = await play(api, hub, demo, clock)
    await hub.reactions.run_pending()

    draft = (await gql(api, POSTMORTEM, {"id": incident_id}))["incident"]["postmortem"]

    assert draft["incident"]["id"] == incident_id
    body = draft["body"]
    table = body.split("## Timeline")[1].split("##")[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split(" | ")][:3]
        for line in table.splitlines()
        if line.startswith("| 2025")
    ]
    # The handoffs the scheduler proposed at each shift end, accepted by the
    # next region, each on both regions' clocks; every other entry on the
    # clock of the region that owned the incident then.
    assert rows == [
        ["2025-06-02 03:00 UTC", "2025-06-02 11:00 +08 (Singapore)", "incident.declared"],
        ["2025-06-02 03:10 UTC", "2025-06-02 11:10 +08 (Singapore)", "incident.acknowledged"],
        ["2025-06-02 03:10 UTC", "2025-06-02 11:10 +08 (Singapore)", "incident.note_added"],
        [
            "2025-06-02 07:00 UTC",
            "2025-06-02 15:00 +08 (Singapore) → 2025-06-02 08:00 BST (London)",
            "Handoff Singapore → London (handoff.proposed)",
        ],
        [
            "2025-06-02 07:05 UTC",
            "2025-06-02 15:05 +08 (Singapore) → 2025-06-02 08:05 BST (London)",
            "Handoff Singapore → London (handoff.accepted)",
        ],
        ["2025-06-02 07:05 UTC", "2025-06-02 08:05 BST (London)", "incident.ownership_changed"],
        ["2025-06-02 07:05 UTC", "2025-06-02 08:05 BST (London)", "incident.note_added"],
        [
            "2025-06-02 15:00 UTC",
            "2025-06-02 16:00 BST (London) → 2025-06-02 08:00 PDT (San Francisco)",
            "Handoff London → San Francisco (handoff.proposed)",
        ],
        [
            "2025-06-02 15:10 UTC",
            "2025-06-02 16:10 BST (London) → 2025-06-02 08:10 PDT (San Francisco)",
            "Handoff London → San Francisco (handoff.accepted)",
        ],
        [
            "2025-06-02 15:10 UTC",
            "2025-06-02 08:10 PDT (San Francisco)",
            "incident.ownership_changed",
        ],
        ["2025-06-02 16:00 UTC", RESOLVED_IN_SF, "incident.status_changed"],
        # Sam's note right after resolving was on the timeline when the draft was made.
        ["2025-06-02 16:00 UTC", RESOLVED_IN_SF, "incident.note_added"],
    ]
    handoffs = body.split("## Handoffs and escalations")[1].split("##")[0]
    routes = [line.split(": ", 1)[1].split(" (by")[0] for line in handoffs.strip().splitlines()]
    assert routes == [
        "handoff.proposed: Singapore → London",
        "handoff.accepted: Singapore → London",
        "handoff.proposed: London → San Francisco",
        "handoff.accepted: London → San Francisco",
    ]
    assert "- Owning region at declaration: Singapore" in body
    assert "- London: olivia\n- San Francisco: sam\n- Singapore: mei" in body
