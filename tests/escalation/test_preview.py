"""The preview tells the engine's truth: quiet time, the real start, and no ladder at all."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import ManualClock
from hub.escalation.conditions import Condition
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from hub.escalation.plan import Action
from hub.incidents.models import Severity
from tests.escalation.world import DAY, declare, demo_hub, settle, steps, with_policy

MINUTE = timedelta(minutes=1)


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
