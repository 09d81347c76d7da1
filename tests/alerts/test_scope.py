"""What a scoped token sees of alert-opened incidents: the dry run shows
only incidents the token may read, and every team an alert was routed to
may open the incident its events already reach."""

from __future__ import annotations

import httpx

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, post
from tests.alerts.routing_api import ROUTE, add_rule, alert, route, to_team
from tests.conftest import GraphQLFailed, bearer, gql

AT = "2025-06-02T03:00:00Z"  # the test clock's own time: Singapore is on duty
INCIDENT = "query($ref: String!) { incident(ref: $ref) { ref title } }"


async def _route_as(
    api: httpx.AsyncClient, headers: dict[str, str], payload: dict[str, object]
) -> dict[str, object]:
    variables = {"source": "generic", "payload": payload, "at": AT}
    data = await gql(api, ROUTE, variables, headers=headers)
    return data["routeAlert"]  # type: ignore[no-any-return]


async def test_route_alert_hides_an_incident_outside_the_tokens_scope(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    opened = (await post(api, "generic", alert())).json()
    london = await bearer(hub, "london", region_ids=[demo.region_ids["London"]])
    singapore = await bearer(hub, "sg", region_ids=[demo.region_ids["Singapore"]])

    hidden = await _route_as(api, london, alert())
    shown = await _route_as(api, singapore, alert())

    assert hidden["incident"] is None
    assert hidden["decision"] == "JOIN"
    assert "outside this token's scope" in str(hidden["reason"])
    assert opened["incident"] not in str(hidden)
    assert shown["incident"] == {"ref": opened["incident"]}
    try:
        await gql(api, INCIDENT, {"ref": opened["incident"]}, headers=london)
    except GraphQLFailed as failed:
        assert failed.codes == ["NOT_FOUND"]
    else:
        raise AssertionError("the London token read a Singapore incident")


async def _fan_out(api: httpx.AsyncClient, demo: DemoData) -> str:
    teams = demo.team_ids
    await add_rule(
        api, 0, name="apac", continueMatching=True, actions=[to_team(teams["sre-apac"])]
    )
    await add_rule(api, 1, name="emea", actions=[to_team(teams["sre-emea"])])
    routed = await route(api, AT)
    assert [t["slug"] for t in routed["explanation"]["teams"]][:2] == ["sre-apac", "sre-emea"]
    return str((await post(api, "generic", alert())).json()["incident"])


INCIDENTS = "{ incidents(first: 10) { edges { node { ref } } } }"


async def test_every_team_an_alert_reached_may_read_its_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    ref = await _fan_out(api, demo)
    readers = {
        "emea team": await bearer(hub, "emea", team_ids=[demo.team_ids["sre-emea"]]),
        "London": await bearer(hub, "london", region_ids=[demo.region_ids["London"]]),
        "apac team": await bearer(hub, "apac", team_ids=[demo.team_ids["sre-apac"]]),
    }
    outsider = await bearer(hub, "amer", region_ids=[demo.region_ids["San Francisco"]])

    for who, headers in readers.items():
        read = await gql(api, INCIDENT, {"ref": ref}, headers=headers)
        listed = await gql(api, INCIDENTS, headers=headers)
        assert read["incident"]["ref"] == ref, who
        assert [e["node"]["ref"] for e in listed["incidents"]["edges"]] == [ref], who
    try:
        await gql(api, INCIDENT, {"ref": ref}, headers=outsider)
    except GraphQLFailed as failed:
        assert failed.codes == ["NOT_FOUND"]
    else:
        raise AssertionError("a team the alert never reached read the incident")


async def test_regions_of_fanned_out_teams_hear_the_incidents_events(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    await _fan_out(api, demo)

    [incident] = await incidents(hub)
    events = await hub.events.for_incident(incident.id)
    regions = {demo.region_ids["Singapore"], demo.region_ids["London"]}
    assert events and all(set(e.region_ids) == regions for e in events)
