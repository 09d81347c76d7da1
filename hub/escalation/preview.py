"""Explain: the steps an escalation would take if nobody acknowledged.

The preview runs the engine's own decision (:func:`hub.escalation.plan.decide`)
over the ladder, each step at its due time, against today's teams and regions.
It assumes nothing else happens meanwhile: no acknowledgement, no new note, no
change of commander.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from hub.clock import Clock
from hub.errors import BadInput
from hub.escalation.engine import EscalationEngine
from hub.escalation.flows import EscalationFlows, first_step
from hub.escalation.models import EscalationPolicy
from hub.escalation.plan import Position, StepPlan, decide
from hub.escalation.service import PolicyService
from hub.escalation.state import EscalationState
from hub.escalation.targets import Directory
from hub.escalation.updates import last_update
from hub.events.log import EventLog
from hub.incidents.models import Category, Incident, Severity, Status
from hub.incidents.service import IncidentService
from hub.teams.service import TeamService

MAX_STEPS = 300
MAX_DISTANCE = timedelta(days=366)


class HypotheticalIncident(BaseModel):
    team_id: str
    severity: Severity = Severity.SEV3
    category: Category = Category.OTHER
    service_ids: list[str] = Field(default_factory=list, max_length=50)
    age_minutes: int = Field(default=0, ge=0, le=60 * 24 * 30)
    commander: str | None = None
    exercise: bool = False


@dataclass
class Preview:
    policy: EscalationPolicy | None
    steps: list[StepPlan]
    # Why nothing would fire, when nothing would.
    note: str | None = None


class PreviewService:
    def __init__(
        self,
        clock: Clock,
        engine: EscalationEngine,
        flows: EscalationFlows,
        incidents: IncidentService,
        teams: TeamService,
        policies: PolicyService,
        events: EventLog,
    ) -> None:
        self._clock = clock
        self._engine = engine
        self._flows = flows
        self._incidents = incidents
        self._teams = teams
        self._policies = policies
        self._events = events

    async def for_incident(self, incident_id: str, at: datetime) -> Preview:
        self._check_at(at)
        incident = await self._incidents.get(incident_id)
        esc = await self._engine.store.get(incident.id)
        events = await self._events.for_incident(incident.id)
        updated = last_update(events, incident)
        if esc is not None and esc.state is not EscalationState.ACTIVE:
            return Preview(esc.policy, [], note=f"escalation is {esc.state}")
        if incident.status is not Status.TRIGGERED:
            return Preview(None, [], note=f"{incident.ref} is {incident.status}")
        if esc is not None:
            if esc.next is None:
                return Preview(esc.policy, [], note="no step is pending")
            return await self._run(esc.policy, incident, esc.next, at, updated)
        policy = await self._policy(incident.team_id)
        if policy is None:
            return Preview(None, [], note="the owning team has no escalation policy")
        declared = next((e for e in events if e.type == "incident.declared"), None)
        if declared is None or not await self._flows.start_pending(declared):
            note = (
                f"no escalation is running for {incident.ref}: its team had no escalation "
                "policy when it was declared; escalateIncident starts one"
            )
            return Preview(policy, [], note=note)
        return await self._run(policy, incident, first_step(incident), at, updated)

    async def hypothetical(self, data: HypotheticalIncident, at: datetime) -> Preview:
        self._check_at(at)
        team = await self._teams.teams.get(data.team_id)
        created = at - timedelta(minutes=data.age_minutes)
        incident = Incident(
            id="000000000000000000000000",
            number=0,
            title="hypothetical",
            severity=data.severity,
            category=data.category,
            status=Status.TRIGGERED,
            team_id=team.id,
            region_id=team.region_id,
            commander=data.commander,
            service_ids=data.service_ids,
            exercise=data.exercise,
            declared_by="preview",
            created_at=created,
            updated_at=created,
        )
        policy = await self._policy(team.id)
        if policy is None:
            return Preview(None, [], note=f"team {team.slug!r} has no escalation policy")
        return await self._run(policy, incident, _first(at), at, created)

    def _check_at(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise BadInput("at must carry a time zone", argument="at")
        # The preview reads today's teams, hours and policies, so an instant
        # far off answers nothing true; near the calendar's ends the ladder's
        # times would not even exist.
        if abs(at - self._clock.now()) > MAX_DISTANCE:
            raise BadInput(
                f"at must be within {MAX_DISTANCE.days} days of now: "
                "the preview uses today's teams and policies",
                argument="at",
            )

    async def _policy(self, team_id: str) -> EscalationPolicy | None:
        team = await self._teams.teams.get(team_id)
        if team.escalation_policy_id is None:
            return None
        return await self._policies.repo.get(team.escalation_policy_id)

    async def _run(
        self,
        policy: EscalationPolicy,
        incident: Incident,
        start: Position,
        at: datetime,
        updated: datetime,
    ) -> Preview:
        directory = await Directory.load(self._teams)
        steps: list[StepPlan] = []
        pos: Position | None = start
        while pos is not None and len(steps) < MAX_STEPS:
            when = max(pos.due_at, at)
            plan = decide(policy, incident, directory, pos, at=when, last_update=updated)
            steps.append(plan)
            pos = plan.next
        return Preview(policy, steps)


def _first(at: datetime) -> Position:
    return Position(step=1, level=0, round=0, due_at=at)
