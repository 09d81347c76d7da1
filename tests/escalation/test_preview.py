"""The preview tells the engine's truth: quiet time, the real start, and no ladder at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.clock import ManualClock
from hub.escalation.conditions import Condition
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from hub.escalation.plan import Action
from hub.incidents.models import Severity
from tests.conftest import GraphQLFailed, gql
from tests.escalation.test_manual_escalation import no_policy, two_levels
from tests.escalation.world import DAY, api_for, declare, demo_hub, settle, steps, with_policy

MINUTE = timedelta(minutes=1)
PREVIEW = """query($id: ID, $incident: HypotheticalIncidentInput, $at: DateTime) {
  escalationPreview(incidentId: $id, incident: $incident, at: $at) { note steps { step } } }"""


def quiet_policy(team_id: str) -> PolicyCreate:
    # Level 2 pages sam only if nobody has updated the incident for 30 minutes.
    return PolicyCreate(
        name="quiet",
        levels=[
            EscalationLevel(
                targets=[Target(kind=TargetKind.TEAM, value=team_id)], delay_minutes=35
            ),
            EscalationLevel(
                targets=[Target(kind=TargetKind.MEMBER, value="sam")],
                when=Condition(min_quiet_minutes=30),
            ),
        ],
    )


async def test_only_people_updating_an_incident_reset_its_quiet_time() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, quiet_policy(demo.team_ids["sre-emea"]))
    reminded = await declare(hub, demo, severity=Severity.SEV1)
    noted = await declare(hub, demo, severity=Severity.SEV1)
    await settle(hub)
    clock.advance(30 * MINUTE)  # SEV1 owes an update every 30 minutes
    await settle(hub)
    overdue = [e for e in await hub.events.for_incident(reminded) if e.actor == "hub"]
    assert [e.type for e in overdue] == ["incident.update_overdue"]
    clock.advance(2 * MINUTE)
    await hub.flows.add_note(noted, "rolling back the deploy", actor="olivia")

    previews = {
        i: await hub.escalation.preview.for_incident(i, clock.now()) for i in (reminded, noted)
    }
    clock.advance(3 * MINUTE)
    await settle(hub)

    for incident_id, expected in ((reminded, Action.ENGAGE), (noted, Action.SKIP)):
        level_2 = (await steps(hub, incident_id))[-1]
        assert level_2.data["level"] == 2
        assert level_2.type == (
            "incident.escalated" if expected is Action.ENGAGE else "incident.escalation_skipped"
        )
        (previewed,) = previews[incident_id].steps
        assert previewed.action is expected, previewed.reason
    await hub.stop()


async def test_the_preview_times_a_starting_escalation_from_its_declaration() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, two_levels(demo))
    incident_id = await declare(hub, demo)
    clock.advance(3 * MINUTE)  # the start has not run yet

    found = await hub.escalation.preview.for_incident(incident_id, clock.now())
    assert [s.due_at for s in found.steps] == [DAY, DAY + 10 * MINUTE]
    await settle(hub)
    fired = await steps(hub, incident_id)
    assert fired[0].data["next_at"] == (DAY + 10 * MINUTE).isoformat()
    await hub.stop()


async def test_the_preview_of_an_incident_without_an_escalation_says_why() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await no_policy(hub, demo)
    incident_id = await declare(hub, demo)
    await settle(hub)
    await with_policy(hub, demo, two_levels(demo))
    clock.advance(20 * MINUTE)
    await settle(hub)

    found = await hub.escalation.preview.for_incident(incident_id, clock.now())
    assert found.steps == [] and await steps(hub, incident_id) == []
    assert found.note is not None
    assert "no escalation is running" in found.note and "escalateIncident" in found.note
    await hub.stop()


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:00:00Z", "0001-01-01T00:10:00Z", "2031-06-02T10:00:00Z"]
)
async def test_a_preview_far_from_today_is_bad_input(at: str) -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    incident_id = await declare(hub, demo)
    await settle(hub)
    hypothetical = {"teamId": demo.team_ids["sre-emea"]}
    async with api_for(hub) as api:
        for asked in ({"id": incident_id}, {"incident": hypothetical}):
            with pytest.raises(GraphQLFailed) as refused:
                await gql(api, PREVIEW, {**asked, "at": at})
            assert refused.value.codes == ["BAD_USER_INPUT"], asked
    await hub.stop()
