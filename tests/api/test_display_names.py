"""Names and titles people read in lists must show something and nothing garbling.

Incident titles already refuse blank text and control characters; every
other name or title a person types is held to the same rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.clock import ManualClock
from tests.conftest import GraphQLFailed, gql
from tests.escalation.world import DAY, api_for, declare, demo_hub

BLANKS = ["   ", "\u200b\u00a0", "bad\u0000name", "line\x1bbreak"]


def writes(demo: Any, incident_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(mutation, the variable's name, variables with that name left to fill)."""
    team = demo.team_ids["sre-emea"]
    region = demo.region_ids["London"]
    level = {"targets": [{"kind": "ON_DUTY_TEAM"}]}
    return [
        (
            "mutation($v: String!) { createEscalationPolicy(input: {name: $v, levels: [{targets:"
            " [{kind: ON_DUTY_TEAM}]}]}) { id } }",
            "v",
            {},
        ),
        (
            "mutation($p: ID!, $v: String!) { updateEscalationPolicy(id: $p, input: {name: $v})"
            " { id } }",
            "v",
            {"p": demo.policy_id},
        ),
        (
            "mutation($v: String!, $l: [LevelInput!]!) { createEscalationPolicy(input: {name:"
            ' "ok", levels: $l, rules: [{name: $v, when: {}, action: JUMP_TO_LEVEL, level: 1}]})'
            " { id } }",
            "v",
            {"l": [level]},
        ),
        ("mutation($v: String!) { createKnowledgeArticle(input: {title: $v}) { id } }", "v", {}),
        (
            "mutation($i: ID!, $v: String!) { addFollowUp(incidentId: $i, input: {title: $v,"
            ' owner: "olivia"}) { id } }',
            "v",
            {"i": incident_id},
        ),
        (
            "mutation($t: ID!, $v: String!) { createService(input: {name: $v, teamId: $t})"
            " { id } }",
            "v",
            {"t": team},
        ),
        (
            "mutation($r: ID!, $v: String!) { createTeam(input: {name: $v, slug: \"blank\","
            " regionId: $r}) { id } }",
            "v",
            {"r": region},
        ),
        (
            "mutation($t: ID!, $v: String!) { updateTeam(id: $t, input: {name: $v}) { id } }",
            "v",
            {"t": team},
        ),
        (
            "mutation($v: String!) { createRegion(input: {name: $v, timeZone: \"UTC\"}) { id } }",
            "v",
            {},
        ),
        (
            "mutation($t: ID!, $v: String!) { createIntegration(input: {source: \"generic\","
            " name: $v, teamId: $t}) { key } }",
            "v",
            {"t": team},
        ),
        (
            "mutation($v: String!) { createAlertRule(input: {name: $v, actions: [{kind:"
            " SUPPRESS}]}) { id } }",
            "v",
            {},
        ),
    ]


READ_BACK = """query { escalationPolicies(first: 50) { nodes { name rules { name } } }
  knowledgeArticles(first: 50) { nodes { title } } regions(first: 50) { nodes { name } }
  teams(first: 50) { nodes { name } } services(first: 50) { nodes { name } }
  integrations(first: 50) { nodes { name } } alertRules { name } }"""


async def test_blank_or_garbled_names_are_refused_everywhere_and_nothing_is_written() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    incident_id = await declare(hub, demo)
    async with api_for(hub) as api:
        before = await gql(api, READ_BACK)
        for mutation, name, variables in writes(demo, incident_id):
            for bad in BLANKS:
                with pytest.raises(GraphQLFailed) as failed:
                    await gql(api, mutation, {**variables, name: bad})
                assert failed.value.codes == ["BAD_USER_INPUT"], (mutation, bad)
        assert await gql(api, READ_BACK) == before
        follow_ups = "query($i: ID!) { incident(id: $i) { followUps { id } } }"
        assert (await gql(api, follow_ups, {"i": incident_id}))["incident"]["followUps"] == []


async def test_names_are_kept_without_surrounding_spaces_and_may_use_any_script() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    incident_id = await declare(hub, demo)
    async with api_for(hub) as api:
        for n, (mutation, name, variables) in enumerate(writes(demo, incident_id)):
            # Distinct per write: regions, services and slugs must be unique.
            await gql(api, mutation, {**variables, name: f"  Zürich 東京 {n}  "})
        read = await gql(api, READ_BACK)
        assert "Zürich 東京 8" in [r["name"] for r in read["regions"]["nodes"]]
        assert "Zürich 東京 3" in [a["title"] for a in read["knowledgeArticles"]["nodes"]]
        assert "Zürich 東京 10" in [r["name"] for r in read["alertRules"]]
