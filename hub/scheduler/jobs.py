"""Due work, stored in MongoDB and claimed with a lease, exactly once across replicas.

A job is claimed by one atomic ``find_one_and_update`` that moves it from
pending to running and writes a lease. Only the owner of a live lease runs it;
a replica that dies mid-job loses its lease, and the job is claimed again once
the lease runs out. Handlers therefore make their effect idempotent (keyed by
the job id), which turns at-least-once claiming into exactly-once effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from hub.clock import Clock
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED, CANCELLED = "pending", "running", "done", "failed", "cancelled"
MAX_ATTEMPTS = 5


class Job(BaseModel):
    id: str
    kind: str
    due_at: datetime
    payload: dict[str, Any] = Field(default_factory=dict)
    state: str = PENDING
    dedup: str | None = None
    attempts: int = 0
    owner: str | None = None
    lease_until: datetime | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Seconds between due and first claimed: how late the hub was (a stop, a
    # backlog). A retry moves due_at on, so later claims keep the first figure.
    late_by: float = 0.0
    # Failed runs put back to wait out their backoff.
    retries: int = 0
    last_error: str | None = None


Handler = Callable[[Job], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing job is tried, and how long it waits between tries."""

    max_attempts: int = MAX_ATTEMPTS
    first_delay: timedelta = timedelta(seconds=2)
    factor: float = 2.0
    max_delay: timedelta = timedelta(minutes=10)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th try failed (1 for the first)."""
        grown = self.first_delay * (self.factor ** max(0, attempts - 1))
        return min(grown, self.max_delay)


DEFAULT_RETRY = RetryPolicy()


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=60),
        poll: timedelta = timedelta(seconds=1),
        owner: str | None = None,
    ) -> None:
        self._jobs = db["jobs"]
        self._clock = clock
        # How long a claimed job is its runner's alone; work that may take
        # longer risks a second run elsewhere (see Notifier's deadline).
        self.lease = lease
        self._poll = poll
        self.owner = owner or f"hub-{uuid.uuid4().hex[:8]}"
        self._handlers: dict[str, Handler] = {}
        self._retries: dict[str, RetryPolicy] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def register(self, kind: str, handler: Handler, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._handlers[kind] = handler
        self._retries[kind] = retry

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        dedup: str | None = None,
    ) -> Job:
        """Store a job; with ``dedup``, scheduling the same work twice keeps the first."""
        doc = {
            "id": new_id(),
            "kind": kind,
            "due_at": due_at,
            "payload": payload or {},
            "state": PENDING,
            "attempts": 0,
            "created_at": self._clock.now(),
            "late_by": 0.0,
        }
        if dedup is not None:
            doc["dedup"] = dedup
        try:
            await self._jobs.insert(doc)
        except DuplicateKey:
            existing = await self._jobs.find_one({"dedup": dedup})
            if existing is not None:
                return Job.model_validate(existing)
            raise
        if due_at <= self._clock.now():
            self._wake.set()
        return Job.model_validate(doc)

    async def cancel(self, query: dict[str, Any]) -> int:
        """Cancel pending jobs matching ``query`` (on ``kind``, ``payload.*``...)."""
        return await self._jobs.update_many(
            {**query, "state": PENDING}, {"$set": {"state": CANCELLED}}
        )

    async def pending(self, query: dict[str, Any] | None = None) -> list[Job]:
        docs = await self._jobs.find({**(query or {}), "state": PENDING}, sort=[("due_at", 1)])
        return [Job.model_validate(d) for d in docs]

    async def claim(self, *, job_id: str | None = None) -> Job | None:
        """Take one due job (or the job ``job_id``, due or not) under a lease."""
        now = self._clock.now()
        # A replica claims only kinds it can run: during a rolling upgrade an
        # older replica must leave a new kind of job to the replicas that know it.
        query: dict[str, Any] = {
            "kind": {"$in": sorted(self._handlers)},
            "$or": [
                {"state": PENDING, "due_at": {"$lte": now}},
                {"state": RUNNING, "lease_until": {"$lt": now}},
            ],
        }
        if job_id is not None:
            query = {"id": job_id, "kind": query["kind"], "state": PENDING}
        doc = await self._jobs.find_one_and_update(
            query,
            {
                "$set": {
                    "state": RUNNING,
                    "owner": self.owner,
                    "lease_until": now + self.lease,
                    "started_at": now,
                },
                "$inc": {"attempts": 1},
            },
            sort=[("due_at", 1)],
        )
        if doc is None:
            return None
        job = Job.model_validate(doc)
        # Stored with the outcome (see _finish and _retry), not in a write of its
        # own. A job reclaimed after a lost lease still has its first due_at.
        if job.retries == 0:
            job.late_by = max(0.0, (now - job.due_at).total_seconds())
        return job

    async def run_now(self, job: Job) -> bool:
        """Run ``job`` at once, ahead of its due time; False if another runner has it."""
        claimed = await self.claim(job_id=job.id)
        if claimed is None:
            return False
        await self._run(claimed)
        return True

    async def run_due(self) -> int:
        """Run every job that is due now; returns how many ran."""
        ran = 0
        while (job := await self.claim()) is not None:
            await self._run(job)
            ran += 1
        return ran

    async def _run(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            await self._finish(job, FAILED, error=f"no handler for {job.kind!r}")
            return
        try:
            await handler(job)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed job is retried, never lost
            await self._retry(job, exc)
            return
        await self._finish(job, DONE)
        log.info(
            "event=scheduler.job_done kind=%s job_id=%s late_by=%.1fs attempts=%d",
            job.kind,
            job.id,
            job.late_by,
            job.attempts,
        )

    async def _retry(self, job: Job, exc: Exception) -> None:
        retry = self._retries.get(job.kind, DEFAULT_RETRY)
        if job.attempts >= retry.max_attempts:
            log.error(
                "event=scheduler.job_failed kind=%s job_id=%s error=%r", job.kind, job.id, exc
            )
            await self._finish(job, FAILED, error=repr(exc))
            return
        delay = retry.delay(job.attempts)
        log.warning(
            "event=scheduler.job_retry kind=%s job_id=%s retry_in=%ss error=%r",
            job.kind,
            job.id,
            delay.total_seconds(),
            exc,
        )
        await self._jobs.update_one(
            {"id": job.id, "owner": self.owner},
            {
                "$set": {
                    "state": PENDING,
                    "due_at": self._clock.now() + delay,
                    "last_error": repr(exc),
                    "late_by": job.late_by,
                },
                "$inc": {"retries": 1},
            },
        )

    async def _finish(self, job: Job, state: str, *, error: str | None = None) -> None:
        await self._jobs.update_one(
            {"id": job.id, "owner": self.owner},
            {
                "$set": {
                    "state": state,
                    "finished_at": self._clock.now(),
                    "last_error": error,
                    "late_by": job.late_by,
                }
            },
        )

    async def next_due(self) -> datetime | None:
        doc = await self._jobs.find_one({"state": PENDING}, sort=[("due_at", 1)])
        return doc["due_at"] if doc else None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            due: datetime | None = None
            try:
                await self.run_due()
                due = await self.next_due()
            except Exception:  # keep the loop alive; the next poll retries
                log.exception(
                    "event=scheduler.loop_error retry_in=%ss", self._poll.total_seconds()
                )
            wake = self._clock.now() + self._poll
            await self._pause(min(wake, due) if due else wake)

    async def _pause(self, until: datetime) -> None:
        # Wakes at ``until``, when work due now is scheduled here, or after one
        # poll in real time: a manual clock never moves on its own, and other
        # replicas schedule work this one hears of only by looking.
        sleeper = asyncio.ensure_future(self._clock.sleep_until(until))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                {sleeper, waker},
                timeout=self._poll.total_seconds(),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            sleeper.cancel()
            waker.cancel()
        self._wake.clear()
