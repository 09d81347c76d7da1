"""Leased jobs and durable reactions: once each, late work recorded, across replicas."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hub.clock import ManualClock
from hub.core import Hub
from hub.events.models import Event
from hub.scheduler.jobs import Job
from tests.conftest import make_settings, replica_client

T0 = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)


async def two_replicas(clock: ManualClock) -> tuple[Hub, Hub]:
    client = replica_client()
    settings = make_settings()
    a = Hub(settings, clock=clock, shared_client=client)
    b = Hub(settings, clock=clock, shared_client=client)
    for h in (a, b):
        await h.start(run_scheduler=False)
    return a, b


async def test_each_due_job_runs_once_across_two_replicas() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    ran: list[str] = []

    async def handler(job: Job) -> None:
        await asyncio.sleep(0)  # let the other replica try to claim meanwhile
        ran.append(job.payload["n"])

    for hub in (a, b):
        hub.scheduler.register("test.tick", handler)
    for n in range(50):
        await a.scheduler.schedule("test.tick", T0 + timedelta(minutes=1), {"n": n})
    clock.advance(timedelta(minutes=2))
    counts = await asyncio.gather(a.scheduler.run_due(), b.scheduler.run_due())

    assert sum(counts) == 50
    assert sorted(ran) == list(range(50))
    await a.stop()
    await b.stop()


async def test_overdue_jobs_after_a_stop_fire_once_marked_late() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    ran: list[Job] = []

    async def handler(job: Job) -> None:
        ran.append(job)

    await a.scheduler.schedule("test.due", T0 + timedelta(minutes=5), {})
    await a.scheduler.schedule("test.due", T0 + timedelta(minutes=10), {})
    await a.stop()  # replica A goes away before either is due
    clock.advance(timedelta(minutes=30))
    b.scheduler.register("test.due", handler)
    assert await b.scheduler.run_due() == 2
    assert await b.scheduler.run_due() == 0
    assert [round(j.late_by) for j in ran] == [25 * 60, 20 * 60]
    await b.stop()


async def test_scheduling_with_the_same_dedup_key_keeps_the_first() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    first = await a.scheduler.schedule("x", T0, {"v": 1}, dedup="same")
    second = await b.scheduler.schedule("x", T0, {"v": 2}, dedup="same")
    assert second.id == first.id
    assert len(await a.scheduler.pending()) == 1
    await a.stop()
    await b.stop()


async def test_a_reaction_sees_each_event_once_even_with_two_replicas() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    seen: list[int] = []

    async def react(event: Event) -> None:
        seen.append(event.data["n"])

    for hub in (a, b):
        hub.reactions.register("test.counter", {"test.happened"}, react)
    await a.reactions.run_pending()  # creates the checkpoint before any event
    doc = {"id": "6b11bbdbb6623a911555521e", "outbox": []}
    await a.db["things"].insert(doc)
    events = [Event(type="test.happened", occurred_at=T0, actor="t", data={"n": n})
              for n in range(10)]
    await a.events.flush("things", doc["id"], events)
    await asyncio.gather(a.reactions.run_pending(), b.reactions.run_pending())
    await asyncio.gather(a.reactions.run_pending(), b.reactions.run_pending())

    assert seen == list(range(10))
    await a.stop()
    await b.stop()
