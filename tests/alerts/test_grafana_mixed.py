"""A Grafana notification that mixes firing and resolved alerts resolves only the resolved
ones: the incident the group opened stays open with the alert still firing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import (
    all_firing,
    event_types,
    incidents,
    own_example,
    post,
    shared_example,
)


def mixed(kind: str) -> dict[str, Any]:
    if kind == "shared":
        return shared_example("grafana9_mixed_firing_and_resolved")
    return own_example("grafana", "grafana_mixed")


def sample_keys(event_data: dict[str, Any]) -> set[str]:
    return {a["alert_key"] for a in event_data["alerts"]}


@pytest.mark.parametrize("kind", ["shared", "own"])
async def test_mixed_notification_resolves_only_its_resolved_alerts(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, kind: str
) -> None:
    payload = mixed(kind)
    resolved = [a for a in payload["alerts"] if a["status"] == "resolved"]
    still_firing = [a for a in payload["alerts"] if a["status"] == "firing"]
    assert resolved and still_firing, "the example must mix both states"

    first = await post(api, "grafana", all_firing(payload))
    assert first.status_code == 202, first.text
    (opened,) = await incidents(hub)
    assert opened.alert_group is not None
    assert opened.alert_group.firing_count == len(payload["alerts"])

    second = await post(api, "grafana", payload)
    assert second.status_code == 202, second.text
    assert second.json()["incident"] == opened.ref

    (incident,) = await incidents(hub)
    assert incident.id == opened.id
    assert incident.status.value == "TRIGGERED"
    assert incident.alert_group is not None
    assert incident.alert_group.firing_count == len(still_firing)
    assert incident.alert_group.alert_count == len(payload["alerts"])
    types = await event_types(hub, incident.id)
    assert types.count("alerts.resolved") == 1
    assert "incident.status_changed" not in types
    events = await hub.events.for_incident(incident.id)
    (resolution,) = [e for e in events if e.type == "alerts.resolved"]
    assert resolution.data["count"] == len(resolved)
    assert sample_keys(resolution.data) == {a["fingerprint"] for a in resolved}
