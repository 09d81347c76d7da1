"""PagerDuty senders change only the URL: Events API v2 at ``/v2/enqueue`` and
at ``/ingest/pagerduty/{key}``, answered in PagerDuty's own shapes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, own_example, shared_example, stored_counts

KEY = "demo-pagerduty"


def _event(action: str, dedup_key: str | None = "web/5xx", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": KEY, "event_action": action, **extra}
    if dedup_key is not None:
        body["dedup_key"] = dedup_key
    if action == "trigger":
        body["payload"] = {"summary": "5xx at 9%", "source": "lb-1", "severity": "error"}
    return body


async def test_enqueue_answers_with_pagerdutys_success_shape(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    captured = shared_example("pagerduty_events_v2_success_response")

    response = await api.post("/v2/enqueue", json=_event("trigger", captured["dedup_key"]))

    assert response.status_code == 202
    assert response.json() == captured


async def test_acknowledge_and_resolve_act_on_the_triggered_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    statuses = []
    for action in ("trigger", "acknowledge", "resolve"):
        response = await api.post("/v2/enqueue", json=_event(action))
        assert response.status_code == 202, response.text
        assert response.json()["dedup_key"] == "web/5xx"
        statuses.append([i.status.value for i in await incidents(hub)])

    assert statuses == [["TRIGGERED"], ["ACKNOWLEDGED"], ["RESOLVED"]]


async def test_trigger_without_dedup_key_gets_a_stable_one(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    first = await api.post(f"/ingest/pagerduty/{KEY}", json=_event("trigger", None))
    again = await api.post(f"/ingest/pagerduty/{KEY}", json=_event("trigger", None))

    assert first.status_code == again.status_code == 202
    assert first.json()["dedup_key"] == again.json()["dedup_key"]
    assert len(await incidents(hub)) == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"event_action": "trigger"}, "routing_key"),
        (_event("explode"), "event_action must be one of"),
        (_event("trigger") | {"payload": {"summary": "x", "source": "y"}}, "severity"),
        (_event("acknowledge", None), "dedup_key is required"),
    ],
    ids=["no-routing-key", "bad-action", "no-severity", "ack-without-key"],
)
async def test_refused_event_gets_pagerdutys_error_shape_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, body: dict[str, Any], error: str
) -> None:
    captured = shared_example("pagerduty_events_v2_error_response")
    before = await stored_counts(hub)

    response = await api.post("/v2/enqueue", json=body)

    assert response.status_code == 400
    assert response.json().keys() == captured.keys()
    assert error in response.json()["errors"][0]
    assert await stored_counts(hub) == before


async def test_unknown_routing_key_is_404_in_pagerduty_shape(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    before = await stored_counts(hub)
    body = own_example("pagerduty", "pd_trigger") | {"routing_key": "not-a-key"}

    by_body = await api.post("/v2/enqueue", json=body)
    by_url = await api.post("/ingest/pagerduty/not-a-key", json=body)

    for response in (by_body, by_url):
        assert response.status_code == 404
        assert response.json()["status"] == "invalid routing key"
    assert await stored_counts(hub) == before
