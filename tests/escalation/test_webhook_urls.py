"""Webhook URLs: refused at write time unless a client can send to them; never lost."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import uvicorn
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from hub.clock import ManualClock
from hub.demo import seed
from tests.conftest import GraphQLFailed, free_port, gql, make_settings
from tests.escalation.test_webhooks import SECRET, SET_HOOK, one_level
from tests.escalation.world import DAY, api_for, declare, demo_hub, new_hub, settle

UNSENDABLE = [
    "http://[::1",  # an unclosed IPv6 literal
    "http://hooks.example.com:99999/hook",  # no such port
    "http://hooks.example.com:0/hook",
    "http://hooks.example.com:http/hook",
    "http://éxämple..com/hook",  # an empty label: no IDNA form
    "http://xn--zz.example.com/hook",  # an invalid A-label
    "http://exa\x00mple.com/hook",
    "http://example.com/ho\x00ok",
    "http://ex ample.com/hook",
    "http://-hooks.example.com/hook",
    "http://user:password@hooks.example.com/hook",  # reads would show the password
    "ftp://hooks.example.com/hook",
    "http:///hook",
]
SENDABLE = [
    "https://hooks.example.com/escalation?team=emea",
    "http://[::1]:8080/hook",
    "http://127.0.0.1:9/hook",
    "https://bücher.example/hook",
    "http://hooks_internal:8000/hook",
]


async def test_a_webhook_url_no_client_could_send_to_is_refused_as_bad_input() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    team = demo.team_ids["sre-emea"]
    async with api_for(hub) as api:
        for url in UNSENDABLE:
            with pytest.raises(GraphQLFailed) as refused:
                await gql(api, SET_HOOK, {"team": team, "url": url, "secret": SECRET})
            assert refused.value.codes == ["BAD_USER_INPUT"], url
        for url in SENDABLE:
            done = await gql(api, SET_HOOK, {"team": team, "url": url, "secret": SECRET})
            assert done["setTeamWebhook"]["url"] == url
    await hub.stop()


@pytest.mark.parametrize("url", ["http://éxämple..com/hook", "http://example.com/h\x00ok"])
async def test_a_stored_url_the_client_refuses_fails_on_the_timeline(url: str) -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await one_level(hub, demo)
    team = demo.team_ids["sre-emea"]
    # Stored before URLs were checked this strictly: delivery must still record it.
    await hub.db["webhooks"].update_one(
        {"id": team}, {"$set": {"url": url, "secret": SECRET}}, upsert=True
    )
    incident_id = await declare(hub, demo)
    for _ in range(10):
        await settle(hub)
        clock.advance(timedelta(minutes=10))

    (note,) = await hub.escalation.notifier.for_incident(incident_id)
    assert note.state == "FAILED" and len(note.attempts) == 6
    assert all("InvalidURL" in (a.error or "") for a in note.attempts)
    failed = [
        e
        for e in await hub.events.for_incident(incident_id)
        if e.type == "incident.notification_failed"
    ]
    assert len(failed) == 1 and "InvalidURL" in failed[0].data["error"]
    await hub.stop()


@contextlib.asynccontextmanager
async def dribbling_receiver() -> AsyncIterator[str]:
    """A receiver that answers at once, then sends its body a byte every 0.1 s."""
    port = free_port()

    async def body() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"."
            await asyncio.sleep(0.1)

    async def hook(request: Request) -> StreamingResponse:
        await request.body()
        return StreamingResponse(body())

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 5 s for uvicorn to bind
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.should_exit = True
        await task


async def test_a_slow_receiver_is_cut_off_at_the_whole_attempts_deadline() -> None:
    clock = ManualClock(DAY)
    hub = await new_hub(clock, webhook_timeout=0.5)
    demo = await seed(hub)
    await one_level(hub, demo)
    async with dribbling_receiver() as url:
        await hub.escalation.webhooks.set(
            team_id=demo.team_ids["sre-emea"], url=url, secret=SECRET, actor="t"
        )
        incident_id = await declare(hub, demo)
        await settle(hub)
    (note,) = await hub.escalation.notifier.for_incident(incident_id)
    (attempt,) = note.attempts
    # Each chunk comes well within the client's per-read timeout; only a
    # deadline on the whole attempt stops it before the body's 2 s are over.
    assert attempt.error is not None and attempt.error.startswith("TimeoutError")
    assert attempt.duration_ms < 1500
    await hub.stop()


def test_a_webhook_timeout_that_could_outlive_the_job_lease_is_refused() -> None:
    with pytest.raises(ValidationError, match="webhook_timeout"):
        make_settings(webhook_timeout=45)
