"""Who may propose, answer and read a handoff.

The receiving team answers a handoff, never its proposer: a member of that
team, a token scoped to its region or team, or an admin. A token scoped to
some regions or teams sees only handoffs with its side in them, and only the
incidents it may read.
"""

from __future__ import annotations

import json

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import GraphQLFailed, as_actor, bearer, gql, serve
from tests.handoffs.ops import HANDOFF_FIELDS, accept, declare, propose, reject
from tests.wsclient import connect, receive, subscribe, until_live

LONDON = {"Authorization": "Bearer demo-london-responder-token"}
ACCEPT = "mutation($id: ID!) { acceptHandoff(id: $id) { status respondedBy } }"
REJECT = 'mutation($id: ID!) { rejectHandoff(id: $id, reason: "no one free") { status } }'
PROPOSE = "mutation($i: ProposeHandoffInput!) { proposeHandoff(input: $i) { id status } }"


async def offer(api: httpx.AsyncClient, demo: DemoData, src: str, dst: str) -> dict:
    incident_id = await declare(api, demo.team_ids[src], f"{src} to {dst}")
    return await propose(api, [incident_id], demo.team_ids[dst], actor="mei")


async def test_a_region_scoped_token_answers_handoffs_into_its_region_only(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    to_london = await offer(api, demo, "sre-apac", "sre-emea")
    to_london_too = await offer(api, demo, "sre-apac", "sre-emea")
    to_sf = await offer(api, demo, "sre-apac", "sre-amer")

    accepted = await gql(api, ACCEPT, {"id": to_london["id"]}, headers=LONDON)
    rejected = await gql(api, REJECT, {"id": to_london_too["id"]}, headers=LONDON)
    refused = []
    for query in (ACCEPT, REJECT):
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, query, {"id": to_sf["id"]}, headers=LONDON)
        refused.append(failed.value.codes)

    assert accepted["acceptHandoff"] == {
        "status": "ACCEPTED",
        "respondedBy": "demo-london-responder",
    }
    assert rejected["rejectHandoff"]["status"] == "REJECTED"
    assert refused == [["FORBIDDEN"], ["FORBIDDEN"]]


