"""Starting, stopping and redirecting escalations, in answer to incidents and people.

Declared incidents start escalating and acknowledged (or otherwise moved on)
ones stop, through durable reactions to the stored events: a hub that was down
when the event happened still reacts once it is back. Both reactions are
idempotent, since a reaction may see an event twice.
"""

from __future__ import annotations

import logging

from hub.clock import Clock
from hub.errors import BadInput, Conflict, InvalidTransition, NotFound
from hub.escalation.engine import STEP, EscalationEngine
from hub.escalation.models import EscalationPolicy
from hub.escalation.plan import Position
from hub.escalation.service import PolicyService
from hub.escalation.state import Escalation, EscalationState, PendingStep
from hub.events.models import Event
from hub.incidents.models import Incident, Status
from hub.incidents.service import IncidentService
from hub.scheduler.jobs import Scheduler
from hub.scheduler.reactions import Reactions
from hub.storage.ids import new_id
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

START = "escalation.start"
START_ON = frozenset({"incident.declared"})
STOP_ON = frozenset({"incident.acknowledged", "incident.status_changed"})


class EscalationFlows:
    def __init__(
        self,
        clock: Clock,
        engine: EscalationEngine,
        incidents: IncidentService,
        teams: TeamService,
        policies: PolicyService,
        scheduler: Scheduler,
        reactions: Reactions,
    ) -> None:
        self._clock = clock
        self.engine = engine
        self._incidents = incidents
        self._teams = teams
        self._policies = policies
        self._scheduler = scheduler
        self._reactions = reactions
        reactions.register(START, START_ON, self.on_declared)
        reactions.register("escalation.stop", STOP_ON, self.on_moved_on)

    async def on_declared(self, event: Event) -> None:
        assert event.incident_id is not None
        try:
            incident = await self._incidents.get(event.incident_id)
        except NotFound:
            log.warning("event=escalation.incident_gone incident_id=%s", event.incident_id)
            return
        policy = await self._policy_of(incident)
        if policy is None or incident.status is not Status.TRIGGERED:
            return
        await self.begin(incident, policy)

    async def start_pending(self, declared: Event) -> bool:
        """Whether the start reaction has yet to see ``declared``, an incident's first event."""
        assert declared.seq is not None
        return declared.seq > await self._reactions.checkpoint(START)

    async def begin(self, incident: Incident, policy: EscalationPolicy) -> Escalation:
        """Start escalating ``incident``; starting twice keeps the first start."""
        first = PendingStep(**first_step(incident).model_dump())
        esc = await self.engine.store.start(
            Escalation(
                id=incident.id,
                incident_id=incident.id,
                policy=policy,
                state=EscalationState.ACTIVE,
                next=first,
                started_at=self._clock.now(),
            )
        )
        if esc.state is EscalationState.ACTIVE and esc.next is not None:
            await self.engine.schedule(esc.id, esc.next)
        return esc

    async def on_moved_on(self, event: Event) -> None:
        assert event.incident_id is not None
        if event.data.get("to") == Status.TRIGGERED.value:
            return
        incident = await self._incidents.get(event.incident_id)
        what = (
            "acknowledged"
            if event.type == "incident.acknowledged"
            else (f"moved to {event.data.get('to')}")
        )
        await self.engine.stop(incident, reason=f"{what} by {event.actor}", actor=event.actor)

    async def escalate(self, incident_id: str, *, to_level: int, actor: str) -> Escalation:
        """Fire level ``to_level`` (1-based) now; unacknowledged, the ladder goes on."""
        incident = await self._incidents.get(incident_id)
        if not incident.is_open:
            raise InvalidTransition(
                f"{incident.ref} is {incident.status}; only an open incident can be escalated",
                current=incident.status.value,
            )
        esc = await self.engine.store.get(incident.id) or await self._adopt(incident)
        levels = len(esc.policy.levels)
        if not 1 <= to_level <= levels:
            raise BadInput(
                f"toLevel must be between 1 and {levels} for policy {esc.policy.name!r}",
                argument="toLevel",
            )
        pending = PendingStep(
            step=max(esc.applied, esc.next.step if esc.next else 0) + 1,
            level=to_level - 1,
            round=_round(esc),
            due_at=self._clock.now(),
            manual=True,
            requested_by=actor,
            request_id=new_id(),
        )
        if not await self.engine.store.request(esc, pending):
            raise Conflict(f"{incident.ref}'s escalation moved on meanwhile; retry")
        await self._scheduler.cancel(
            {
                "kind": STEP,
                "payload.incident_id": incident.id,
                "payload.step": {"$lt": pending.step},
            }
        )
        job = await self.engine.schedule(incident.id, pending)
        await self._scheduler.run_now(job)
        log.info(
            "event=escalation.requested incident=%s level=%d actor=%s",
            incident.ref,
            to_level,
            actor,
        )
        found = await self.engine.store.get(incident.id)
        assert found is not None
        return found

    async def _adopt(self, incident: Incident) -> Escalation:
        # An incident whose team had no policy when it was declared.
        policy = await self._policy_of(incident)
        if policy is None:
            team = await self._teams.teams.get(incident.team_id)
            raise BadInput(f"team {team.slug!r} has no escalation policy", argument="id")
        state = (
            EscalationState.ACTIVE
            if incident.status is Status.TRIGGERED
            else EscalationState.STOPPED
        )
        return await self.engine.store.start(
            Escalation(
                id=incident.id,
                incident_id=incident.id,
                policy=policy,
                state=state,
                started_at=self._clock.now(),
            )
        )

    async def _policy_of(self, incident: Incident) -> EscalationPolicy | None:
        team = await self._teams.teams.get(incident.team_id)
        if team.escalation_policy_id is None:
            log.info("event=escalation.no_policy incident=%s team=%s", incident.ref, team.slug)
            return None
        return await self._policies.repo.get(team.escalation_policy_id)


def _round(esc: Escalation) -> int:
    if esc.next is not None:
        return esc.next.round
    return esc.steps[-1].round if esc.steps else 0


def first_step(incident: Incident) -> Position:
    # Timed from the declaration, however late the start runs: the ladder
    # follows the plan, not the runner (see hub.escalation.engine).
    return Position(step=1, level=0, round=0, due_at=incident.created_at)
