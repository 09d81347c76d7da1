"""Per-key rate limits answer 429 with Retry-After; other keys keep going."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app import create_app
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings
from tests.alerts.conftest import LOOPBACK_ONLY
from tests.alerts.helpers import incidents
from tests.conftest import AUTH, make_settings


@pytest.fixture
def settings() -> Settings:
    return make_settings(ingest_rate_limit="3/minute", sns_subscribe_url_pattern=LOOPBACK_ONLY)


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    await seed(hub)
    transport = httpx.ASGITransport(app=create_app(hub.settings, hub=hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=AUTH) as c:
        yield c


def _alert(i: int) -> dict[str, str]:
    return {"dedup_key": f"a{i}", "action": "trigger", "title": f"alert {i}"}


async def test_fourth_request_in_a_minute_is_429_with_retry_after(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    codes = [
        (await client.post("/ingest/generic/demo-generic", json=_alert(i))).status_code
        for i in range(4)
    ]
    limited = await client.post("/ingest/generic/demo-generic", json=_alert(9))
    other_key = await client.post(
        "/ingest/opsgenie/demo-opsgenie", json={"action": "AddNote", "alert": {"alias": "x"}}
    )

    assert codes == [202, 202, 202, 429]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["error"] == "RATE_LIMITED"
    assert other_key.status_code == 202
    assert len(await incidents(hub)) == 3


async def test_pagerduty_throttle_uses_its_shape(client: httpx.AsyncClient) -> None:
    body = {"routing_key": "demo-pagerduty", "event_action": "resolve", "dedup_key": "k"}
    answers = [await client.post("/v2/enqueue", json=body) for _ in range(4)]

    assert answers[-1].status_code == 429
    assert answers[-1].json()["status"] == "throttle event"
    assert "Retry-After" in answers[-1].headers
