"""Policies with rules through GraphQL, the preview, and escalating by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.clock import ManualClock
from hub.incidents.models import Severity
from tests.conftest import GraphQLFailed, gql
from tests.escalation.world import DAY, NIGHT, api_for, declare, demo_hub, settle, steps

CREATE = """mutation($input: PolicyInput!) { createEscalationPolicy(input: $input) {
  id name repeat
  levels { delayMinutes skipWhenOffDuty targets { kind value } }
  rules { name action levels when { severities workingHours { subject working } } }
} }"""
UPDATE = """mutation($id: ID!, $input: PolicyUpdateInput!) {
  updateEscalationPolicy(id: $id, input: $input) { id rules { name } } }"""
ATTACH = """mutation($team: ID!, $policy: ID!) {
  updateTeam(id: $team, input: {escalationPolicyId: $policy}) { id } }"""
PREVIEW = """query($incident: HypotheticalIncidentInput, $id: ID, $at: DateTime) {
  escalationPreview(incident: $incident, incidentId: $id, at: $at) {
    note steps { step level round dueAt action reason
      people { handle localTime working }
      matchedRules { name action reasons } } } }"""
ESCALATE = """mutation($id: ID!, $level: Int!) { escalateIncident(id: $id, toLevel: $level) {
  state nextLevel steps { step level manual people { handle } } } }"""

POLICY = {
    "name": "emea with rules",
    "repeat": 0,
    "levels": [
        {"targets": [{"kind": "ON_DUTY_TEAM"}], "delayMinutes": 10},
        {
            "targets": [{"kind": "EXPERTISE", "value": "payments"}],
            "delayMinutes": 20,
            "skipWhenOffDuty": True,
        },
        {"targets": [{"kind": "MEMBER", "value": "mei"}], "delayMinutes": 30},
    ],
    "rules": [
        {
            "name": "sev1-off-hours",
            "when": {"severities": ["SEV1"], "workingHours": {"working": False}},
            "action": "REPLACE_TARGETS",
            "levels": [1],
            "targets": [{"kind": "ON_DUTY_LEAD"}],
        }
    ],
}


async def test_a_policy_with_rules_is_stored_and_checked_as_a_whole() -> None:
    hub, _ = await demo_hub(ManualClock(DAY))
    async with api_for(hub) as api:
        made = (await gql(api, CREATE, {"input": POLICY}))["createEscalationPolicy"]
        assert made["levels"][1]["skipWhenOffDuty"] is True
        assert made["rules"] == [
            {
                "name": "sev1-off-hours",
                "action": "REPLACE_TARGETS",
                "levels": [1],
                "when": {
                    "severities": ["SEV1"],
                    "workingHours": {"subject": "OWNING_TEAM", "working": False},
                },
            }
        ]
        bad_rule = {"rules": [{"name": "jump", "when": {}, "action": "JUMP_TO_LEVEL", "level": 9}]}
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, UPDATE, {"id": made["id"], "input": bad_rule})
        assert failed.value.codes == ["BAD_USER_INPUT"]
        assert "level 9" in failed.value.errors[0]["message"]
        with pytest.raises(GraphQLFailed) as failed:
            await gql(
                api,
                UPDATE,
                {"id": made["id"], "input": {"levels": [{"targets": [{"kind": "MEMBER"}]}]}},
            )
        assert failed.value.codes == ["BAD_USER_INPUT"]
    await hub.stop()


async def test_the_preview_says_when_whom_and_which_rule_for_a_hypothetical_sev1() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    async with api_for(hub) as api:
        made = (await gql(api, CREATE, {"input": POLICY}))["createEscalationPolicy"]
        await gql(api, ATTACH, {"team": demo.team_ids["sre-emea"], "policy": made["id"]})
        ask = {"teamId": demo.team_ids["sre-emea"], "severity": "SEV1"}
        found = await gql(api, PREVIEW, {"incident": ask, "at": NIGHT.isoformat()})
        first, second, third = found["escalationPreview"]["steps"]
        assert [p["handle"] for p in first["people"]] == ["mei"]
        assert first["matchedRules"][0]["name"] == "sev1-off-hours"
        # Payments people are in London (03:00) and San Francisco (Sunday 19:00).
        assert second["action"] == "SKIP" and "off duty" in second["reason"]
        assert second["dueAt"].startswith("2025-06-02T02:10")
        assert third["action"] == "ENGAGE" and third["dueAt"].startswith("2025-06-02T02:10")

        by_day = await gql(api, PREVIEW, {"incident": ask, "at": DAY.isoformat()})
        day_first = by_day["escalationPreview"]["steps"][0]
        assert day_first["matchedRules"] == []
        assert {p["handle"] for p in day_first["people"]} == {"olivia", "tomasz"}
    await hub.stop()


async def test_escalating_by_hand_fires_the_level_now_and_the_ladder_goes_on() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    async with api_for(hub) as api:
        made = (await gql(api, CREATE, {"input": POLICY}))["createEscalationPolicy"]
        await gql(api, ATTACH, {"team": demo.team_ids["sre-emea"], "policy": made["id"]})
        incident_id = await declare(hub, demo, severity=Severity.SEV2)
        await settle(hub)
        clock.advance(timedelta(minutes=2))
        jumped = await gql(api, ESCALATE, {"id": incident_id, "level": 3})
        state = jumped["escalateIncident"]
        assert state["steps"][-1] == {
            "step": 3,
            "level": 3,
            "manual": True,
            "people": [{"handle": "mei"}],
        }
        assert state["state"] == "EXHAUSTED" and state["nextLevel"] is None
        fired = await steps(hub, incident_id)
        assert [e.data["level"] for e in fired] == [1, 3]
        assert fired[-1].actor != "escalation" and fired[-1].data["manual"] is True
        clock.advance(timedelta(hours=2))
        await settle(hub)
        assert len(await steps(hub, incident_id)) == 2, "the superseded level 2 fired"

        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, ESCALATE, {"id": incident_id, "level": 4})
        assert failed.value.codes == ["BAD_USER_INPUT"]
        preview = await gql(api, PREVIEW, {"id": incident_id})
        assert preview["escalationPreview"]["note"] == "escalation is EXHAUSTED"
    await hub.stop()
