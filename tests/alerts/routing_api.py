"""GraphQL documents and helpers shared by the routing tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import gql

CREATE_RULE = """
mutation($input: AlertRuleInput!, $position: Int) {
  createAlertRule(input: $input, position: $position) { id position name }
}"""
ROUTE = """
query($source: String!, $payload: JSON!, $at: DateTime!) {
  routeAlert(source: $source, payload: $payload, at: $at) {
    decision reason dedupKey
    incident { ref }
    explanation {
      teams { slug } responders severity category suppressed suppressedBy defaultRoute
      rules { name verdict matched reasons }
    }
  }
}"""


def alert(**labels: str) -> dict[str, Any]:
    return {
        "dedup_key": "checkout-latency",
        "action": "trigger",
        "title": "Checkout slow",
        "severity": "warning",
        "labels": labels,
    }


async def add_rule(
    api: httpx.AsyncClient, position: int | None = None, **rule: Any
) -> dict[str, Any]:
    data = await gql(api, CREATE_RULE, {"input": rule, "position": position})
    return data["createAlertRule"]  # type: ignore[no-any-return]


async def route(
    api: httpx.AsyncClient, at: str, payload: dict[str, Any] | None = None, source: str = "generic"
) -> dict[str, Any]:
    variables = {"source": source, "payload": payload or alert(), "at": at}
    return (await gql(api, ROUTE, variables))["routeAlert"]  # type: ignore[no-any-return]


def to_team(team_id: str) -> dict[str, str]:
    return {"kind": "ROUTE_TEAM", "teamId": team_id}


def verdicts(routed: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["name"], r["verdict"]) for r in routed["explanation"]["rules"]]
