"""Un-acknowledging at the sender cannot move an acknowledged incident back
(the lifecycle has no such step): the hub notes it on the timeline and says
so, rather than answering as if something changed."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import event_types, incidents, own_example, post, stored_counts


def _opsgenie(action: str, step: int) -> dict[str, Any]:
    payload = copy.deepcopy(own_example("opsgenie", "og_create"))
    payload["action"] = action
    payload["alert"]["updatedAt"] += step * 60 * 10**9
    return payload


def _oncall(kind: str, at: str) -> dict[str, Any]:
    return {
        "event": {"type": kind, "time": at},
        "alert_group": {"id": "IOVT1", "title": "Queue depth", "state": "firing"},
    }


async def test_opsgenie_unacknowledge_is_noted_and_the_incident_stays_acknowledged(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    await post(api, "opsgenie", _opsgenie("Create", 0))
    await post(api, "opsgenie", _opsgenie("Acknowledge", 1))

    answer = (await post(api, "opsgenie", _opsgenie("UnAcknowledge", 2))).json()

    [incident] = await incidents(hub)
    assert incident.status.value == "ACKNOWLEDGED"
    assert answer["status"] == "noted"
    assert "stays ACKNOWLEDGED" in answer["reason"] and answer["incident"] == incident.ref
    assert (await event_types(hub, incident.id))[-1] == "alerts.unacknowledged"


async def test_grafana_oncall_unacknowledge_is_noted_too(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    await post(api, "grafana", _oncall("alert group created", "2025-06-02T02:00:00Z"))
    await post(api, "grafana", _oncall("acknowledge", "2025-06-02T02:01:00Z"))

    answer = (await post(api, "grafana", _oncall("unacknowledge", "2025-06-02T02:02:00Z"))).json()

    [incident] = await incidents(hub)
    assert (incident.status.value, answer["status"]) == ("ACKNOWLEDGED", "noted")
    assert (await event_types(hub, incident.id))[-1] == "alerts.unacknowledged"


async def test_unacknowledge_without_an_open_incident_is_ignored_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    before = await stored_counts(hub)

    answer = (await post(api, "opsgenie", _opsgenie("UnAcknowledge", 2))).json()

    assert answer["status"] == "ignored" and "no open incident" in answer["reason"]
    assert await stored_counts(hub) == before
