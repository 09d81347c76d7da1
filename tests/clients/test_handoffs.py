"""Handoffs through the SDK and hubctl: they run once the hub offers handoffs."""

from __future__ import annotations

import asyncio
import json

from clients.python import HandoffBrief, HubClient, NextAction
from tests.clients.live import require_fields
from tests.clients.test_hubctl import hubctl
from tests.conftest import LiveServer
from tests.wsclient import until_live

BRIEF = HandoffBrief(
    current_status="5xx at 2%, rolled back",
    tried=["rollback"],
    next_actions=[NextAction(text="watch error budget")],
    risks=["retry storm"],
    links=["https://runbooks/checkout"],
)


async def test_accepting_a_handoff_moves_ownership(sdk: HubClient) -> None:
    await require_fields(sdk, "mutation", "proposeHandoff", "acceptHandoff")
    incident = await sdk.declare("Checkout errors", team="sre-emea")

    proposed = await sdk.propose_handoff([incident.ref], to_team="sre-amer", brief=BRIEF)
    accepted = await sdk.accept_handoff(proposed.id)
    owner = (await sdk.incident(incident.ref)).owner

    assert proposed.status == "PROPOSED" and accepted.status == "ACCEPTED"
    assert owner is not None and owner.team is not None and owner.team.slug == "sre-amer"


async def test_rejecting_keeps_ownership_and_is_heard_live(
    sdk: HubClient, demo_live: LiveServer
) -> None:
    await require_fields(sdk, "subscription", "handoffEvents")
    incident = await sdk.declare("Latency", team="sre-emea")
    stream = sdk.subscribe_handoffs("San Francisco")
    listening = asyncio.ensure_future(anext(stream))
    await until_live(demo_live.hub)

    proposed = await sdk.propose_handoff([incident.ref], to_team="sre-amer", brief=BRIEF)
    rejected = await sdk.reject_handoff(proposed.id, "no capacity")
    event = await asyncio.wait_for(listening, 30)

    assert rejected.status == "REJECTED" and rejected.reject_reason == "no capacity"
    assert event.type == "handoff.proposed"
    owner = (await sdk.incident(incident.ref)).owner
    assert owner is not None and owner.team is not None and owner.team.slug == "sre-emea"


async def test_hubctl_handoff_propose_and_accept(demo_live: LiveServer, sdk: HubClient) -> None:
    await require_fields(sdk, "mutation", "proposeHandoff", "acceptHandoff")
    incident = await sdk.declare("Queue backlog", team="sre-emea")

    proposed = await hubctl(
        demo_live,
        "--json",
        "handoff",
        "propose",
        incident.ref,
        "--to-team",
        "sre-amer",
        "--status",
        "draining",
        "--next",
        "scale consumers",
    )
    handoff_id = json.loads(proposed.out)["id"]
    accepted = await hubctl(demo_live, "handoff", "accept", handoff_id)

    assert proposed.code == 0 and accepted.code == 0, proposed.err + accepted.err
    assert "ACCEPTED" in accepted.out
