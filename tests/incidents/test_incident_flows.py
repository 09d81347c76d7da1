"""Declaring an incident and walking its lifecycle over GraphQL."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import GraphQLFailed, as_actor, gql

DECLARE = """
mutation($input: DeclareIncidentInput!) {
  declareIncident(input: $input) {
    id ref status severity version region { name } team { slug }
    timeline { type sequence cursor actor }
  }
}"""

STATUS = """
mutation($id: ID!, $status: IncidentStatus!, $v: Int) {
  changeIncidentStatus(id: $id, status: $status, expectedVersion: $v) {
    id status version statusTimes { status at }
  }
}"""


async def declare(
    api: httpx.AsyncClient, team_id: str, *, headers: dict[str, str] | None = None,
    **extra: object,
) -> dict:
    variables = {"input": {"title": "Checkout errors", "teamId": team_id, "severity": "SEV2",
                           **extra}}
    data = await gql(api, DECLARE, variables, headers=headers)
    return data["declareIncident"]


async def test_declare_opens_a_triggered_incident_in_the_team_region(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"], headers=as_actor("olivia"))

    assert incident["ref"].startswith("INC-")
    assert incident["status"] == "TRIGGERED"
    assert incident["region"]["name"] == "London"
    assert [e["type"] for e in incident["timeline"]] == ["incident.declared"]
    assert incident["timeline"][0]["actor"] == "olivia"


async def test_lifecycle_keeps_the_time_of_each_status(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    ack = await gql(api, "mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }",
                    {"id": incident["id"]})
    assert ack["acknowledgeIncident"]["status"] == "ACKNOWLEDGED"
    for status in ["INVESTIGATING", "MITIGATED", "RESOLVED", "CLOSED"]:
        moved = await gql(api, STATUS, {"id": incident["id"], "status": status})
    final = moved["changeIncidentStatus"]
    assert [s["status"] for s in final["statusTimes"]] == [
        "TRIGGERED", "ACKNOWLEDGED", "INVESTIGATING", "MITIGATED", "RESOLVED", "CLOSED"
    ]
    assert final["version"] == 6


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "CLOSED"),  # TRIGGERED cannot jump to CLOSED
        (["RESOLVED", "CLOSED"], "INVESTIGATING"),  # CLOSED is final
        (["INVESTIGATING"], "ACKNOWLEDGED"),  # no way back to ACKNOWLEDGED
    ],
)
async def test_invalid_transition_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, path: list[str], target: str
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    for status in path:
        await gql(api, STATUS, {"id": incident["id"], "status": status})
    before = await hub.incidents.get(incident["id"])
    events_before = len(await hub.events.for_incident(incident["id"]))

    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, STATUS, {"id": incident["id"], "status": target})

    assert failed.value.codes == ["INVALID_TRANSITION"]
    assert target in failed.value.errors[0]["message"]
    after = await hub.incidents.get(incident["id"])
    assert after == before
    assert len(await hub.events.for_incident(incident["id"])) == events_before


async def test_acknowledging_twice_is_an_invalid_transition(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    ack = "mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }"
    await gql(api, ack, {"id": incident["id"]})
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, ack, {"id": incident["id"]})
    assert failed.value.codes == ["INVALID_TRANSITION"]


async def test_notes_and_responders_land_on_the_timeline(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    await gql(api, 'mutation($id: ID!) { addIncidentNote(id: $id, text: "Rolled back") { id } }',
              {"id": incident["id"]})
    assigned = await gql(
        api,
        'mutation($id: ID!) { assignResponder(id: $id, handle: "tomasz", role: "commander") '
        "{ commander responders { handle role } timeline { type data } } }",
        {"id": incident["id"]},
    )
    result = assigned["assignResponder"]
    assert result["commander"] == "tomasz"
    assert result["responders"] == [{"handle": "tomasz", "role": "commander"}]
    assert [e["type"] for e in result["timeline"]] == [
        "incident.declared", "incident.note_added", "incident.responder_assigned"
    ]
    assert result["timeline"][1]["data"]["text"] == "Rolled back"


async def test_stale_expected_version_is_a_conflict(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    await gql(api, STATUS, {"id": incident["id"], "status": "INVESTIGATING", "v": 1})
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, STATUS, {"id": incident["id"], "status": "MITIGATED", "v": 1})
    assert failed.value.codes == ["CONFLICT"]


async def test_declare_with_bad_input_names_the_field(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await declare(api, demo.team_ids["sre-emea"], title="x" * 301)
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "title" in failed.value.errors[0]["message"]
    assert await hub.incidents.collection.count({}) == 0


async def test_incidents_filter_and_paginate(api: httpx.AsyncClient, demo: DemoData) -> None:
    for team in ["sre-emea", "sre-apac", "sre-emea"]:
        await declare(api, demo.team_ids[team])
    query = """query($f: IncidentFilterInput, $after: String) {
      incidents(filter: $f, first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { ref team { slug } } }
      }}"""
    first = (await gql(api, query, {"f": {"teamIds": [demo.team_ids["sre-emea"]]}}))["incidents"]
    assert first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await gql(api, query, {"f": {"teamIds": [demo.team_ids["sre-emea"]]},
                                      "after": first["pageInfo"]["endCursor"]}))["incidents"]
    refs = [first["edges"][0]["node"]["ref"], second["edges"][0]["node"]["ref"]]
    assert refs == ["INC-3", "INC-1"]
    assert second["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    "ref", ["INC-\u00b2", "INC-" + "9" * 5000, "INC-99999999999999999999", "x"]
)
async def test_malformed_refs_are_bad_input_not_a_crash(
    api: httpx.AsyncClient, demo: DemoData, ref: str
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, "query($ref: String!) { incident(ref: $ref) { id } }", {"ref": ref})
    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_a_ref_finds_its_incident(api: httpx.AsyncClient, demo: DemoData) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    for ref in [incident["ref"], incident["ref"].lower(), incident["ref"].removeprefix("INC-")]:
        found = await gql(api, "query($ref: String!) { incident(ref: $ref) { id } }",
                          {"ref": ref})
        assert found["incident"]["id"] == incident["id"]


async def test_an_id_and_a_ref_of_different_incidents_are_refused(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    first = await declare(api, demo.team_ids["sre-emea"])
    second = await declare(api, demo.team_ids["sre-emea"])
    query = "query($id: ID, $ref: String) { incident(id: $id, ref: $ref) { ref } }"

    same = await gql(api, query, {"id": first["id"], "ref": first["ref"]})
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, query, {"id": first["id"], "ref": second["ref"]})

    assert same["incident"]["ref"] == first["ref"]
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "different incidents" in failed.value.errors[0]["message"]


async def test_a_closed_incident_takes_no_notes_or_responders(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    for status in ["RESOLVED", "CLOSED"]:
        await gql(api, STATUS, {"id": incident["id"], "status": status})
    before = await hub.incidents.get(incident["id"])
    for mutation in [
        'mutation($id: ID!) { addIncidentNote(id: $id, text: "late") { id } }',
        'mutation($id: ID!) { assignResponder(id: $id, handle: "tomasz") { id } }',
    ]:
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, mutation, {"id": incident["id"]})
        assert failed.value.codes == ["INVALID_TRANSITION"]
    assert await hub.incidents.get(incident["id"]) == before


async def test_status_history_reads_true_after_a_reopen(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    for status in ["RESOLVED", "INVESTIGATING", "RESOLVED"]:
        await gql(api, STATUS, {"id": incident["id"], "status": status})
    found = await gql(
        api,
        "query($id: ID!) { incident(id: $id) { statusHistory { status at actor } "
        "statusTimes { status at } } }",
        {"id": incident["id"]},
    )
    history = found["incident"]["statusHistory"]
    assert [h["status"] for h in history] == [
        "TRIGGERED", "RESOLVED", "INVESTIGATING", "RESOLVED"
    ]
    first_resolved = {t["status"]: t["at"] for t in found["incident"]["statusTimes"]}["RESOLVED"]
    assert first_resolved == history[1]["at"]  # the first resolution, as MTTR measures
    assert history[3]["at"] >= history[1]["at"]


@pytest.mark.parametrize(
    "title", ["   ", "bad\x00title", "\x1b[31mred\x1b[0m", "\u200b", "\ufeff\u200e", "\u3000"]
)
async def test_blank_or_control_character_titles_are_refused(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, title: str
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await declare(api, demo.team_ids["sre-emea"], title=title)
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "title" in failed.value.errors[0]["message"]
    assert await hub.incidents.collection.count({}) == 0


RECLASSIFY = """mutation($id: ID!, $sev: Severity, $cat: Category, $why: String!) {
  reclassifyIncident(id: $id, severity: $sev, category: $cat, reason: $why) {
    severity category timeline { type data } } }"""


async def test_reclassifying_records_each_change_with_its_reason(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])  # SEV2, OTHER
    done = await gql(api, RECLASSIFY, {"id": incident["id"], "sev": "SEV1",
                                       "cat": "SECURITY", "why": "customer data exposed"})
    result = done["reclassifyIncident"]
    assert (result["severity"], result["category"]) == ("SEV1", "SECURITY")
    changes = [e for e in result["timeline"] if e["type"].endswith("_changed")]
    assert [(e["type"], e["data"]["from"], e["data"]["to"]) for e in changes] == [
        ("incident.severity_changed", "SEV2", "SEV1"),
        ("incident.category_changed", "OTHER", "SECURITY"),
    ]
    assert all(e["data"]["reason"] == "customer data exposed" for e in changes)

    again = await gql(api, RECLASSIFY, {"id": incident["id"], "sev": "SEV1",
                                        "why": "still SEV1"})
    kinds = [e["type"] for e in again["reclassifyIncident"]["timeline"]]
    assert kinds.count("incident.severity_changed") == 1  # no change, no event


async def test_reclassifying_needs_a_reason_and_an_open_incident(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident = await declare(api, demo.team_ids["sre-emea"])
    with pytest.raises(GraphQLFailed) as blank:
        await gql(api, RECLASSIFY, {"id": incident["id"], "sev": "SEV1", "why": "  "})
    assert blank.value.codes == ["BAD_USER_INPUT"]
    for status in ["RESOLVED", "CLOSED"]:
        await gql(api, STATUS, {"id": incident["id"], "status": status})
    with pytest.raises(GraphQLFailed) as closed:
        await gql(api, RECLASSIFY, {"id": incident["id"], "sev": "SEV1", "why": "late"})
    assert closed.value.codes == ["INVALID_TRANSITION"]
