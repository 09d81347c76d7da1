"""The reminder when a severity's update cadence is missed.

One durable scheduler job per incident, due when the next status update is
owed. A durable reaction to the events that move that deadline (declared,
update posted, status changed) schedules the job for the new deadline before
cancelling the old one, so a crash in between leaves a job that is early,
never none: an early job finds the deadline moved and reschedules itself. The
reminder is an ``incident.update_overdue`` event, written once per deadline.
"""

from __future__ import annotations

import logging
from datetime import datetime

from hub.clock import Clock
from hub.errors import NotFound
from hub.events.models import Event
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident
from hub.incidents.protocols import next_update_due, protocol_for
from hub.incidents.service import Change, IncidentService
from hub.incidents.updates import POSTED
from hub.scheduler.jobs import Job, Scheduler
from hub.scheduler.reactions import Reactions

log = logging.getLogger(__name__)

OVERDUE = "incident.update_overdue"
UPDATE_DUE_JOB = "incident.update_due"
# Events after which the next update is owed at a different time.
DEADLINE_MOVERS = frozenset(
    {"incident.declared", POSTED, "incident.status_changed", "incident.severity_changed"}
)


class UpdateReminders:
    def __init__(self, incidents: IncidentService, scheduler: Scheduler, clock: Clock) -> None:
        self._incidents = incidents
        self._scheduler = scheduler
        self._clock = clock

    def register(self, reactions: Reactions) -> None:
        self._scheduler.register(UPDATE_DUE_JOB, self._on_due)
        reactions.register("incidents.update_cadence", DEADLINE_MOVERS, self._on_mover)

    async def schedule_reminder(self, incident: Incident) -> None:
        """One pending reminder job, due at the current deadline (or none)."""
        job_query = {"kind": UPDATE_DUE_JOB, "payload.incident_id": incident.id}
        due = next_update_due(incident)
        if due is None:
            await self._scheduler.cancel(job_query)
            return
        job = await self._scheduler.schedule(
            UPDATE_DUE_JOB,
            due,
            {"incident_id": incident.id, "drill": incident.exercise},
            dedup=f"update-due:{incident.id}:{due.isoformat()}",
        )
        await self._scheduler.cancel({**job_query, "id": {"$ne": job.id}})

    async def _on_mover(self, event: Event) -> None:
        incident = await self._current(event.incident_id)
        if incident is not None:
            await self.schedule_reminder(incident)

    async def _on_due(self, job: Job) -> None:
        incident = await self._current(job.payload.get("incident_id"))
        due = next_update_due(incident) if incident else None
        if incident is None or due is None:
            return
        if self._clock.now() < due:
            await self.schedule_reminder(incident)
            return
        await self._remind(incident.id, due)

    async def _remind(self, incident_id: str, due: datetime) -> None:
        wrote = False

        def step(incident: Incident) -> Change:
            nonlocal wrote
            wrote = False
            # Once per deadline: a replayed job, or one for a deadline an
            # update has since moved, writes nothing.
            if next_update_due(incident) != due or incident.overdue_reminded_for == due:
                return Change()
            wrote = True
            now = self._clock.now()
            cadence = protocol_for(incident).update_cadence
            minutes = int(cadence.total_seconds() // 60) if cadence else 0
            event = incident_event(
                incident,
                OVERDUE,
                actor="hub",
                at=now,
                due_at=due.isoformat(),
                cadence_minutes=minutes,
                severity=incident.severity.value,
            )
            return Change(set={"overdue_reminded_for": due}, events=[event])

        incident = await self._incidents.mutate(incident_id, step)
        if wrote:
            log.info(
                "event=incident.update_overdue incident=%s due_at=%s",
                incident.ref,
                due.isoformat(),
            )

    async def _current(self, incident_id: object) -> Incident | None:
        if not isinstance(incident_id, str):
            return None
        try:
            return await self._incidents.get(incident_id)
        except NotFound:
            log.warning("event=incident.update_reminder_orphan incident_id=%s", incident_id)
            return None
