"""The escalation engine: runs each pending step once, from a leased scheduler job.

A step runs in two halves. *Apply* decides the step and records it with one
conditional write (see :mod:`hub.escalation.state`); *follow up* creates the
step's notifications and schedules the next step, both keyed so that doing it
twice does nothing. A runner that dies anywhere in between leaves its job's
lease to run out; the next runner finds the step applied and only follows up.
So the scheduler's at-least-once claims give exactly-once steps.

Steps are timed from the plan, not from when the previous step ran: level 2 is
due ten minutes after level 1 was *due*. After an outage every overdue step
fires at once, each marked with how late it was.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from hub.clock import Clock
from hub.escalation.notify import Notification, Notifier
from hub.escalation.plan import Action, StepPlan, decide
from hub.escalation.state import Escalation, EscalationState, EscalationStore, PendingStep
from hub.escalation.targets import Directory
from hub.escalation.updates import last_update
from hub.events.log import EventLog
from hub.events.models import Event
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident, Status
from hub.incidents.service import IncidentService
from hub.scheduler.jobs import Job, Scheduler
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

STEP = "escalation.step"
ACTOR = "escalation"
# A step this much past its due time is marked late on the timeline.
LATE_AFTER = timedelta(seconds=30)


class EscalationEngine:
    def __init__(
        self,
        clock: Clock,
        events: EventLog,
        incidents: IncidentService,
        teams: TeamService,
        store: EscalationStore,
        notifier: Notifier,
        scheduler: Scheduler,
    ) -> None:
        self._clock = clock
        self._events = events
        self._incidents = incidents
        self._teams = teams
        self.store = store
        self._notifier = notifier
        self._scheduler = scheduler
        scheduler.register(STEP, self.run_step)
        notifier.on_failed = self._notification_failed

    async def schedule(self, incident_id: str, pending: PendingStep) -> Job:
        dedup = f"esc:{incident_id}:{pending.step}"
        if pending.request_id is not None:
            dedup += f":{pending.request_id}"
        return await self._scheduler.schedule(
            STEP,
            pending.due_at,
            {"incident_id": incident_id, "step": pending.step},
            dedup=dedup,
        )

    async def run_step(self, job: Job) -> None:
        incident_id, number = str(job.payload["incident_id"]), int(job.payload["step"])
        esc = await self.store.get(incident_id)
        if esc is None:
            log.error("event=escalation.missing incident_id=%s step=%d", incident_id, number)
            return
        incident = None
        if esc.applied < number:
            applied = await self._apply(esc, number)
            if applied is None:
                return
            esc, incident = applied
        await self._follow_up(esc, number, incident)

    async def _apply(
        self, esc: Escalation, number: int
    ) -> tuple[Escalation, Incident | None] | None:
        pending = esc.next
        if pending is None or pending.step != number:
            log.info("event=escalation.step_superseded incident_id=%s step=%d", esc.id, number)
            return None
        if esc.state is not EscalationState.ACTIVE and not pending.manual:
            return None
        incident = await self._incidents.get(esc.id)
        if not pending.manual and incident.status is not Status.TRIGGERED:
            await self.stop(incident, reason=f"{incident.ref} is {incident.status}")
            return None
        now = self._clock.now()
        plan = decide(
            esc.policy,
            incident,
            await Directory.load(self._teams),
            pending,
            at=now,
            last_update=await self._last_update(esc, incident),
            manual=pending.manual,
        )
        state, nxt = _after(plan, incident)
        unreachable = await self._notifier.unreachable(plan)
        event = self._event(incident, plan, pending, final=nxt is None, unreachable=unreachable)
        if not await self.store.apply(esc, plan, state, nxt, [event]):
            fresh = await self.store.get(esc.id)
            done = fresh is not None and fresh.applied >= number
            return (fresh, None) if done and fresh is not None else None
        log.info(
            "event=incident.escalated incident=%s step=%d level=%d round=%d action=%s "
            "people=%d late_by=%.0fs",
            incident.ref,
            plan.step,
            plan.level + 1,
            plan.round + 1,
            plan.action,
            len(plan.people),
            _late_by(plan).total_seconds(),
        )
        applied = esc.model_copy(
            update={
                "applied": number,
                "version": esc.version + 1,
                "state": state,
                "next": nxt,
                "steps": [*esc.steps, plan],
                "outbox": [],
            }
        )
        return applied, incident

    async def _follow_up(self, esc: Escalation, number: int, incident: Incident | None) -> None:
        await self.store.flush_leftovers(esc)
        plan = esc.step(number)
        if plan is not None and plan.action is Action.ENGAGE:
            incident = incident or await self._incidents.get(esc.id)
            await self._notifier.enqueue(incident, plan)
        pending = esc.next
        if pending is not None and (esc.state is EscalationState.ACTIVE or pending.manual):
            await self.schedule(esc.id, pending)

    async def stop(self, incident: Incident, *, reason: str, actor: str = ACTOR) -> bool:
        """Stop ``incident``'s escalation; False if none was running."""
        now = self._clock.now()
        event = incident_event(
            incident, "incident.escalation_stopped", actor=actor, at=now, reason=reason
        )
        if not await self.store.stop(incident.id, reason, now, [event]):
            return False
        await self._scheduler.cancel({"kind": STEP, "payload.incident_id": incident.id})
        log.info("event=escalation.stopped incident=%s reason=%s", incident.ref, reason)
        return True

    async def _last_update(self, esc: Escalation, incident: Incident) -> datetime:
        uses_quiet = any(r.when.min_quiet_minutes is not None for r in esc.policy.rules) or any(
            lv.when and lv.when.min_quiet_minutes is not None for lv in esc.policy.levels
        )
        if not uses_quiet:
            return incident.created_at
        return last_update(await self._events.for_incident(incident.id), incident)

    def _event(
        self,
        incident: Incident,
        plan: StepPlan,
        pending: PendingStep,
        *,
        final: bool,
        unreachable: list[str],
    ) -> Event:
        kind = (
            "incident.escalated"
            if plan.action is Action.ENGAGE
            else ("incident.escalation_skipped")
        )
        late_by = _late_by(plan)
        event = incident_event(
            incident,
            kind,
            actor=pending.requested_by or ACTOR,
            at=plan.decided_at,
            step=plan.step,
            level=plan.level + 1,
            round=plan.round + 1,
            targets=[p.model_dump() for p in plan.people],
            reason=plan.reason,
            rules=[h.model_dump(mode="json") for h in plan.rules],
            late_by_seconds=round(late_by.total_seconds(), 3),
            late=late_by >= LATE_AFTER,
            manual=plan.manual,
            final=final,
            drill=incident.exercise,
            unreachable_teams=unreachable,
            next_at=plan.next.due_at.isoformat() if plan.next and not final else None,
        )
        # The step's own id: a second append of the same step is a no-op in the log.
        event.id = f"esc-{incident.id}-{plan.step}"
        return event

    async def _notification_failed(self, note: Notification) -> None:
        incident = await self._incidents.get(note.incident_id)
        event = incident_event(
            incident,
            "incident.notification_failed",
            actor=ACTOR,
            at=self._clock.now(),
            notification_id=note.id,
            team_id=note.team_id,
            step=note.step,
            state=note.state.value,
            error=note.error,
            attempts=len(note.attempts),
        )
        await self.store.append(incident.id, [event])


def _after(plan: StepPlan, incident: Incident) -> tuple[EscalationState, PendingStep | None]:
    if plan.next is None:
        return EscalationState.EXHAUSTED, None
    if incident.status is Status.TRIGGERED:
        return EscalationState.ACTIVE, PendingStep(**plan.next.model_dump())
    # A step asked for on an acknowledged incident fires once; the ladder stays stopped.
    return EscalationState.STOPPED, None


def _late_by(plan: StepPlan) -> timedelta:
    return max(timedelta(0), plan.decided_at - plan.due_at)
