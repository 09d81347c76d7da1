"""A live event carries its incident as it is now, not as it was at an earlier event."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import Status
from tests.conftest import serve
from tests.events.helpers import declare
from tests.events.wsclient import connect, next_message
from tests.wsclient import until_live

WITH_INCIDENT = """
subscription Events($region: String, $after: String) {
  incidentEvents(region: $region, after: $after) {
    sequence type incident { status version region { name } }
  }
}
"""


async def subscribe_with_incident(ws: Any, **variables: Any) -> None:
    payload = {"query": WITH_INCIDENT, "variables": variables}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))


async def next_events(ws: Any, count: int) -> list[dict[str, Any]]:
    found = []
    async with asyncio.timeout(10):
        while len(found) < count:
            message = await next_message(ws)
            assert message["type"] == "next", message
            found.append(message["payload"]["data"]["incidentEvents"])
    return found


async def test_each_live_event_reads_the_incident_afresh(hub: Hub, demo: DemoData) -> None:
    [incident_id] = await declare(hub, demo)
    async with serve(hub) as live, connect(live.ws_url) as ws:
        await subscribe_with_incident(ws, region="London")
        await until_live(hub)
        # One change at a time, each read before the next is made.
        await hub.flows.add_note(incident_id, "looking", actor="bot")
        events = await next_events(ws, 1)
        await hub.flows.acknowledge(incident_id, actor="mei")
        events += await next_events(ws, 1)
        await hub.flows.change_status(incident_id, Status.INVESTIGATING, actor="mei")
        events += await next_events(ws, 1)

    current = await hub.incidents.get(incident_id)
    statuses = [e["incident"]["status"] for e in events]
    assert statuses == ["TRIGGERED", "ACKNOWLEDGED", "INVESTIGATING"]
    versions = [e["incident"]["version"] for e in events]
    assert versions == sorted(set(versions)) and versions[-1] == current.version
