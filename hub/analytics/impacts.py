"""Impact windows: when a service was degraded or down, kept apart from incident status.

An incident can be RESOLVED while its service still limps, or a service can go
down for minutes inside a day-long incident; availability is computed from
these windows, never from status times. A window linked to an incident carries
an event on that incident's timeline, stored through the window's own outbox
so the two commit together; a window of a drill is marked and left out of
availability.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from hub.analytics.periods import to_utc
from hub.clock import Clock
from hub.errors import BadInput, Conflict
from hub.events.log import EventLog, outbox_push
from hub.events.models import Event
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident
from hub.incidents.service import IncidentService, outbox_push_initial
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.repository import Repository
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

COLLECTION = "impacts"


class ImpactLevel(StrEnum):
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"


class ImpactCreate(BaseModel):
    service_id: str
    level: ImpactLevel
    start: datetime
    end: datetime | None = None
    incident_id: str | None = None
    note: str = Field(default="", max_length=2000)

    @field_validator("start", "end")
    @classmethod
    def _in_utc(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return to_utc(value, str(info.field_name)) if value is not None else None

    @model_validator(mode="after")
    def _ends_after_start(self) -> ImpactCreate:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Impact(BaseModel):
    id: str
    service_id: str
    level: ImpactLevel
    start: datetime
    end: datetime | None = None
    incident_id: str | None = None
    exercise: bool = False
    note: str = ""
    recorded_by: str
    created_at: datetime


class ImpactService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        events: EventLog,
        incidents: IncidentService,
        teams: TeamService,
    ) -> None:
        self._clock = clock
        self._events = events
        self._incidents = incidents
        self.teams = teams
        self.repo = Repository(db[COLLECTION], Impact, "impact")

    async def record(self, data: ImpactCreate, *, actor: str) -> Impact:
        await self.teams.services.get(data.service_id)
        incident = await self._incidents.get(data.incident_id) if data.incident_id else None
        now = self._clock.now()
        _not_future(data.start, now, "start")
        if data.end is not None:
            _not_future(data.end, now, "end")
        impact = Impact(
            id=new_id(),
            **data.model_dump(),
            recorded_by=actor,
            created_at=now,
            exercise=bool(incident and incident.exercise),
        )
        events = self._linked(incident, impact, "incident.impact_recorded", actor, now)
        doc = {**impact.model_dump(), "level": impact.level.value}
        await self.repo.collection.insert({**doc, **outbox_push_initial(events)})
        await self._events.flush(COLLECTION, impact.id, events)
        log.info(
            "event=analytics.impact_recorded impact=%s service=%s level=%s",
            impact.id,
            impact.service_id,
            impact.level,
        )
        return impact

    async def end(self, impact_id: str, *, end: datetime | None, actor: str) -> Impact:
        impact = await self.repo.get(impact_id)
        now = self._clock.now()
        at = to_utc(end, "end") if end is not None else now
        _not_future(at, now, "end")
        if impact.end is not None:
            raise Conflict(f"impact {impact_id} already ended at {impact.end.isoformat()}")
        if at <= impact.start:
            raise BadInput("end must be after the impact's start", argument="end")
        incident = await self._incidents.get(impact.incident_id) if impact.incident_id else None
        ended = impact.model_copy(update={"end": at})
        events = self._linked(incident, ended, "incident.impact_ended", actor, now)
        update: dict[str, Any] = {"$set": {"end": at}}
        if events:
            update["$push"] = outbox_push(events)
        if not await self.repo.collection.update_one({"id": impact_id, "end": None}, update):
            raise Conflict(f"impact {impact_id} was ended by someone else meanwhile")
        await self._events.flush(COLLECTION, impact_id, events)
        log.info("event=analytics.impact_ended impact=%s service=%s", impact_id, impact.service_id)
        return ended

    async def overlapping(self, service_id: str, start: datetime, end: datetime) -> list[Impact]:
        """Windows of ``service_id`` that overlap ``[start, end)``, drills left out."""
        query: dict[str, object] = {
            "service_id": service_id,
            "exercise": {"$ne": True},
            "start": {"$lt": end},
            "$or": [{"end": None}, {"end": {"$gt": start}}],
        }
        return await self.repo.find(query, sort=[("start", 1)])

    @staticmethod
    def _linked(
        incident: Incident | None, impact: Impact, kind: str, actor: str, at: datetime
    ) -> list[Event]:
        if incident is None:
            return []
        event = incident_event(
            incident,
            kind,
            actor=actor,
            at=at,
            impact_id=impact.id,
            service_id=impact.service_id,
            level=impact.level.value,
            start=impact.start.isoformat(),
            end=impact.end.isoformat() if impact.end else None,
        )
        return [event]


def _not_future(value: datetime, now: datetime, name: str) -> None:
    # Availability of time that has not happened yet would be a guess.
    if value > now:
        raise BadInput(f"{name} {value.isoformat()} is in the future", argument=name)
