"""Signed webhooks to a real HTTP receiver on loopback: retries, records, drills."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.clock import ManualClock
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from tests.conftest import free_port, gql
from tests.escalation.world import DAY, api_for, declare, demo_hub, settle, with_policy

SECRET = "s3cret-for-the-emea-webhook"


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@contextlib.asynccontextmanager
async def receiver(fail_first: int) -> AsyncIterator[Receiver]:
    port = free_port()
    got = Receiver(f"http://127.0.0.1:{port}/hook", fail_first)

    async def hook(request: Request) -> Response:
        got.requests.append((dict(request.headers), await request.body()))
        failing = len(got.requests) <= got.fail_first
        return Response("no" if failing else "ok", status_code=503 if failing else 200)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 5 s for uvicorn to bind
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield got
    finally:
        server.should_exit = True
        await task


def signed_correctly(headers: dict[str, str], body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["x-hub-signature-256"].split(","))
    mac = hmac.new(SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


SET_HOOK = """mutation($team: ID!, $url: String!, $secret: String!) {
  setTeamWebhook(teamId: $team, url: $url, secret: $secret) { teamId url updatedBy }
}"""
NOTES = """query($id: ID!) { notifications(incidentId: $id) { nodes {
  state retried drill handles attempts { number statusCode } } } }"""


async def one_level(hub, demo) -> None:  # type: ignore[no-untyped-def]
    await with_policy(
        hub,
        demo,
        PolicyCreate(
            name="page",
            levels=[
                EscalationLevel(
                    targets=[Target(kind=TargetKind.TEAM, value=demo.team_ids["sre-emea"])]
                )
            ],
        ),
    )


async def test_a_receiver_failing_twice_gets_one_signed_delivery_recorded_as_retried() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await one_level(hub, demo)
    async with receiver(fail_first=2) as rx, api_for(hub) as api:
        team = demo.team_ids["sre-emea"]
        set_hook = await gql(api, SET_HOOK, {"team": team, "url": rx.url, "secret": SECRET})
        assert set_hook["setTeamWebhook"]["url"] == rx.url
        incident_id = await declare(hub, demo, exercise=True)
        await settle(hub)
        for wait in (5, 15):  # the notify retry policy: 5 s, then 15 s
            clock.advance(timedelta(seconds=wait - 1))
            await settle(hub)
            assert len(rx.requests) == 1 + (wait == 15), "retried before its backoff"
            clock.advance(timedelta(seconds=1))
            await settle(hub)
        clock.advance(timedelta(hours=1))
        await settle(hub)

        assert len(rx.requests) == 3
        assert all(signed_correctly(h, b) for h, b in rx.requests)
        assert {h["x-hub-delivery"] for h, _ in rx.requests} == {f"{incident_id}-1-{team}"}
        assert [h["x-hub-attempt"] for h, _ in rx.requests] == ["1", "2", "3"]
        payload = json.loads(rx.requests[-1][1])
        assert payload["drill"] is True and payload["level"] == 1
        assert sorted(payload["targets"]) == ["olivia", "tomasz"]
        (note,) = (await gql(api, NOTES, {"id": incident_id}))["notifications"]["nodes"]
        assert note["state"] == "DELIVERED" and note["retried"] is True and note["drill"]
        assert [a["statusCode"] for a in note["attempts"]] == [503, 503, 200]
        shown = await api.post(
            "/graphql",
            json={
                "query": "query($t: ID!) { teamWebhook(teamId: $t) { url } }",
                "variables": {"t": team},
            },
        )
        assert SECRET not in shown.text and rx.url in shown.text
    await hub.stop()


async def test_a_receiver_that_never_answers_well_fails_on_the_timeline() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await one_level(hub, demo)
    async with receiver(fail_first=100) as rx:
        await hub.escalation.webhooks.set(
            team_id=demo.team_ids["sre-emea"], url=rx.url, secret=SECRET, actor="t"
        )
        incident_id = await declare(hub, demo)
        for _ in range(10):
            await settle(hub)
            clock.advance(timedelta(minutes=10))
        (note,) = await hub.escalation.notifier.for_incident(incident_id)
        assert note.state == "FAILED" and len(note.attempts) == 6 == len(rx.requests)
        assert note.payload["drill"] is False
    failed = [
        e
        for e in await hub.events.for_incident(incident_id)
        if e.type == "incident.notification_failed"
    ]
    assert len(failed) == 1 and failed[0].data["error"] == "HTTP 503"
    await hub.stop()
