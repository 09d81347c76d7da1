"""Alertmanager webhooks through HTTP: incidents a responder would expect, nothing else."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.payloads import OWN_DIR, SHARED_MISSING, examples, shared_dir
from tests.conftest import gql

URL = "/ingest/alertmanager/demo-alertmanager"
LIST = """{ incidents(first: 100) { totalCount edges { node {
  ref title status alertGroup { alertCount firingCount truncated }
  timeline { type sequence data } } } } }"""


def alertmanager_examples() -> list[Any]:
    params = [pytest.param(e["payload"], id=f"own-{e['name']}")
              for e in examples(OWN_DIR / "alertmanager.json")]
    shared = shared_dir()
    if shared is None:
        params.append(pytest.param(None, id="shared", marks=pytest.mark.skip(SHARED_MISSING)))
    else:
        params += [pytest.param(e["payload"], id=f"shared-{e['name']}")
                   for e in examples(shared / "a_alertmanager_webhooks.json")]
    return params


def by_name(name: str) -> dict[str, Any]:
    shared = shared_dir()
    source = (shared / "a_alertmanager_webhooks.json") if shared else None
    for path in [p for p in (source, OWN_DIR / "alertmanager.json") if p]:
        for example in examples(Path(path)):
            if example["name"] == name:
                return copy.deepcopy(example["payload"])
    raise KeyError(name)


async def incidents(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    data = await gql(api, LIST)
    return [e["node"] for e in data["incidents"]["edges"]]


@pytest.mark.parametrize("payload", alertmanager_examples())
async def test_each_payload_becomes_an_incident_with_its_timeline(
    api: httpx.AsyncClient, demo: DemoData, payload: dict[str, Any]
) -> None:
    response = await api.post(URL, json=payload)

    assert response.status_code == 202, response.text
    body = response.json()
    listed = await incidents(api)
    firing = [a for a in payload["alerts"] if a.get("status", payload["status"]) == "firing"]
    if not firing:
        assert listed == [] and body["incident"] is None
        return
    assert [i["ref"] for i in listed] == [body["incident"]]
    incident = listed[0]
    assert incident["status"] == "TRIGGERED"
    assert [e["type"] for e in incident["timeline"]] == ["incident.declared", "alerts.fired"]
    assert incident["timeline"][1]["data"]["count"] == len(firing)
    assert incident["alertGroup"]["firingCount"] == len(firing)


async def test_all_shared_payloads_in_a_row_are_listed(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip(SHARED_MISSING)
    for example in examples(shared / "a_alertmanager_webhooks.json"):
        assert (await api.post(URL, json=example["payload"])).status_code == 202
    listed = await incidents(api)
    # One incident per alert group; the kube-prometheus pair shares one and resolves it.
    shared_examples = examples(shared / "a_alertmanager_webhooks.json")
    group_keys = {e["payload"]["groupKey"] for e in shared_examples}
    assert len(listed) == len(group_keys)
    resolved = [i for i in listed if i["status"] == "RESOLVED"]
    assert len(resolved) == 1
    assert [e["type"] for e in resolved[0]["timeline"]] == [
        "incident.declared", "alerts.fired", "alerts.resolved", "incident.status_changed"
    ]


async def test_case_a1_replays_decide_by_the_alerts_own_times(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    firing, resolved = by_name("am_firing"), by_name("am_resolved")
    for payload in (firing, resolved, firing, resolved):
        assert (await api.post(URL, json=payload)).status_code == 202
    await asyncio.gather(*(api.post(URL, json=firing) for _ in range(3)))

    listed = await incidents(api)
    assert len(listed) == 1
    assert listed[0]["status"] == "RESOLVED"
    kinds = [e["type"] for e in listed[0]["timeline"]]
    assert kinds == ["incident.declared", "alerts.fired", "alerts.resolved",
                     "incident.status_changed"]


async def test_case_t1_nanosecond_offset_time_reads_back_in_utc_and_reingest_is_silent(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    payload = by_name("am_old_format_offset")
    alert = payload["alerts"][0]
    alert["startsAt"] = "2018-03-07T06:33:21.873077559-05:00"
    alert["endsAt"] = "0001-01-01T00:00:00Z"
    alert.pop("status", None)
    payload["status"] = "firing"

    assert (await api.post(URL, json=payload)).status_code == 202
    listed = await incidents(api)
    fired = listed[0]["timeline"][1]["data"]["alerts"][0]
    assert fired["starts_at"] == "2018-03-07T11:33:21.873077+00:00"
    last = await hub.events.last_seq()

    assert (await api.post(URL, json=payload)).status_code == 202
    assert await hub.events.last_seq() == last
    assert await incidents(api) == listed


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b'{"receiver": "x", "alerts": [', 400, "JSON"),
        (b"", 400, "JSON"),
        (b'{"receiver": "x", "status": "firing", "alerts": {"a": 1}, "groupKey": "g"}', 400,
         "alerts"),
        (b'{"status": "firing", "groupKey": "g", "alerts": [{"labels": {"a": 1}}]}', 400,
         "labels"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "deeper"),
    ],
)
async def test_malformed_bodies_are_refused_with_a_message_and_store_nothing(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, body: bytes, status: int, words: str
) -> None:
    before = await hub.events.last_seq()
    response = await api.post(URL, content=body, headers={"content-type": "application/json"})

    assert response.status_code == status
    assert words in response.json()["message"]
    assert await hub.incidents.collection.count({}) == 0
    assert await hub.events.last_seq() == before


async def test_unknown_key_is_404_and_stores_nothing(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    response = await api.post("/ingest/alertmanager/not-a-key", json=by_name("am_firing"))
    assert response.status_code == 404
    assert "integration" in response.json()["message"]
    assert await hub.incidents.collection.count({}) == 0
    assert await hub.db["alert_groups"].count({}) == 0


async def test_body_over_the_limit_is_413(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    big = json.dumps({"alerts": ["x" * 1024] * (hub.settings.max_body_bytes // 1024 + 1)})
    response = await api.post(URL, content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert await hub.incidents.collection.count({}) == 0
