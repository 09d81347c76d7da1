"""A team's policy and a policy's team targets must name things that exist.

A dangling reference is accepted silently otherwise and only shows when an
incident needs paging: its escalation then fails or pages nobody.
"""

from __future__ import annotations

import pytest

from hub.clock import ManualClock
from tests.conftest import GraphQLFailed, gql
from tests.escalation.world import DAY, api_for, demo_hub

MISSING = "6b1256ab08ceb25d627ef2ff"
CREATE_TEAM = """mutation($input: TeamInput!) { createTeam(input: $input) {
  id escalationPolicyId } }"""
UPDATE_TEAM = """mutation($id: ID!, $input: TeamUpdateInput!) {
  updateTeam(id: $id, input: $input) { id escalationPolicyId } }"""
CREATE_POLICY = """mutation($input: PolicyInput!) { createEscalationPolicy(input: $input) {
  id } }"""
UPDATE_POLICY = """mutation($id: ID!, $input: PolicyUpdateInput!) {
  updateEscalationPolicy(id: $id, input: $input) { id } }"""
TEAMS = "{ teams(first: 50) { totalCount nodes { slug escalationPolicyId } } }"


async def test_a_team_cannot_name_an_escalation_policy_that_does_not_exist() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    async with api_for(hub) as api:
        before = await gql(api, TEAMS)
        team = {"name": "Ghost", "slug": "ghost", "regionId": demo.region_ids["London"]}
        for bad, code in ((MISSING, "NOT_FOUND"), ("nope", "BAD_USER_INPUT")):
            with pytest.raises(GraphQLFailed) as failed:
                await gql(api, CREATE_TEAM, {"input": {**team, "escalationPolicyId": bad}})
            assert failed.value.codes == [code]
            with pytest.raises(GraphQLFailed) as failed:
                await gql(
                    api,
                    UPDATE_TEAM,
                    {"id": demo.team_ids["sre-emea"], "input": {"escalationPolicyId": bad}},
                )
            assert failed.value.codes == [code]
        # Nothing was written by the refused calls.
        assert await gql(api, TEAMS) == before
        made = await gql(
            api, CREATE_TEAM, {"input": {**team, "escalationPolicyId": demo.policy_id}}
        )
        assert made["createTeam"]["escalationPolicyId"] == demo.policy_id


@pytest.mark.parametrize(
    ("kind", "bad"),
    [("TEAM", MISSING), ("TEAM", "nope"), ("MEMBER", "nobody-here")],
    ids=["missing-team", "malformed-team", "unlisted-member"],
)
async def test_a_policy_cannot_target_a_team_or_member_that_does_not_exist(
    kind: str, bad: str
) -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    async with api_for(hub) as api:
        level = {"targets": [{"kind": kind, "value": bad}]}
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, CREATE_POLICY, {"input": {"name": "ghost", "levels": [level]}})
        assert failed.value.codes == ["NOT_FOUND"]
        assert bad in failed.value.errors[0]["message"]
        rule = {
            "name": "add-ghost",
            "when": {},
            "action": "ADD_TARGETS",
            "targets": [{"kind": kind, "value": bad}],
        }
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, UPDATE_POLICY, {"id": demo.policy_id, "input": {"rules": [rule]}})
        assert failed.value.codes == ["NOT_FOUND"]
        real = {"TEAM": demo.team_ids["sre-emea"], "MEMBER": "olivia"}[kind]
        good = {"targets": [{"kind": kind, "value": real}]}
        made = await gql(api, CREATE_POLICY, {"input": {"name": "real", "levels": [good]}})
        assert made["createEscalationPolicy"]["id"]


async def test_a_policy_condition_cannot_name_a_service_that_does_not_exist() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    async with api_for(hub) as api:
        for bad in (MISSING, "nope"):
            level = {"targets": [{"kind": "ON_DUTY_TEAM"}], "when": {"serviceIds": [bad]}}
            with pytest.raises(GraphQLFailed) as failed:
                await gql(api, CREATE_POLICY, {"input": {"name": "ghost", "levels": [level]}})
            assert failed.value.codes == ["NOT_FOUND"]
            assert bad in failed.value.errors[0]["message"]
            rule = {
                "name": "jump",
                "when": {"serviceIds": [demo.service_ids["checkout"], bad]},
                "action": "JUMP_TO_LEVEL",
                "level": 1,
            }
            with pytest.raises(GraphQLFailed) as failed:
                await gql(
                    api, UPDATE_POLICY, {"id": demo.policy_id, "input": {"rules": [rule]}}
                )
            assert failed.value.codes == ["NOT_FOUND"]
        real = {"targets": [{"kind": "ON_DUTY_TEAM"}], "when": {"serviceIds": [
            demo.service_ids["checkout"]]}}
        made = await gql(api, CREATE_POLICY, {"input": {"name": "real", "levels": [real]}})
        assert made["createEscalationPolicy"]["id"]


async def test_a_team_cannot_list_one_handle_twice() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    twice = [
        {"handle": "kai", "displayName": "Kai", "timeZone": "Europe/London"},
        {"handle": "kai", "displayName": "Kai again", "timeZone": "Asia/Singapore"},
    ]
    async with api_for(hub) as api:
        before = await gql(api, TEAMS)
        team = {"name": "Twice", "slug": "twice", "regionId": demo.region_ids["London"]}
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, CREATE_TEAM, {"input": {**team, "members": twice}})
        assert failed.value.codes == ["BAD_USER_INPUT"]
        assert "kai" in failed.value.errors[0]["message"]
        with pytest.raises(GraphQLFailed) as failed:
            await gql(
                api, UPDATE_TEAM, {"id": demo.team_ids["sre-emea"], "input": {"members": twice}}
            )
        assert failed.value.codes == ["BAD_USER_INPUT"]
        assert await gql(api, TEAMS) == before
