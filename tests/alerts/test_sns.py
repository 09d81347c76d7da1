"""CloudWatch through SNS: the hub confirms a subscription by fetching its
SubscribeURL, here served by a loopback server; nothing else is fetched."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings
from tests.alerts.helpers import own_example, stored_counts
from tests.conftest import AUTH, free_port


@contextlib.asynccontextmanager
async def fake_sns() -> AsyncIterator[tuple[str, list[Request]]]:
    seen: list[Request] = []

    async def confirm(request: Request) -> PlainTextResponse:
        seen.append(request)
        return PlainTextResponse("<ConfirmSubscriptionResponse/>")

    port = free_port()
    app = Starlette(routes=[Route("/confirm", confirm)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no started event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def wired(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[Hub, Any]]:
    async with httpx.AsyncClient(headers={"x-outbound": "hub"}) as outbound:
        hub = Hub(settings, clock=clock, http=outbound)
        await hub.start(run_scheduler=False)
        await seed(hub)
        transport = httpx.ASGITransport(app=create_app(settings, hub=hub))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=AUTH
        ) as api:
            yield hub, api
        await hub.stop()


def _confirmation(url: str) -> dict[str, Any]:
    return own_example("cloudwatch", "cw_subscription_confirmation") | {"SubscribeURL": url}


async def test_subscription_is_confirmed_through_the_injected_client(
    wired: tuple[Hub, httpx.AsyncClient],
) -> None:
    hub, api = wired
    before = await stored_counts(hub)
    async with fake_sns() as (base, seen):
        response = await api.post(
            "/ingest/cloudwatch/demo-cloudwatch", json=_confirmation(f"{base}/confirm?Token=abc")
        )

    assert response.status_code == 202
    assert response.json()["subscriptionConfirmed"] is True
    assert [(r.query_params["Token"], r.headers["x-outbound"]) for r in seen] == [("abc", "hub")]
    assert await stored_counts(hub) == before


async def test_url_outside_the_allowed_pattern_is_never_fetched(
    wired: tuple[Hub, httpx.AsyncClient],
) -> None:
    _, api = wired
    async with fake_sns() as (base, seen):
        # Same server, but a host name the pattern does not allow.
        url = base.replace("127.0.0.1", "localhost") + "/confirm?Token=abc"
        response = await api.post("/ingest/cloudwatch/demo-cloudwatch", json=_confirmation(url))

    assert response.status_code == 202
    assert response.json()["subscriptionConfirmed"] is False
    assert seen == []
