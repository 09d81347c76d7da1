"""Cases A1, A2 and A3 from the field, over HTTP on the real app."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

import httpx
import orjson
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import (
    event_types,
    incidents,
    own_example,
    post,
    shared_example,
    stored_counts,
)

ALERTMANAGER = "alertmanager"


def _pair(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if kind == "shared":
        return (
            shared_example("kube_prometheus_firing"),
            shared_example("kube_prometheus_resolved"),
        )
    return own_example(ALERTMANAGER, "am_firing"), own_example(ALERTMANAGER, "am_resolved")


PAIRS = pytest.mark.parametrize("kind", ["shared", "own"])
# One event per real change: opened (with its routing), fired, resolved, closed.
ONE_OUTAGE = [
    "incident.declared",
    "alerts.routed",
    "alerts.fired",
    "alerts.resolved",
    "incident.status_changed",
]


@PAIRS
async def test_a1_replayed_pair_is_one_incident_resolved_at_the_end(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, kind: str
) -> None:
    firing, resolved = _pair(kind)

    for payload in (firing, resolved, firing, resolved):
        assert (await post(api, ALERTMANAGER, payload)).status_code == 202
    settled = await hub.events.last_seq()
    # The firing again, three times at once, after its resolution: it started
    # before that resolution ended it, so it changes nothing.
    late = await asyncio.gather(*(post(api, ALERTMANAGER, firing) for _ in range(3)))

    assert [a.status_code for a in late] == [202, 202, 202]
    assert [a.json()["fired"] for a in late] == [0, 0, 0]
    [incident] = await incidents(hub)
    assert incident.status.value == "RESOLVED"
    assert await event_types(hub, incident.id) == ONE_OUTAGE
    assert await hub.events.last_seq() == settled, "a stale replay published an event"


@PAIRS
async def test_a1_firing_posted_three_times_at_once_opens_one_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, kind: str
) -> None:
    firing, resolved = _pair(kind)

    answers = await asyncio.gather(*(post(api, ALERTMANAGER, firing) for _ in range(3)))
    await post(api, ALERTMANAGER, resolved)

    assert [a.status_code for a in answers] == [202, 202, 202]
    assert sorted(a.json()["created"] for a in answers) == [False, False, True]
    [incident] = await incidents(hub)
    assert incident.status.value == "RESOLVED"
    assert await event_types(hub, incident.id) == ONE_OUTAGE


@PAIRS
async def test_a1_resolution_arriving_first_wins_over_the_older_firing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, kind: str
) -> None:
    firing, resolved = _pair(kind)

    await post(api, ALERTMANAGER, resolved)
    answer = await post(api, ALERTMANAGER, firing)

    assert answer.json()["fired"] == 0
    assert await incidents(hub) == []


async def test_a1_two_replicas_posting_the_same_firing_open_one_incident(
    hub: Hub, demo: DemoData
) -> None:
    other = Hub(hub.settings, clock=hub.clock, shared_client=hub.db._client)
    firing, _ = _pair("own")
    raw = orjson.dumps(firing)

    await asyncio.gather(
        *(h.alerts.ingest(ALERTMANAGER, "demo-alertmanager", raw) for h in (hub, other, hub))
    )

    [incident] = await incidents(hub)
    assert (await event_types(hub, incident.id)).count("alerts.fired") == 1


async def test_a1_refiring_after_the_resolution_opens_a_new_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    firing, resolved = _pair("own")
    later = copy.deepcopy(firing)
    later["alerts"][0]["startsAt"] = "2024-04-19T09:00:00Z"

    for payload in (firing, resolved, later):
        await post(api, ALERTMANAGER, payload)

    first, second = await incidents(hub)
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")


def _pagerduty(dedup_len: int, summary_len: int) -> dict[str, Any]:
    return {
        "routing_key": "demo-pagerduty",
        "event_action": "trigger",
        "dedup_key": "k" * dedup_len,
        "payload": {"summary": "s" * summary_len, "source": "db-1", "severity": "critical"},
    }


@pytest.mark.parametrize("path", ["/v2/enqueue", "/ingest/pagerduty/demo-pagerduty"])
@pytest.mark.parametrize(
    ("dedup_len", "summary_len", "named"),
    [
        (256, 10, "dedup_key is 256 characters; the limit is 255"),
        (10, 1025, "payload.summary is 1025 characters; the limit is 1024"),
    ],
    ids=["dedup-key-256", "summary-1025"],
)
async def test_a2_over_long_fields_are_refused_naming_field_and_limit(
    hub: Hub,
    api: httpx.AsyncClient,
    demo: DemoData,
    path: str,
    dedup_len: int,
    summary_len: int,
    named: str,
) -> None:
    before = await stored_counts(hub)

    response = await api.post(path, json=_pagerduty(dedup_len, summary_len))

    assert response.status_code == 400
    assert response.json()["errors"] == [named]
    assert await stored_counts(hub) == before


async def test_a2_fields_at_the_limit_are_accepted(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    response = await api.post("/v2/enqueue", json=_pagerduty(255, 1024))

    assert response.status_code == 202
    [incident] = await incidents(hub)
    assert incident.title == "s" * 300  # the incident title keeps its own limit


def _storm(count: int, truncated: int) -> dict[str, Any]:
    alert = {
        "status": "firing",
        "labels": {"alertname": "NodeDown", "severity": "critical"},
        "annotations": {"summary": "node down"},
        "startsAt": "2025-06-02T02:55:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
    }
    alerts = [
        {
            **alert,
            "labels": {**alert["labels"], "instance": f"node-{i}"},
            "fingerprint": f"{i:016x}",
        }
        for i in range(count)
    ]
    return {
        "version": "4",
        "groupKey": '{}:{alertname="NodeDown"}',
        "status": "firing",
        "receiver": "hub",
        "alerts": alerts,
        "truncatedAlerts": truncated,
    }


async def test_a3_group_of_five_thousand_alerts_is_one_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    # A bound on "fast", with room for a loaded machine (it takes well under a
    # second); bench/ingest_bench.py measures the speed itself.
    response = await asyncio.wait_for(post(api, ALERTMANAGER, _storm(5000, 1200)), 10)

    assert response.status_code == 202
    [incident] = await incidents(hub)
    assert incident.alert_group is not None
    assert (incident.alert_group.firing_count, incident.alert_group.truncated) == (5000, 1200)
    fired = [e for e in await hub.events.for_incident(incident.id) if e.type == "alerts.fired"]
    assert fired[0].data["count"] == 5000 and len(fired[0].data["alerts"]) == 20


@pytest.mark.parametrize("shape", ["nested-10000", "over-the-limit"])
async def test_a3_hostile_bodies_are_refused_at_once_and_store_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, shape: str
) -> None:
    if shape == "nested-10000":
        raw, status = b'{"alerts":' + b"[" * 10_000 + b"]" * 10_000 + b"}", 400
    else:
        raw, status = b'{"alerts": [' + b" " * hub.settings.max_body_bytes + b"]}", 413
    before = await stored_counts(hub)
    started = time.perf_counter()

    response = await asyncio.wait_for(
        api.post(f"/ingest/{ALERTMANAGER}/demo-{ALERTMANAGER}", content=raw), 10
    )

    assert time.perf_counter() - started < 2.0
    assert response.status_code == status
    assert response.json()["message"]
    assert await stored_counts(hub) == before
