"""Routing rules: matchers, fan-out, expertise, suppression, and edits that
are checked when written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, post, stored_counts
from tests.alerts.routing_api import add_rule, alert, route, to_team, verdicts
from tests.conftest import GraphQLFailed, gql

AT = "2025-06-02T03:00:00Z"  # the test clock's own time


def _m(field: str, op: str, value: str | None = None, values: list[str] | None = None) -> Any:
    return {"field": field, "op": op, "value": value, "values": values or []}


@pytest.mark.parametrize(
    ("matcher", "matches", "why_not"),
    [
        (_m("labels.service", "EQUALS", "checkout"), True, None),
        (
            _m("labels.service", "EQUALS", "search"),
            False,
            "labels.service is 'checkout', not 'search'",
        ),
        (_m("labels.service", "REGEX", "^check"), True, None),
        (
            _m("labels.service", "REGEX", "^pay"),
            False,
            "labels.service 'checkout' does not match /^pay/",
        ),
        (_m("labels.service", "IN", values=["checkout", "cart"]), True, None),
        (_m("labels.region", "EXISTS"), False, "labels.region is absent"),
        (_m("labels.region", "ABSENT"), True, None),
        (_m("labels.latency_ms", "GT", "900"), True, None),
        (_m("labels.latency_ms", "LTE", "500"), False, "labels.latency_ms '950' is not <= 500"),
        (_m("labels.service", "GT", "1"), False, "labels.service 'checkout' is not a number"),
        (_m("severity", "IN", values=["SEV3", "SEV4"]), True, None),
        (
            _m("sender_severity", "EQUALS", "critical"),
            False,
            "sender_severity is 'warning', not 'critical'",
        ),
    ],
)
async def test_matcher_decides_and_says_why_not(
    api: httpx.AsyncClient, demo: DemoData, matcher: Any, matches: bool, why_not: str | None
) -> None:
    await add_rule(api, name="r", matchers=[matcher], actions=[to_team(demo.team_ids["sre-amer"])])

    routed = await route(api, AT, alert(service="checkout", latency_ms="950"))

    [rule] = routed["explanation"]["rules"]
    assert rule["matched"] is matches
    if why_not:
        assert rule["reasons"] == [why_not]
        assert routed["explanation"]["defaultRoute"] is True


@pytest.mark.parametrize("latency", ["1_000", "\u0967\u0966\u0966\u0966", "nan", "1e400", "0x400"])
async def test_a_comparison_reads_only_plain_finite_numbers(
    api: httpx.AsyncClient, demo: DemoData, latency: str
) -> None:
    # Python's float() reads underscores, other scripts' digits, nan and
    # overflowing exponents; a label like these is not a number to anyone
    # writing a rule, so it neither matches nor is compared.
    for op in ("GT", "LT"):
        await add_rule(
            api,
            name=f"latency-{op}",
            matchers=[_m("labels.latency_ms", op, "500")],
            actions=[to_team(demo.team_ids["sre-amer"])],
            continueMatching=True,
        )
    routed = await route(api, AT, alert(latency_ms=latency))
    for rule in routed["explanation"]["rules"]:
        assert rule["matched"] is False
        assert rule["reasons"] == [f"labels.latency_ms {latency!r} is not a number"]


@pytest.mark.parametrize("value", ["1_000", "\u0967", "1e400"])
async def test_a_comparison_rule_needs_a_plain_number(
    api: httpx.AsyncClient, demo: DemoData, value: str
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await add_rule(
            api,
            name="odd",
            matchers=[_m("labels.latency_ms", "GT", value)],
            actions=[to_team(demo.team_ids["sre-amer"])],
        )
    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_continue_fans_out_first_team_owns_others_respond(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    teams = demo.team_ids
    await add_rule(
        api,
        name="db experts",
        continueMatching=True,
        actions=[
            {"kind": "ROUTE_EXPERTISE", "tag": "database"},
            {"kind": "SET_SEVERITY", "severity": "SEV2"},
        ],
    )
    await add_rule(api, name="owners", continueMatching=True, actions=[to_team(teams["sre-emea"])])
    await add_rule(api, name="payments too", actions=[to_team(teams["sre-amer"])])
    await add_rule(api, name="never", actions=[to_team(teams["sre-apac"])])

    routed = await route(api, AT)
    await post(api, "generic", alert())

    explained = routed["explanation"]
    assert [t["slug"] for t in explained["teams"]] == ["sre-emea", "sre-amer"]
    assert explained["responders"] == ["mei", "olivia"] and explained["severity"] == "SEV2"
    assert verdicts(routed)[-1] == ("never", "NOT_REACHED")
    [incident] = await incidents(hub)
    assert incident.team_id == teams["sre-emea"] and incident.severity.value == "SEV2"
    assert incident.alert_group is not None
    assert incident.alert_group.team_ids == [teams["sre-emea"], teams["sre-amer"]]
    assert {(r.handle, r.role) for r in incident.responders} == {
        ("mei", "expert"),
        ("olivia", "expert"),
    }
    fired = [e for e in await hub.events.for_incident(incident.id) if e.type == "alerts.fired"]
    assert fired[0].team_ids == [teams["sre-emea"], teams["sre-amer"]]


async def test_suppressed_alert_stores_nothing_and_opens_once_the_rule_goes(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    rule = await add_rule(
        api,
        name="maintenance",
        matchers=[_m("labels.service", "EQUALS", "checkout")],
        actions=[{"kind": "SUPPRESS", "reason": "db upgrade"}],
    )
    before = await stored_counts(hub)

    routed = await route(api, AT, alert(service="checkout"))
    answer = await post(api, "generic", alert(service="checkout"))

    assert (routed["decision"], routed["explanation"]["suppressedBy"]) == (
        "SUPPRESSED",
        "db upgrade",
    )
    assert answer.json()["reason"] == "suppressed by routing: db upgrade"
    assert await stored_counts(hub) == before
    await gql(api, "mutation($id: ID!) { deleteAlertRule(id: $id) }", {"id": rule["id"]})
    assert (await post(api, "generic", alert(service="checkout"))).json()["created"] is True


async def test_route_alert_reports_the_incident_it_would_join(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    opened = (await post(api, "generic", alert())).json()

    routed = await route(api, AT)
    done = await route(api, AT, alert() | {"action": "resolve"})

    assert (routed["decision"], routed["incident"]["ref"]) == ("JOIN", opened["incident"])
    assert done["decision"] == "JOIN"


@pytest.mark.parametrize(
    ("matcher", "message"),
    [
        (_m("labels.x", "REGEX", "(unclosed"), "invalid regular expression"),
        (_m("labels.x", "REGEX", "(a+)+$"), "can backtrack for ever"),
        (_m("labels.x", "REGEX", "a" * 201), "at most 200 characters"),
        (_m("labels.x", "GT", "lots"), "needs a number"),
        (_m("labels.x", "IN"), "needs at least one of values"),
        (_m("payload.secret", "EXISTS"), "field"),
    ],
)
async def test_bad_rule_is_refused_when_written(
    api: httpx.AsyncClient, demo: DemoData, matcher: Any, message: str
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await add_rule(
            api, name="bad", matchers=[matcher], actions=[to_team(demo.team_ids["sre-apac"])]
        )

    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert message in failed.value.errors[0]["message"]
    assert (await gql(api, "{ alertRules { id } }"))["alertRules"] == []


async def test_rule_naming_a_missing_team_is_not_found(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await add_rule(api, name="ghost", actions=[to_team("f" * 24)])

    assert failed.value.codes == ["NOT_FOUND"]


async def test_rules_are_ordered_and_can_be_moved_and_updated(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    teams = demo.team_ids
    first = await add_rule(api, name="emea", actions=[to_team(teams["sre-emea"])])
    second = await add_rule(api, 0, name="amer", actions=[to_team(teams["sre-amer"])])
    assert (first["position"], second["position"]) == (0, 0)
    assert [t["slug"] for t in (await route(api, AT))["explanation"]["teams"]] == ["sre-amer"]

    moved = await gql(
        api,
        "mutation($id: ID!) { moveAlertRule(id: $id, position: 1) { name } }",
        {"id": second["id"]},
    )
    update = """mutation($id: ID!, $input: AlertRuleInput!) {
      updateAlertRule(id: $id, input: $input) { name enabled position } }"""
    updated = await gql(
        api,
        update,
        {
            "id": first["id"],
            "input": {
                "name": "emea (paused)",
                "enabled": False,
                "actions": [to_team(teams["sre-emea"])],
            },
        },
    )

    assert [r["name"] for r in moved["moveAlertRule"]] == ["emea", "amer"]
    assert updated["updateAlertRule"] == {"name": "emea (paused)", "enabled": False, "position": 0}
    routed = await route(api, AT)
    assert verdicts(routed) == [("emea (paused)", "DISABLED"), ("amer", "MATCHED")]
