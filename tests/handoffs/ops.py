"""GraphQL operations the handoff tests share."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import as_actor, gql

HANDOFF_FIELDS = """
  id status automatic proposedBy proposedAt expiresAt respondedBy respondedAt rejectReason
  fromRegion { name } toRegion { name } fromTeam { slug } toTeam { slug }
  incidents { id ref team { slug } }
  brief { currentStatus tried nextActions { text done } risks links }
"""

OWNERSHIP = """
query($id: ID!) {
  incident(id: $id) {
    ref status team { slug } region { name }
    ownership { region { name } team { slug } since until durationSeconds via }
    timeline { type actor regionIds data }
  }
}"""


async def declare(api: httpx.AsyncClient, team_id: str, title: str = "Checkout errors") -> str:
    data = await gql(
        api,
        "mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }",
        {"i": {"title": title, "teamId": team_id, "severity": "SEV2"}},
        headers=as_actor("mei"),
    )
    return str(data["declareIncident"]["id"])


async def propose(
    api: httpx.AsyncClient,
    incident_ids: list[str],
    to_team_id: str,
    brief: dict[str, Any] | None = None,
    actor: str = "mei",
) -> dict[str, Any]:
    data = await gql(
        api,
        "mutation($i: ProposeHandoffInput!) { proposeHandoff(input: $i) {"
        + HANDOFF_FIELDS
        + "} }",
        {"i": {"incidentIds": incident_ids, "toTeamId": to_team_id, "brief": brief or {}}},
        headers=as_actor(actor),
    )
    return dict(data["proposeHandoff"])


async def accept(api: httpx.AsyncClient, handoff_id: str, actor: str) -> dict[str, Any]:
    data = await gql(
        api,
        "mutation($id: ID!) { acceptHandoff(id: $id) {" + HANDOFF_FIELDS + "} }",
        {"id": handoff_id},
        headers=as_actor(actor),
    )
    return dict(data["acceptHandoff"])


async def reject(
    api: httpx.AsyncClient, handoff_id: str, reason: str, actor: str
) -> dict[str, Any]:
    data = await gql(
        api,
        "mutation($id: ID!, $r: String!) { rejectHandoff(id: $id, reason: $r) {"
        + HANDOFF_FIELDS
        + "} }",
        {"id": handoff_id, "r": reason},
        headers=as_actor(actor),
    )
    return dict(data["rejectHandoff"])


async def handoffs(
    api: httpx.AsyncClient, region: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    data = await gql(
        api,
        "query($r: String, $s: HandoffStatus) {"
        " handoffs(region: $r, status: $s, first: 100) { nodes {" + HANDOFF_FIELDS + "} } }",
        {"r": region, "s": status},
    )
    return list(data["handoffs"]["nodes"])


async def incident(api: httpx.AsyncClient, incident_id: str) -> dict[str, Any]:
    return dict((await gql(api, OWNERSHIP, {"id": incident_id}))["incident"])
