"""Acceptance 4: malformed bodies get 400/413/422 with a message, and every
one of them stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.alerts.sources import SOURCES
from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import stored_counts

NESTED = b'{"alerts":' + b"[" * 10_000 + b"]" * 10_000 + b"}"

# Per source: a body of the wrong types, and one missing a required field.
WRONG_TYPES = {
    "alertmanager": {"status": "firing", "alerts": {"not": "a list"}},
    "grafana": {"status": "firing", "alerts": [{"status": 7}]},
    "grafana_oncall": {"event": "resolve", "alert_group": {"id": "x"}},
    "pagerduty": {"routing_key": "k", "event_action": ["trigger"]},
    "opsgenie": {"action": "Create", "alert": "text"},
    "cloudwatch": {"Type": "Notification", "Message": 42},
    "generic": {"dedup_key": 5, "action": "trigger", "title": "t"},
}
MISSING = {
    "alertmanager": {"status": "firing"},
    "grafana": {"alerts": []},
    "grafana_oncall": {"event": {"type": "resolve"}, "alert_group": {}},
    "pagerduty": {"routing_key": "k", "event_action": "trigger"},
    "opsgenie": {"alert": {"alias": "a"}},
    "cloudwatch": {"Type": "Notification"},
    "generic": {"action": "trigger", "title": "t"},
}
BODIES = {
    "truncated": b'{"alerts": [{"status": "firing", "labels": {"a',
    "not-json": b"alert!",
    "empty": b"",
    "nested-10000": NESTED,
}


def _cases() -> list[object]:
    cases: list[object] = []
    for source in SOURCES:
        for name, raw in BODIES.items():
            cases.append(pytest.param(source, raw, id=f"{source}-{name}"))
        for name, table in (("wrong-types", WRONG_TYPES), ("missing", MISSING)):
            raw = httpx.Request("POST", "/", json=table[source]).content
            cases.append(pytest.param(source, raw, id=f"{source}-{name}"))
    return cases


@pytest.mark.parametrize(("source", "raw"), _cases())
async def test_malformed_body_is_refused_with_a_message_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, source: str, raw: bytes
) -> None:
    before = await stored_counts(hub)

    response = await api.post(f"/ingest/{source}/demo-{source}", content=raw)

    assert response.status_code in (400, 422), response.text
    body = response.json()
    assert body.get("message"), body
    assert await stored_counts(hub) == before


async def test_nested_body_names_the_depth_limit(api: httpx.AsyncClient, demo: DemoData) -> None:
    response = await api.post("/ingest/alertmanager/demo-alertmanager", content=NESTED)

    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["message"]


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 65536 + 1):
        yield b" " * 65536


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_body_over_the_limit_is_413_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, declared: bool
) -> None:
    limit = hub.settings.max_body_bytes
    before = await stored_counts(hub)
    content: bytes | AsyncIterator[bytes] = b" " * (limit + 1) if declared else _chunks(limit + 1)

    response = await api.post("/ingest/generic/demo-generic", content=content)

    assert response.status_code == 413
    assert f"{limit}-byte limit" in response.json()["message"]
    assert await stored_counts(hub) == before


@pytest.mark.parametrize("key", ["no-such-key", "demo-grafana"], ids=["unknown", "other-source"])
async def test_unknown_key_is_404_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, key: str
) -> None:
    before = await stored_counts(hub)

    response = await api.post(
        f"/ingest/generic/{key}", json={"dedup_key": "d", "action": "trigger", "title": "t"}
    )

    assert response.status_code == 404
    assert await stored_counts(hub) == before
