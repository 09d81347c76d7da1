"""Faults found in the scheduler and reactions, each pinned by the behaviour it broke."""

from __future__ import annotations

from datetime import timedelta

from hub.clock import ManualClock
from hub.events.models import Event
from hub.scheduler.jobs import Job, RetryPolicy
from tests.scheduler.test_jobs_and_reactions import T0, two_replicas

DOC = "6b11bbdbb6623a911555521e"


async def test_events_stored_while_a_reaction_runs_are_not_skipped() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    await a.db["things"].insert({"id": DOC, "outbox": []})
    seen: list[int] = []

    async def react(event: Event) -> None:
        seen.append(event.data["n"])
        if event.data["n"] == 0:  # a reaction whose effect is another such event
            follow = Event(type="test.happened", occurred_at=T0, actor="t", data={"n": 1})
            await a.events.flush("things", DOC, [follow])

    a.reactions.register("test.chain", {"test.happened"}, react)
    await a.reactions.prepare()
    first = Event(type="test.happened", occurred_at=T0, actor="t", data={"n": 0})
    await a.events.flush("things", DOC, [first])
    await a.reactions.run_pending()
    await a.reactions.run_pending()
    assert seen == [0, 1]
    await a.stop()
    await b.stop()


async def test_a_replica_leaves_jobs_it_has_no_handler_for() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    ran: list[str] = []

    async def handler(job: Job) -> None:
        ran.append(job.id)

    a.scheduler.register("test.new_kind", handler)
    job = await a.scheduler.schedule("test.new_kind", T0, {})
    assert await b.scheduler.run_due() == 0  # an older replica, say, mid-upgrade
    assert await a.scheduler.run_due() == 1
    assert ran == [job.id]
    await a.stop()
    await b.stop()


async def test_a_kind_retries_on_its_own_backoff_then_fails() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    tries: list[int] = []

    async def flaky(job: Job) -> None:
        tries.append(job.attempts)
        raise RuntimeError("down")

    retry = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=10), factor=3.0)
    a.scheduler.register("test.flaky", flaky, retry=retry)
    job = await a.scheduler.schedule("test.flaky", T0, {})
    await a.scheduler.run_due()
    for wait in (10, 30):
        clock.advance(timedelta(seconds=wait - 1))
        assert await a.scheduler.run_due() == 0
        clock.advance(timedelta(seconds=1))
        assert await a.scheduler.run_due() == 1
    clock.advance(timedelta(hours=1))
    assert await a.scheduler.run_due() == 0
    assert tries == [1, 2, 3]
    doc = await a.db["jobs"].get(job.id)
    assert doc is not None and doc["state"] == "failed" and "down" in doc["last_error"]
    await a.stop()
    await b.stop()


async def test_a_retried_job_keeps_the_lateness_of_its_first_run() -> None:
    clock = ManualClock(T0)
    a, b = await two_replicas(clock)
    seen: list[float] = []

    async def fails_once(job: Job) -> None:
        seen.append(job.late_by)
        if job.attempts == 1:
            raise RuntimeError("receiver down")

    retry = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=10))
    b.scheduler.register("test.late", fails_once, retry=retry)
    job = await a.scheduler.schedule("test.late", T0 + timedelta(minutes=5), {})
    await a.stop()  # nobody runs it on time
    clock.advance(timedelta(minutes=25))
    assert await b.scheduler.run_due() == 1
    clock.advance(timedelta(seconds=10))
    assert await b.scheduler.run_due() == 1

    assert seen == [20 * 60, 20 * 60]
    doc = await b.db["jobs"].get(job.id)
    assert doc is not None and doc["state"] == "done" and doc["late_by"] == 20 * 60
    await b.stop()
