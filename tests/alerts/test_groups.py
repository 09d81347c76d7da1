"""An alert group's stored state: counts per incident, a bounded document,
and writes that survive a crash between the group and its incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import bson
import httpx
import orjson
import pytest

from hub.alerts import dedup, plan
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import event_types, incidents, post

GROUP_KEY = '{}:{alertname="NodeDown"}'


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


def storm(first: int, count: int, status: str = "firing") -> bytes:
    """One Alertmanager group delivery of ``count`` distinct alerts."""
    alerts = [
        {
            "status": status,
            "labels": {"alertname": "NodeDown", "instance": f"node-{i}"},
            "annotations": {"summary": "node down"},
            "startsAt": "2025-06-02T02:00:00Z",
            "endsAt": "2025-06-02T02:30:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
            "fingerprint": f"{i:016x}",
        }
        for i in range(first, first + count)
    ]
    body = {"version": "4", "groupKey": GROUP_KEY, "status": status, "receiver": "hub"}
    return orjson.dumps({**body, "alerts": alerts})


def entry_bound() -> int:
    """The most one tracked alert can add to its group's document."""
    at = datetime(2025, 6, 2, 3, 0, 0, 123000, tzinfo=UTC)
    state = dedup.AlertState("resolved", at, at, 2**31 - 1, at).to_doc()
    return len(bson.encode({"f" * 32: state})) - len(bson.encode({}))


async def group_doc(hub: Hub) -> dict[str, Any]:
    [doc] = await hub.db["alert_groups"].find({})
    return doc


def test_a_full_group_fits_in_a_mongodb_document() -> None:
    assert plan.MAX_TRACKED * entry_bound() + 4096 < 16 * 1024 * 1024


async def test_group_document_stays_bounded_over_repeated_large_deliveries(
    hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "MAX_TRACKED", 300)
    bound = 300 * entry_bound() + 4096

    for delivery in range(3):
        await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(delivery * 400, 400))

    doc = await group_doc(hub)
    assert len(doc["alerts"]) == 300
    assert len(bson.encode(doc)) <= bound
    [incident] = await incidents(hub)
    assert incident.alert_group is not None
    # The group is full of firing alerts: what it cannot track is counted.
    assert (incident.alert_group.firing_count, incident.alert_group.truncated) == (300, 400)


async def test_resolved_alerts_make_room_for_new_ones_when_the_group_is_full(
    hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "MAX_TRACKED", 300)
    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(0, 300))
    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(0, 200, "resolved"))

    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(1000, 150))

    doc = await group_doc(hub)
    statuses = [a["status"] for a in doc["alerts"].values()]
    assert (statuses.count("firing"), statuses.count("resolved")) == (250, 50)
    [incident] = await incidents(hub)
    assert incident.alert_group is not None
    assert (incident.alert_group.firing_count, incident.alert_group.truncated) == (250, 0)


async def test_resolved_alerts_are_forgotten_after_the_retention_window(
    hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(0, 3))
    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(0, 3, "resolved"))
    clock.advance(plan.RESOLVED_KEPT + timedelta(minutes=1))

    await hub.alerts.ingest("alertmanager", "demo-alertmanager", storm(100, 1))

    doc = await group_doc(hub)
    assert [a["status"] for a in doc["alerts"].values()] == ["firing"]
    first, second = await incidents(hub)
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")


class SimulatedCrash(Exception):
    """The process dies here: nothing after this point runs."""


def crash_after(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
    """Let ``owner.name`` run once, then die, as a crash right after it would."""
    real = getattr(owner, name)

    async def then_crash(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(owner, name, real)
        await real(*args, **kwargs)
        raise SimulatedCrash(name)

    monkeypatch.setattr(owner, name, then_crash)


@pytest.mark.parametrize("point", ["group write", "alert record"])
async def test_a_resolve_redelivered_after_a_crash_resolves_the_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    await post(api, "generic", generic("trigger", "2025-06-02T01:00:00Z"))
    resolve = orjson.dumps(generic("resolve", "2025-06-02T01:10:00Z"))
    if point == "group write":
        crash_after(monkeypatch, hub.alerts.groups, "save")
    else:
        crash_after(monkeypatch, hub.flows.incidents, "mutate")

    with pytest.raises(SimulatedCrash):
        await hub.alerts.ingest("generic", "demo-generic", resolve)
    redelivered = await post(api, "generic", generic("resolve", "2025-06-02T01:10:00Z"))

    assert redelivered.status_code == 202
    [incident] = await incidents(hub)
    assert incident.status.value == "RESOLVED"
    assert (await event_types(hub, incident.id)).count("alerts.resolved") == 1
    assert "pending" not in await group_doc(hub)


async def test_a_later_delivery_finishes_what_a_crash_left_undone(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(api, "generic", generic("trigger", "2025-06-02T01:00:00Z"))
    crash_after(monkeypatch, hub.alerts.groups, "save")
    with pytest.raises(SimulatedCrash):
        resolve = orjson.dumps(generic("resolve", "2025-06-02T01:10:00Z"))
        await hub.alerts.ingest("generic", "demo-generic", resolve)

    await post(api, "generic", generic("trigger", "2025-06-02T02:00:00Z"))

    first, second = await incidents(hub)
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")
