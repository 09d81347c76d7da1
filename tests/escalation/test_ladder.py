"""A policy's ladder on the manual clock: levels on time, repeats, the stop, the paths."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import ManualClock
from hub.escalation.conditions import Condition, HoursClause, HoursSubject
from hub.escalation.models import (
    EscalationLevel,
    EscalationRule,
    PolicyCreate,
    RuleAction,
    Target,
    TargetKind,
)
from hub.incidents.models import Category, Severity
from tests.escalation.world import (
    DAY,
    NIGHT,
    declare,
    demo_hub,
    handles,
    settle,
    steps,
    with_policy,
)

SECOND = timedelta(seconds=1)


def ladder(team_id: str) -> PolicyCreate:
    return PolicyCreate(
        name="ladder",
        levels=[
            EscalationLevel(
                targets=[Target(kind=TargetKind.TEAM, value=team_id)], delay_minutes=5
            ),
            EscalationLevel(
                targets=[Target(kind=TargetKind.EXPERTISE, value="database")], delay_minutes=10
            ),
            EscalationLevel(
                targets=[Target(kind=TargetKind.MEMBER, value="sam")], delay_minutes=15
            ),
        ],
        repeat=1,
    )


async def test_sev2_walks_every_level_on_time_repeats_and_stops_at_acknowledgement() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, ladder(demo.team_ids["sre-emea"]))
    incident_id = await declare(hub, demo, severity=Severity.SEV2)
    expected = [  # minutes after declaration, level, round, who
        (0, 1, 1, {"olivia", "tomasz"}),
        (5, 2, 1, {"olivia", "mei"}),
        (15, 3, 1, {"sam"}),
        (30, 1, 2, {"olivia", "tomasz"}),
        (35, 2, 2, {"olivia", "mei"}),
    ]
    for minutes, level, round_, who in expected:
        due = DAY + timedelta(minutes=minutes)
        if minutes:
            clock.set(due - SECOND)
            await settle(hub)
            assert len(await steps(hub, incident_id)) == expected.index(
                (minutes, level, round_, who)
            ), f"level {level} fired early"
        clock.set(due)
        await settle(hub)
        fired = (await steps(hub, incident_id))[-1]
        assert (fired.data["level"], fired.data["round"]) == (level, round_)
        assert fired.occurred_at == due
        assert set(handles(fired)) == who
        assert fired.data["late"] is False

    clock.set(DAY + timedelta(minutes=37))
    await hub.flows.acknowledge(incident_id, actor="olivia")
    await settle(hub)
    clock.set(DAY + timedelta(hours=3))
    await settle(hub)

    timeline = await hub.events.for_incident(incident_id)
    assert len([e for e in timeline if e.type == "incident.escalated"]) == 5
    stopped = [e for e in timeline if e.type == "incident.escalation_stopped"]
    assert len(stopped) == 1 and "acknowledged by olivia" in stopped[0].data["reason"]
    esc = await hub.escalation.store.get(incident_id)
    assert esc is not None and esc.state == "STOPPED"
    assert await hub.scheduler.pending({"kind": "escalation.step"}) == []
    await hub.stop()


async def test_the_ladder_ends_after_its_repeats() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, ladder(demo.team_ids["sre-emea"]))
    incident_id = await declare(hub, demo)
    for minutes in (0, 5, 15, 30, 35, 45, 60, 120):
        clock.set(DAY + timedelta(minutes=minutes))
        await settle(hub)
    fired = await steps(hub, incident_id)
    assert [(e.data["level"], e.data["round"]) for e in fired] == [
        (1, 1),
        (2, 1),
        (3, 1),
        (1, 2),
        (2, 2),
        (3, 2),
    ]
    assert fired[-1].data["final"] is True
    esc = await hub.escalation.store.get(incident_id)
    assert esc is not None and esc.state == "EXHAUSTED"
    await hub.stop()


def off_hours_policy(team_id: str) -> PolicyCreate:
    policy = ladder(team_id)
    policy.rules = [
        EscalationRule(
            name="sev1-off-hours",
            when=Condition(
                severities=[Severity.SEV1],
                working_hours=HoursClause(subject=HoursSubject.OWNING_TEAM, working=False),
            ),
            action=RuleAction.REPLACE_TARGETS,
            targets=[Target(kind=TargetKind.ON_DUTY_LEAD)],
            levels=[1],
        ),
        EscalationRule(
            name="security-experts",
            when=Condition(categories=[Category.SECURITY]),
            action=RuleAction.ADD_TARGETS,
            targets=[Target(kind=TargetKind.EXPERTISE, value="security")],
        ),
    ]
    return policy


async def test_sev1_outside_the_owning_teams_hours_goes_to_the_on_duty_lead() -> None:
    clock = ManualClock(NIGHT)  # 03:00 in London, 10:00 in Singapore
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, off_hours_policy(demo.team_ids["sre-emea"]))
    sev1 = await declare(hub, demo, severity=Severity.SEV1)
    sev2 = await declare(hub, demo, severity=Severity.SEV2)
    await settle(hub)

    (first,) = await steps(hub, sev1)
    assert handles(first) == ["mei"]
    assert first.data["targets"][0]["working"] is True
    (rule,) = first.data["rules"]
    assert rule["name"] == "sev1-off-hours" and rule["action"] == "REPLACE_TARGETS"
    assert any("outside working hours" in r and "olivia (Mon 03:00" in r for r in rule["reasons"])
    (normal,) = await steps(hub, sev2)
    assert set(handles(normal)) == {"olivia", "tomasz"} and normal.data["rules"] == []

    clock.set(NIGHT + timedelta(minutes=5))
    await settle(hub)
    second = (await steps(hub, sev1))[-1]
    assert second.data["level"] == 2 and second.data["rules"] == []
    await hub.stop()


async def test_sev1_in_hours_and_security_incidents_take_their_own_paths() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, off_hours_policy(demo.team_ids["sre-emea"]))
    in_hours = await declare(hub, demo, severity=Severity.SEV1)
    security = await declare(hub, demo, severity=Severity.SEV3, category=Category.SECURITY)
    await settle(hub)

    (first,) = await steps(hub, in_hours)
    assert set(handles(first)) == {"olivia", "tomasz"} and first.data["rules"] == []
    (sec,) = await steps(hub, security)
    assert set(handles(sec)) == {"olivia", "tomasz", "priya"}
    assert [r["name"] for r in sec.data["rules"]] == ["security-experts"]
    await hub.stop()


async def test_a_level_whose_targets_are_all_off_duty_is_skipped_with_its_reason() -> None:
    clock = ManualClock(DAY)  # 03:00 in San Francisco
    hub, demo = await demo_hub(clock)
    policy = PolicyCreate(
        name="skip",
        levels=[
            EscalationLevel(
                targets=[
                    Target(kind=TargetKind.MEMBER, value="sam"),
                    Target(kind=TargetKind.MEMBER, value="priya"),
                ],
                delay_minutes=5,
                skip_when_off_duty=True,
            ),
            EscalationLevel(
                targets=[Target(kind=TargetKind.MEMBER, value="mei")],
                delay_minutes=5,
                skip_when_off_duty=True,
            ),
        ],
    )
    await with_policy(hub, demo, policy)
    incident_id = await declare(hub, demo)
    await settle(hub)

    skipped, engaged = await steps(hub, incident_id)
    assert skipped.type == "incident.escalation_skipped"
    assert skipped.data["level"] == 1
    reason = skipped.data["reason"]
    assert "all 2 targets of level 1 are off duty" in reason
    assert "sam (Mon 03:00 America/Los_Angeles)" in reason
    assert "priya (Mon 04:00 America/Denver)" in reason
    # The last step left engages even off duty: someone always hears of it.
    assert engaged.type == "incident.escalated" and handles(engaged) == ["mei"]
    assert engaged.data["targets"][0]["working"] is False
    assert engaged.occurred_at == DAY
    notes = await hub.escalation.notifier.for_incident(incident_id)
    assert [(n.step, n.handles) for n in notes] == [(2, ["mei"])]
    await hub.stop()
