"""Escalating by hand when no step is pending: after an ack, an end, or no start at all."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from hub.teams.models import TeamUpdate
from tests.escalation.world import DAY, declare, demo_hub, handles, settle, steps, with_policy


def two_levels(demo: DemoData) -> PolicyCreate:
    return PolicyCreate(
        name="two levels",
        levels=[
            EscalationLevel(
                targets=[Target(kind=TargetKind.TEAM, value=demo.team_ids["sre-emea"])],
                delay_minutes=10,
            ),
            EscalationLevel(targets=[Target(kind=TargetKind.MEMBER, value="sam")]),
        ],
    )


async def no_policy(hub: Hub, demo: DemoData) -> None:
    update = TeamUpdate(escalation_policy_id=None)
    await hub.teams.update_team(team_id=demo.team_ids["sre-emea"], data=update)


async def escalate_fires(hub: Hub, incident_id: str, level: int) -> None:
    """Escalate by hand, then check the level fired once, now, and the hub is idle."""
    before = len(await steps(hub, incident_id))
    await hub.escalation.flows.escalate(incident_id, to_level=level, actor="olivia")
    await settle(hub)
    fired = await steps(hub, incident_id)
    assert len(fired) == before + 1, [e.data["level"] for e in fired]
    last = fired[-1]
    assert last.type == "incident.escalated" and last.actor == "olivia"
    assert last.data["level"] == level and last.data["manual"] is True
    numbers = [e.data["step"] for e in fired]
    assert len(set(numbers)) == len(numbers), "a step number was used twice"
    notes = await hub.escalation.notifier.for_incident(incident_id)
    assert any(n.step == last.data["step"] for n in notes), "the manual step notified nobody"


async def test_escalating_an_acknowledged_incident_fires_the_level_once() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, two_levels(demo))
    incident_id = await declare(hub, demo)
    await settle(hub)
    await hub.flows.acknowledge(incident_id, actor="olivia")
    await settle(hub)

    await escalate_fires(hub, incident_id, 2)
    assert handles((await steps(hub, incident_id))[-1]) == ["sam"]
    await escalate_fires(hub, incident_id, 1)
    clock.advance(timedelta(hours=1))
    await settle(hub)
    assert len(await steps(hub, incident_id)) == 3, "the stopped ladder went on"
    await hub.stop()


async def test_escalating_after_the_ladder_is_exhausted_fires_the_level() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, two_levels(demo))
    incident_id = await declare(hub, demo)
    await settle(hub)
    clock.advance(timedelta(minutes=10))
    await settle(hub)
    esc = await hub.escalation.store.get(incident_id)
    assert esc is not None and esc.state == "EXHAUSTED"

    await escalate_fires(hub, incident_id, 1)
    await escalate_fires(hub, incident_id, 2)
    await hub.stop()


async def test_escalating_an_incident_declared_before_its_team_had_a_policy() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await no_policy(hub, demo)
    incident_id = await declare(hub, demo)
    await settle(hub)
    await with_policy(hub, demo, two_levels(demo))
    await settle(hub)
    assert await steps(hub, incident_id) == []

    await escalate_fires(hub, incident_id, 1)
    # Unacknowledged, the adopted ladder goes on from the level fired.
    clock.advance(timedelta(minutes=10))
    await settle(hub)
    fired = await steps(hub, incident_id)
    assert [(e.data["level"], e.data["manual"]) for e in fired] == [(1, True), (2, False)]
    await hub.stop()
