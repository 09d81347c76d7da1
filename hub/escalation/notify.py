"""Outbound notifications: one signed webhook per team per step, every attempt recorded.

A step that engages people creates one notification per team they belong to,
keyed by (incident, step, team), so running the step twice creates nothing
new. Delivery is a scheduler job: a failure raises, and the scheduler retries
it with backoff; the last failure marks the notification FAILED and puts it on
the incident's timeline. Nothing is dropped without a record. A page the
incident no longer needs (acknowledged or moved on before it was sent) is
closed as CANCELLED instead, unless someone asked for its step by hand.

A receiver may still see a delivery twice: if the hub dies after the
receiver answered and before the answer is stored, the job runs again. Each
request carries ``X-Hub-Delivery`` (the notification id) so receivers can drop
the repeat; no sender can do better over plain HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx
from pydantic import BaseModel, Field

from hub.clock import Clock
from hub.escalation.plan import Action, StepPlan
from hub.escalation.webhooks import SIGNATURE_HEADER, WebhookService, signature
from hub.incidents.models import Incident, Status
from hub.incidents.service import IncidentService
from hub.scheduler.jobs import Job, RetryPolicy, Scheduler
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository

log = logging.getLogger(__name__)

KIND = "escalation.notify"
BY_STEP = [("step", 1), ("team_id", 1)]
RETRY = RetryPolicy(
    max_attempts=6, first_delay=timedelta(seconds=5), factor=3.0, max_delay=timedelta(minutes=10)
)


class NotificationState(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"  # every attempt failed
    UNDELIVERABLE = "UNDELIVERABLE"  # the team has no webhook
    CANCELLED = "CANCELLED"  # the incident was acknowledged (or moved on) first


class Attempt(BaseModel):
    number: int
    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: float = 0.0


class Notification(BaseModel):
    id: str
    incident_id: str
    step: int
    team_id: str
    handles: list[str]
    state: NotificationState
    drill: bool
    # A step asked for by hand: sent even once the incident is acknowledged.
    manual: bool = False
    payload: dict[str, Any]
    attempts: list[Attempt] = Field(default_factory=list)
    created_at: datetime
    delivered_at: datetime | None = None
    error: str | None = None

    @property
    def retried(self) -> bool:
        return len(self.attempts) > 1


class DeliveryFailed(Exception):
    """Raised for a failed attempt, so the scheduler tries again later."""


FailureHook = Callable[["Notification"], Awaitable[None]]


class Notifier:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        webhooks: WebhookService,
        incidents: IncidentService,
        *,
        timeout: float,
    ) -> None:
        self.collection = db["notifications"]
        self._incidents = incidents
        self.repo = Repository(self.collection, Notification, "notification")
        self._clock = clock
        self._scheduler = scheduler
        self._webhooks = webhooks
        if timedelta(seconds=timeout) * 2 > scheduler.lease:
            # A delivery outliving its job's lease could be run again by
            # another replica while the first is still sending.
            raise ValueError(
                f"a webhook timeout of {timeout}s needs a job lease of at least "
                f"{2 * timeout}s; the scheduler's is {scheduler.lease.total_seconds()}s"
            )
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self.on_failed: FailureHook | None = None
        scheduler.register(KIND, self.deliver, retry=RETRY)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def for_incident(self, incident_id: str) -> list[Notification]:
        docs = await self.collection.find({"incident_id": incident_id}, sort=BY_STEP)
        return [Notification.model_validate(d) for d in docs]

    async def page_for_incident(
        self, incident_id: str, request: PageRequest
    ) -> Page[Notification]:
        """One page of :meth:`for_incident`, in the same order."""
        return await self.repo.page({"incident_id": incident_id}, BY_STEP, request)

    async def unreachable(self, plan: StepPlan) -> list[str]:
        """Teams ``plan`` engages that have no webhook to reach them by."""
        if plan.action is not Action.ENGAGE:
            return []
        teams = list(dict.fromkeys(p.team_id for p in plan.people))
        keys = await self._webhooks.keys(teams)
        return [t for t in teams if t not in keys]

    async def enqueue(self, incident: Incident, plan: StepPlan) -> None:
        """One notification per team engaged by ``plan``; safe to repeat."""
        teams: dict[str, list[str]] = {}
        for person in plan.people:
            teams.setdefault(person.team_id, []).append(person.handle)
        keys = await self._webhooks.keys(list(teams))
        for team_id, handles in teams.items():
            note = self._build(incident, plan, team_id, handles)
            if team_id not in keys:
                note.state = NotificationState.UNDELIVERABLE
                note.error = "the team has no webhook configured"
            # A team without a webhook is named on the step's own timeline event
            # (``unreachable_teams``) and recorded here; it is not retried.
            if await self._insert(note) and team_id not in keys:
                log.warning(
                    "event=notify.undeliverable notification_id=%s team_id=%s", note.id, team_id
                )
            if team_id in keys:
                await self._scheduler.schedule(
                    KIND, self._clock.now(), {"id": note.id}, dedup=f"notify:{note.id}"
                )

    async def _insert(self, note: Notification) -> bool:
        try:
            await self.collection.insert(note.model_dump())
        except DuplicateKey:
            return False
        return True

    def _build(
        self, incident: Incident, plan: StepPlan, team_id: str, handles: list[str]
    ) -> Notification:
        note_id = f"{incident.id}-{plan.step}-{team_id}"
        payload = {
            "delivery_id": note_id,
            "type": "incident.escalated",
            "drill": incident.exercise,
            "incident": {
                "id": incident.id,
                "ref": incident.ref,
                "title": incident.title,
                "severity": incident.severity.value,
                "category": incident.category.value,
                "team_id": incident.team_id,
            },
            "step": plan.step,
            "level": plan.level + 1,
            "round": plan.round + 1,
            "team_id": team_id,
            "targets": handles,
            "reason": plan.reason,
            "rules": [hit.name for hit in plan.rules],
        }
        return Notification(
            id=note_id,
            incident_id=incident.id,
            step=plan.step,
            team_id=team_id,
            handles=handles,
            state=NotificationState.PENDING,
            drill=incident.exercise,
            manual=plan.manual,
            payload=payload,
            created_at=self._clock.now(),
        )

    async def deliver(self, job: Job) -> None:
        doc = await self.collection.get(job.payload["id"])
        if doc is None:
            log.error("event=notify.missing notification_id=%s", job.payload["id"])
            return
        note = Notification.model_validate(doc)
        if note.state is not NotificationState.PENDING:
            return
        if await self._overtaken(note):
            return
        keys = await self._webhooks.keys([note.team_id])
        key = keys.get(note.team_id)
        if key is None:
            await self._close(
                note,
                NotificationState.UNDELIVERABLE,
                "the team's webhook was removed before delivery",
            )
            return
        attempt = await self._post(note, key.url, key.secret, job.attempts)
        await self.collection.update_one(
            {"id": note.id, "attempts.number": {"$ne": attempt.number}},
            {"$push": {"attempts": attempt.model_dump()}},
        )
        if attempt.status_code is not None and 200 <= attempt.status_code < 300:
            await self.collection.update_one(
                {"id": note.id},
                {
                    "$set": {
                        "state": NotificationState.DELIVERED.value,
                        "delivered_at": attempt.at,
                        "error": None,
                    }
                },
            )
            log.info(
                "event=notify.delivered notification_id=%s attempts=%d", note.id, attempt.number
            )
            return
        error = attempt.error or f"HTTP {attempt.status_code}"
        if job.attempts >= RETRY.max_attempts:
            await self._close(note, NotificationState.FAILED, error)
            return
        raise DeliveryFailed(f"notification {note.id} attempt {attempt.number}: {error}")

    async def _post(self, note: Notification, url: str, secret: str, number: int) -> Attempt:
        body = json.dumps(note.payload, sort_keys=True, separators=(",", ":")).encode()
        now = self._clock.now()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret, int(now.timestamp()), body),
            "X-Hub-Delivery": note.id,
            "X-Hub-Attempt": str(number),
        }
        started = time.perf_counter()
        attempt = Attempt(number=number, at=now)
        try:
            # One deadline for the whole attempt: the client's own timeout
            # bounds each phase alone, and a receiver sending a byte at a time
            # could outlast the job's lease (see hub.settings.webhook_timeout).
            async with asyncio.timeout(self._timeout):
                response = await self._http().post(url, content=body, headers=headers)
            attempt.status_code = response.status_code
        except Exception as exc:  # noqa: BLE001 - every failure kind is an attempt
            # Not only transport errors: a URL the client refuses (InvalidURL),
            # an encoding fault, anything else. Each is recorded on the
            # notification and retried, and the last one reaches the timeline,
            # so no failure is silent. Cancellation is not an Exception.
            why = str(exc) or f"no answer within {self._timeout}s"
            attempt.error = f"{type(exc).__name__}: {why}"[:500]
        attempt.duration_ms = round((time.perf_counter() - started) * 1000, 1)
        return attempt

    def _http(self) -> httpx.AsyncClient:
        # Made on first use so the client belongs to the running event loop.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        return self._client

    async def _overtaken(self, note: Notification) -> bool:
        """Cancel ``note`` if its incident was acknowledged or moved on first.

        The engine decides a step from the incident it read, and writes the
        step to another document: an acknowledgement can land in between (or
        any time before delivery), and no single-document write can exclude
        that. Delivery is the effect people feel, so the check sits here, as
        late as it can: only an acknowledgement during the request itself can
        still be followed by its page.
        """
        if note.manual:
            return False
        incident = await self._incidents.get(note.incident_id)
        if incident.status is Status.TRIGGERED:
            return False
        why = f"{incident.ref} was {incident.status} before delivery"
        await self._close(note, NotificationState.CANCELLED, why, failed=False)
        log.info("event=notify.cancelled notification_id=%s reason=%s", note.id, why)
        return True

    async def _close(
        self, note: Notification, state: NotificationState, error: str, *, failed: bool = True
    ) -> None:
        closed = await self.collection.update_one(
            {"id": note.id, "state": NotificationState.PENDING.value},
            {"$set": {"state": state.value, "error": error}},
        )
        if not closed or not failed:
            return
        log.error(
            "event=notify.gave_up notification_id=%s state=%s error=%s", note.id, state, error
        )
        await self._report(note.model_copy(update={"state": state, "error": error}))

    async def _report(self, note: Notification) -> None:
        if self.on_failed is not None:
            await self.on_failed(note)