async def test_a_scoped_token_proposes_only_its_own_incidents(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    ldn = await declare(api, demo.team_ids["sre-emea"], "London's own")
    sg = await declare(api, demo.team_ids["sre-apac"], "Singapore's")

    mine = await gql(
        api,
        PROPOSE,
        {"i": {"incidentIds": [ldn], "toTeamId": demo.team_ids["sre-amer"]}},
        headers=LONDON,
    )
    with pytest.raises(GraphQLFailed) as failed:
        await gql(
            api,
            PROPOSE,
            {"i": {"incidentIds": [sg], "toTeamId": demo.team_ids["sre-emea"]}},
            headers=LONDON,
        )

    assert mine["proposeHandoff"]["status"] == "PROPOSED"
    # Singapore's incident reads as missing to a London token.
    assert failed.value.codes == ["NOT_FOUND"]


async def test_only_the_receiving_team_answers_and_never_the_proposer(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    # mei (sre-apac) offers to London; sam is in San Francisco's team.
    proposed = await offer(api, demo, "sre-apac", "sre-emea")
    refusals = {}
    for actor in ("mei", "sam"):
        for verb, call in (("accept", accept), ("reject", reject)):
            args = (
                (api, proposed["id"], "nope", actor)
                if verb == "reject"
                else (api, proposed["id"], actor)
            )
            with pytest.raises(GraphQLFailed) as failed:
                await call(*args)  # type: ignore[operator]
            refusals[(actor, verb)] = (failed.value.codes, failed.value.errors[0]["message"])

    accepted = await accept(api, proposed["id"], "tomasz")  # a London member

    assert {k: codes for k, (codes, _) in refusals.items()} == {
        ("mei", "accept"): ["FORBIDDEN"],
        ("mei", "reject"): ["FORBIDDEN"],
        ("sam", "accept"): ["FORBIDDEN"],
        ("sam", "reject"): ["FORBIDDEN"],
    }
    assert "proposed" in refusals[("mei", "accept")][1]
    assert "sre-emea" in refusals[("sam", "accept")][1]
    assert (accepted["status"], accepted["respondedBy"]) == ("ACCEPTED", "tomasz")


async def test_an_unscoped_responder_outside_every_team_cannot_accept_but_an_admin_can(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    first = await offer(api, demo, "sre-apac", "sre-emea")
    second = await offer(api, demo, "sre-apac", "sre-emea")
    stranger = await bearer(hub, "night-bot")

    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, ACCEPT, {"id": first["id"]}, headers=stranger)
    by_admin = await gql(api, ACCEPT, {"id": second["id"]})

    assert failed.value.codes == ["FORBIDDEN"]
    assert by_admin["acceptHandoff"]["status"] == "ACCEPTED"


LIST = "query($r: String) { handoffs(region: $r) { nodes {" + HANDOFF_FIELDS + "} } }"
ONE = """query($id: ID!) { handoff(id: $id) {
  status incidents { ref title timeline { data } } } }"""


async def test_a_scoped_token_reads_only_handoffs_with_its_side_in_them(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    sg_to_sf = await offer(api, demo, "sre-apac", "sre-amer")
    sg_to_ldn = await offer(api, demo, "sre-apac", "sre-emea")
    ldn_id = await declare(api, demo.team_ids["sre-emea"], "London to SF")
    ldn_to_sf = await propose(api, [ldn_id], demo.team_ids["sre-amer"], actor="olivia")

    in_sf = await gql(api, LIST, {"r": "San Francisco"}, headers=LONDON)
    everything = await gql(api, LIST, {}, headers=LONDON)
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, ONE, {"id": sg_to_sf["id"]}, headers=LONDON)
    inbound = await gql(api, ONE, {"id": sg_to_ldn["id"]}, headers=LONDON)
    outbound = await gql(api, ONE, {"id": ldn_to_sf["id"]}, headers=LONDON)

    assert [h["id"] for h in in_sf["handoffs"]["nodes"]] == [ldn_to_sf["id"]]
    assert {h["id"] for h in everything["handoffs"]["nodes"]} == {
        ldn_to_sf["id"], sg_to_ldn["id"]
    }
    assert failed.value.codes == ["FORBIDDEN"]
    # Offered to London but still Singapore's: London reads the brief, not the incident.
    assert inbound["handoff"] == {"status": "PROPOSED", "incidents": []}
    assert [i["title"] for i in outbound["handoff"]["incidents"]] == ["London to SF"]


async def test_handoff_events_reach_a_scoped_subscriber_only_within_its_scope(
    hub: Hub, demo: DemoData
) -> None:
    async with serve(hub) as live:
        viewer = await bearer(hub, "emea-viewer", "viewer", team_ids=[demo.team_ids["sre-emea"]])
        async with (
            httpx.AsyncClient(base_url=live.url, headers=as_actor("mei")) as api,
            connect(live.ws_url, init=viewer) as ws,
        ):
            await subscribe(
                ws,
                "h",
                'subscription { handoffEvents(region: "San Francisco") { type data } }',
            )
            await until_live(hub)
            await offer(api, demo, "sre-apac", "sre-amer")
            ldn_id = await declare(api, demo.team_ids["sre-emea"], "London to SF")
            await propose(api, [ldn_id], demo.team_ids["sre-amer"], actor="olivia")
            first = await receive(ws)

    assert first["type"] == "next", first
    data = first["payload"]["data"]["handoffEvents"]["data"]
    heard = json.loads(data) if isinstance(data, str) else data
    assert (heard["from_region"], heard["to_region"]) == ("London", "San Francisco")
