"""An alert group's stored state: counts per incident, a bounded document,
and writes that survive a crash between the group and its incident."""

from __future__ import annotations

from typing import Any

import httpx

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, post


def generic(action: str, at: str, key: str = "disk-full") -> dict[str, Any]:
    return {"dedup_key": key, "action": action, "title": "Disk full", "occurred_at": at}


async def test_alert_count_counts_the_firings_of_each_incident_only(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    for action, at in (
        ("trigger", "2025-06-02T01:00:00Z"),
        ("resolve", "2025-06-02T01:10:00Z"),
        ("trigger", "2025-06-02T02:00:00Z"),
        ("trigger", "2025-06-02T02:05:00Z"),
    ):
        await post(api, "generic", generic(action, at))

    first, second = await incidents(hub)
    assert first.alert_group is not None and second.alert_group is not None
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")
    assert (first.alert_group.alert_count, second.alert_group.alert_count) == (1, 1)
