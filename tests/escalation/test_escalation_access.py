"""Who may read and steer an incident's escalation: roles and token scopes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from hub.incidents.models import IncidentDeclare, Severity
from tests.conftest import GraphQLFailed, as_actor, bearer, gql
from tests.escalation.world import settle, with_policy

FIELDS = """{ __schema { queryType { fields {
  name args { name } type { kind ofType { kind ofType { kind ofType { kind } } } } } } } }"""
ESCALATE = """mutation($id: ID!) { escalateIncident(id: $id, toLevel: 1) {
  steps { level manual } } }"""


def _is_object(type_ref: dict[str, Any] | None) -> bool:
    # Follows NON_NULL and LIST wrappers down to the named type's kind.
    while type_ref is not None:
        if type_ref["kind"] in ("OBJECT", "INTERFACE", "UNION"):
            return True
        type_ref = type_ref.get("ofType")
    return False


async def _apac_incident(hub: Hub, demo: DemoData) -> str:
    policy = PolicyCreate(
        name="apac",
        levels=[
            EscalationLevel(
                targets=[Target(kind=TargetKind.TEAM, value=demo.team_ids["sre-apac"])]
            ),
            EscalationLevel(targets=[Target(kind=TargetKind.MEMBER, value="mei")]),
        ],
    )
    await with_policy(hub, demo, policy, "sre-apac")
    data = IncidentDeclare(
        title="db down", severity=Severity.SEV2, team_id=demo.team_ids["sre-apac"]
    )
    incident = await hub.flows.declare(data, actor="pagerbot")
    await settle(hub)
    return incident.id


async def test_every_query_about_an_incident_refuses_a_token_scoped_elsewhere(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident_id = await _apac_incident(hub, demo)
    london = await bearer(hub, "london", "viewer", region_ids=[demo.region_ids["London"]])
    singapore = await bearer(hub, "sg", "viewer", region_ids=[demo.region_ids["Singapore"]])
    fields = (await gql(api, FIELDS))["__schema"]["queryType"]["fields"]
    about_incident = [f for f in fields if any(a["name"] == "incidentId" for a in f["args"])]
    assert {"notifications", "incidentEscalation", "escalationPreview"} <= {
        f["name"] for f in about_incident
    }

    for field in about_incident:
        selection = "{ __typename }" if _is_object(field["type"]) else ""
        query = f"query($id: ID!) {{ {field['name']}(incidentId: $id) {selection} }}"
        with pytest.raises(GraphQLFailed) as refused:
            await gql(api, query, {"id": incident_id}, headers=london)
        # Outside the scope an incident reads as missing, like one never declared.
        assert refused.value.codes == ["NOT_FOUND"], field["name"]
        assert await gql(api, query, {"id": incident_id}, headers=singapore), field["name"]


async def test_responders_escalate_by_hand_within_their_scope(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident_id = await _apac_incident(hub, demo)
    london = await bearer(hub, "london", "responder", region_ids=[demo.region_ids["London"]])
    watcher = await bearer(hub, "watcher", "viewer")

    with pytest.raises(GraphQLFailed) as outside:
        await gql(api, ESCALATE, {"id": incident_id}, headers=london)
    with pytest.raises(GraphQLFailed) as viewer:
        await gql(api, ESCALATE, {"id": incident_id}, headers=watcher)
    done = await gql(api, ESCALATE, {"id": incident_id}, headers=as_actor("mei"))

    assert outside.value.codes == ["NOT_FOUND"]
    assert viewer.value.codes == ["FORBIDDEN"]
    assert done["escalateIncident"]["steps"][-1] == {"level": 1, "manual": True}
