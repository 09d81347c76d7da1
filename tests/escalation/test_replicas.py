"""Two hubs over one database: every step fires once, none is lost, late steps say so."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import seed
from hub.escalation.models import EscalationLevel, PolicyCreate, Target, TargetKind
from hub.incidents.models import IncidentDeclare, Severity
from tests.conftest import make_settings
from tests.escalation.world import (
    DAY,
    STEP_TYPES,
    new_hub,
    shared_engine,
    steps,
    until,
    with_policy,
)

INCIDENTS = int(__import__("os").environ.get("ESC_N", "200"))


def two_levels(team_id: str, *, repeat: int = 1) -> PolicyCreate:
    return PolicyCreate(
        name="two levels",
        repeat=repeat,
        levels=[
            EscalationLevel(
                targets=[Target(kind=TargetKind.TEAM, value=team_id)], delay_minutes=5
            ),
            EscalationLevel(
                targets=[Target(kind=TargetKind.MEMBER, value="olivia")], delay_minutes=5
            ),
        ],
    )


async def shared_pair(clock: ManualClock) -> tuple[Hub, Hub]:
    # One engine, two hubs: replicas of one deployment. With a real server
    # both connect to it by URI; the database name must match.
    client = shared_engine()
    a = await new_hub(clock, client, tail_interval=0.25)
    b = Hub(a.settings, clock=clock, shared_client=client)
    await b.start(run_scheduler=False)
    return a, b


async def both(a: Hub, b: Hub) -> int:
    ran = 0
    while True:
        counts = await asyncio.gather(
            a.reactions.run_pending(),
            b.reactions.run_pending(),
            a.scheduler.run_due(),
            b.scheduler.run_due(),
        )
        ran += sum(counts)
        if sum(counts) == 0:
            return ran


async def test_two_hubs_fire_each_step_of_200_escalations_exactly_once() -> None:
    clock = ManualClock(DAY)
    a, b = await shared_pair(clock)
    demo = await seed(a)
    # Two levels and no repeat: the chain from one step to the next is what
    # matters here; test_ladder walks longer ladders.
    await with_policy(a, demo, two_levels(demo.team_ids["sre-emea"], repeat=0))
    team = demo.team_ids["sre-emea"]
    await asyncio.gather(
        *[
            (a if n % 2 else b).flows.declare(
                IncidentDeclare(title=f"incident {n}", severity=Severity.SEV2, team_id=team),
                actor="load",
            )
            for n in range(INCIDENTS)
        ]
    )
    started = time.perf_counter()
    # Each hub hears of the other's incidents by tailing the log: wait for all.
    await until(lambda: a.escalation.store.collection.find({}), INCIDENTS, work=lambda: both(a, b))
    clock.set(DAY + timedelta(minutes=5))
    await both(a, b)
    print(f"\n{INCIDENTS} escalations x 2 steps on two hubs: {time.perf_counter() - started:.1f}s")

    log = await a.events.read(after=0, query={"type": {"$in": sorted(STEP_TYPES)}})
    fired = Counter((e.incident_id, e.data["step"]) for e in log)
    assert len(fired) == INCIDENTS * 2, "a step was lost"
    assert set(fired.values()) == {1}, "a step fired twice"
    assert Counter(e.data["level"] for e in log) == {1: INCIDENTS, 2: INCIDENTS}
    jobs = await a.db["jobs"].find({"kind": "escalation.step"})
    assert Counter(j["state"] for j in jobs) == {"done": INCIDENTS * 2}
    # One claim per step: the lease, not only the step's idempotency, kept
    # the other replica away.
    assert {j["attempts"] for j in jobs} == {1}, "a step was claimed by both hubs"
    assert {j["owner"] for j in jobs} == {a.scheduler.owner, b.scheduler.owner}
    notes = await a.db["notifications"].find({})
    assert len({n["id"] for n in notes}) == len(notes) == INCIDENTS * 2
    await a.stop()
    await b.stop()


async def test_a_step_run_twice_after_a_lost_lease_has_one_effect() -> None:
    clock = ManualClock(DAY)
    a, b = await shared_pair(clock)
    demo = await seed(a)
    await with_policy(a, demo, two_levels(demo.team_ids["sre-emea"]))
    incident = await a.flows.declare(
        IncidentDeclare(title="x", team_id=demo.team_ids["sre-emea"]), actor="t"
    )
    await a.reactions.run_pending()
    job = await a.scheduler.claim()
    assert job is not None
    # Replica A runs the step and dies before marking the job done; the lease
    # runs out and replica B claims the same job and runs it again.
    await a.escalation.engine.run_step(job)
    clock.advance(timedelta(minutes=2))
    again = await b.scheduler.claim()
    assert again is not None and again.id == job.id and again.attempts == 2
    await b.escalation.engine.run_step(again)

    assert len(await steps(a, incident.id)) == 1
    assert len(await a.escalation.notifier.for_incident(incident.id)) == 1
    assert len(await a.scheduler.pending({"kind": "escalation.step"})) == 1
    await a.stop()
    await b.stop()


async def test_overdue_steps_after_a_restart_fire_once_and_are_marked_late() -> None:
    clock = ManualClock(DAY)
    client = shared_engine()
    first = Hub(
        make_settings(),
        clock=clock,
        shared_client=client,
    )
    await first.start()  # with its scheduler and reactions running
    demo = await seed(first)
    await with_policy(
        first,
        demo,
        PolicyCreate(
            name="three",
            levels=[
                EscalationLevel(targets=[Target(kind=TargetKind.MEMBER, value=h)], delay_minutes=5)
                for h in ("olivia", "tomasz", "mei")
            ],
        ),
    )
    incident = await first.flows.declare(
        IncidentDeclare(title="x", team_id=demo.team_ids["sre-emea"]), actor="t"
    )
    await until(lambda: steps(first, incident.id), 1)
    # A step's event is written before its job is marked done. Stopping in
    # between leaves level 1's job running under a lease the jump below
    # expires, and the next hub reclaims it, late by the whole jump.
    await until(lambda: done_steps(first), 1)
    await first.stop()  # mid-escalation: levels 2 and 3 still to come

    clock.set(DAY + timedelta(minutes=12))  # level 2 was due at +5, level 3 at +10
    fresh = Hub(first.settings, clock=clock, shared_client=client)
    await fresh.start()
    fired = await until(lambda: steps(fresh, incident.id), 3)
    await asyncio.sleep(0.3)  # time for a wrong second firing to show
    assert len(await steps(fresh, incident.id)) == 3
    assert [e.data["level"] for e in fired] == [1, 2, 3]
    assert [e.data["late"] for e in fired] == [False, True, True]
    assert [e.data["late_by_seconds"] for e in fired] == [0, 7 * 60, 2 * 60]
    jobs = await fresh.scheduler.pending({"kind": "escalation.step"})
    assert jobs == []
    done = await fresh.db["jobs"].find({"kind": "escalation.step"}, sort=[("due_at", 1)])
    assert [round(j["late_by"]) for j in done] == [0, 7 * 60, 2 * 60]
    await fresh.stop()


async def done_steps(hub: Hub) -> list[dict[str, object]]:
    return await hub.db["jobs"].find({"kind": "escalation.step", "state": "done"})


