"""Response protocols and follow-ups over GraphQL."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import GraphQLFailed, as_actor, gql

DECLARE = """
mutation($team: ID!, $severity: Severity!) {
  declareIncident(input: {title: "Checkout down", teamId: $team, severity: $severity}) { id }
}"""

PROTOCOL = """
query($id: ID!) {
  incident(id: $id) {
    protocol {
      severity requiredRoles updateCadenceMinutes missingRoles overdueUpdate
      checklist { item label done doneBy }
    }
  }
}"""

CHECK = """
mutation($id: ID!, $item: String!) {
  checkProtocolItem(incidentId: $id, item: $item) {
    version protocol { checklist { item done doneBy } }
    timeline { type data }
  }
}"""

ASSIGN = """
mutation($id: ID!, $handle: String!, $role: String!) {
  assignResponder(id: $id, handle: $handle, role: $role) { id }
}"""

ADD = """
mutation($id: ID!, $input: FollowUpInput!) {
  addFollowUp(incidentId: $id, input: $input) {
    id title owner dueAt state createdBy incident { ref }
  }
}"""

UPDATE = """
mutation($id: ID!, $input: FollowUpUpdateInput!) {
  updateFollowUp(id: $id, input: $input) { id title owner dueAt state }
}"""

FOLLOW_UPS = """
query($id: ID!) { incident(id: $id) { followUps { title owner dueAt state } } }"""


async def declare(api: httpx.AsyncClient, demo: DemoData, severity: str = "SEV1") -> str:
    data = await gql(api, DECLARE, {"team": demo.team_ids["sre-emea"], "severity": severity})
    return str(data["declareIncident"]["id"])


async def protocol(api: httpx.AsyncClient, incident_id: str) -> dict:
    return (await gql(api, PROTOCOL, {"id": incident_id}))["incident"]["protocol"]


async def test_the_protocol_shown_follows_the_severity(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    sev1 = await protocol(api, await declare(api, demo, "SEV1"))
    sev4 = await protocol(api, await declare(api, demo, "SEV4"))

    assert sev1["requiredRoles"] == ["commander", "communications", "scribe"]
    assert sev1["updateCadenceMinutes"] == 30
    assert "status-page" in [c["item"] for c in sev1["checklist"]]
    assert sev4["requiredRoles"] == [] and sev4["updateCadenceMinutes"] is None
    assert sev4["missingRoles"] == [] and sev4["overdueUpdate"] is False
    listed = await gql(api, "{ responseProtocols { severity updateCadenceMinutes } }")
    assert [p["severity"] for p in listed["responseProtocols"]] == [
        "SEV1",
        "SEV2",
        "SEV3",
        "SEV4",
        "SEV5",
    ]


async def test_missing_roles_shrink_as_responders_take_them(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo)
    assert (await protocol(api, incident))["missingRoles"] == [
        "commander",
        "communications",
        "scribe",
    ]
    await gql(api, ASSIGN, {"id": incident, "handle": "olivia", "role": "commander"})
    await gql(api, ASSIGN, {"id": incident, "handle": "tomasz", "role": "scribe"})
    assert (await protocol(api, incident))["missingRoles"] == ["communications"]


async def test_checking_an_item_marks_it_once_with_who_did_it(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo)
    first = await gql(
        api, CHECK, {"id": incident, "item": "open-bridge"}, headers=as_actor("olivia")
    )
    again = await gql(
        api, CHECK, {"id": incident, "item": "open-bridge"}, headers=as_actor("sam")
    )

    done = {
        c["item"]: (c["done"], c["doneBy"])
        for c in again["checkProtocolItem"]["protocol"]["checklist"]
    }
    assert done["open-bridge"] == (True, "olivia")
    assert done["status-page"] == (False, None)
    assert again["checkProtocolItem"]["version"] == first["checkProtocolItem"]["version"]
    checked = [
        e
        for e in again["checkProtocolItem"]["timeline"]
        if e["type"] == "incident.protocol_item_checked"
    ]
    assert [e["data"]["item"] for e in checked] == ["open-bridge"]


async def test_an_item_from_another_severity_is_refused_with_the_valid_ones(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo, "SEV3")
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, CHECK, {"id": incident, "item": "status-page"})
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "triage" in failed.value.errors[0]["message"]


async def test_follow_ups_keep_owner_due_date_and_state(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident = await declare(api, demo)
    added = await gql(
        api,
        ADD,
        {
            "id": incident,
            "input": {
                "title": "Alert on pool saturation",
                "owner": "olivia",
                "dueAt": "2025-06-20T17:00:00+01:00",
            },
        },
        headers=as_actor("sam"),
    )
    follow_up = added["addFollowUp"]
    assert follow_up["dueAt"] == "2025-06-20T16:00:00+00:00"
    assert (follow_up["state"], follow_up["createdBy"]) == ("OPEN", "sam")

    moved = await gql(
        api, UPDATE, {"id": follow_up["id"], "input": {"owner": "tomasz", "state": "DONE"}}
    )
    assert moved["updateFollowUp"]["owner"] == "tomasz"
    assert moved["updateFollowUp"]["title"] == "Alert on pool saturation"
    await gql(api, UPDATE, {"id": follow_up["id"], "input": {"dueAt": None}})

    shown = (await gql(api, FOLLOW_UPS, {"id": incident}))["incident"]["followUps"]
    assert shown == [
        {"title": "Alert on pool saturation", "owner": "tomasz", "dueAt": None, "state": "DONE"}
    ]
    kinds = [e.type for e in await hub.events.for_incident(incident)]
    assert kinds.count("incident.follow_up_updated") == 2


@pytest.mark.parametrize(
    ("mutation", "variables", "code"),
    [
        (ADD, {"input": {"title": "x", "owner": "nobody"}}, "NOT_FOUND"),
        (ADD, {"input": {"title": "", "owner": "olivia"}}, "BAD_USER_INPUT"),
        (UPDATE, {"id": "0" * 24, "input": {"state": "DONE"}}, "NOT_FOUND"),
        (UPDATE, {"id": "not-an-id", "input": {"state": "DONE"}}, "BAD_USER_INPUT"),
        (UPDATE, {"input": {}}, "BAD_USER_INPUT"),
    ],
)
async def test_bad_follow_up_requests_are_refused_and_change_nothing(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, mutation: str, variables: dict, code: str
) -> None:
    incident = await declare(api, demo)
    existing = await gql(
        api, ADD, {"id": incident, "input": {"title": "Write the review", "owner": "olivia"}}
    )
    before = await hub.incidents.get(incident)
    with pytest.raises(GraphQLFailed) as failed:
        await gql(
            api,
            mutation,
            {"id": incident if mutation is ADD else existing["addFollowUp"]["id"], **variables},
        )
    assert failed.value.codes == [code]
    assert (await hub.incidents.get(incident)).version == before.version
