"""Follow-ups: work promised during an incident, each with an owner, a due date, a state.

Follow-ups live on the incident document, so adding or changing one is the
same guarded write as any other incident change and its event commits with
it. An incident keeps at most :data:`MAX_FOLLOW_UPS` of them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from hub.clock import Clock, utc
from hub.errors import BadInput, NotFound
from hub.incidents.flows import incident_event
from hub.incidents.models import FollowUp, FollowUpState, Incident
from hub.incidents.service import Change, IncidentService
from hub.storage import ids
from hub.storage.ids import new_id
from hub.teams.service import TeamService
from hub.text import DisplayText

log = logging.getLogger(__name__)

MAX_FOLLOW_UPS = 200


class _DueDate(BaseModel):
    due_at: datetime | None = None

    @field_validator("due_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        return utc(value) if value is not None else None


class FollowUpCreate(_DueDate):
    title: DisplayText = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=64)


class FollowUpUpdate(_DueDate):
    title: DisplayText | None = Field(default=None, min_length=1, max_length=300)
    owner: str | None = Field(default=None, min_length=1, max_length=64)
    state: FollowUpState | None = None


def _position(incident: Incident, follow_up_id: str) -> int:
    for index, follow_up in enumerate(incident.follow_ups):
        if follow_up.id == follow_up_id:
            return index
    raise NotFound(f"{incident.ref} has no follow-up {follow_up_id!r}", id=follow_up_id)


class FollowUps:
    def __init__(self, incidents: IncidentService, teams: TeamService, clock: Clock) -> None:
        self._incidents = incidents
        self._teams = teams
        self._clock = clock

    async def add(
        self, incident_id: str, data: FollowUpCreate, *, actor: str
    ) -> tuple[Incident, FollowUp]:
        await self._teams.require_members([data.owner])
        now = self._clock.now()
        follow_up = FollowUp(
            id=new_id(), **data.model_dump(), created_by=actor, created_at=now, updated_at=now
        )

        def step(incident: Incident) -> Change:
            if len(incident.follow_ups) >= MAX_FOLLOW_UPS:
                raise BadInput(f"{incident.ref} already has {MAX_FOLLOW_UPS} follow-ups")
            event = incident_event(
                incident,
                "incident.follow_up_added",
                actor=actor,
                at=now,
                follow_up_id=follow_up.id,
                title=follow_up.title,
                owner=follow_up.owner,
                due_at=follow_up.due_at.isoformat() if follow_up.due_at else None,
            )
            stored = {**follow_up.model_dump(), "state": follow_up.state.value}
            push = {"$push": {"follow_ups": stored}}
            return Change(events=[event], extra=push)

        incident = await self._incidents.mutate(incident_id, step)
        log.info(
            "event=incident.follow_up_added incident=%s follow_up=%s owner=%s",
            incident.ref,
            follow_up.id,
            follow_up.owner,
        )
        return incident, follow_up

    async def update(
        self, follow_up_id: str, data: FollowUpUpdate, *, actor: str
    ) -> tuple[Incident, FollowUp]:
        # Only the due date can be cleared; a null title, owner or state means "keep".
        given = data.model_dump(exclude_unset=True)
        changes = {k: v for k, v in given.items() if v is not None or k == "due_at"}
        if not changes:
            raise BadInput("nothing to update: give at least one field")
        if changes.get("owner"):
            await self._teams.require_members([changes["owner"]])
        incident_id = await self._incident_of(follow_up_id)

        def step(incident: Incident) -> Change:
            index = _position(incident, follow_up_id)
            current = incident.follow_ups[index].model_dump()
            changed = {k: v for k, v in changes.items() if current.get(k) != v}
            if not changed:
                return Change()
            now = self._clock.now()
            sets = {f"follow_ups.{index}.{k}": _stored(v) for k, v in changed.items()}
            sets[f"follow_ups.{index}.updated_at"] = now
            event = incident_event(
                incident,
                "incident.follow_up_updated",
                actor=actor,
                at=now,
                follow_up_id=follow_up_id,
                changes=_printable(changed),
            )
            return Change(set=sets, events=[event])

        incident = await self._incidents.mutate(incident_id, step)
        log.info(
            "event=incident.follow_up_updated incident=%s follow_up=%s fields=%s",
            incident.ref,
            follow_up_id,
            ",".join(sorted(changes)),
        )
        return incident, incident.follow_ups[_position(incident, follow_up_id)]

    async def _incident_of(self, follow_up_id: str) -> str:
        ids.to_object_id(follow_up_id, kind="follow-up")
        doc = await self._incidents.collection.find_one({"follow_ups.id": follow_up_id})
        if doc is None:
            raise NotFound(f"no follow-up with id {follow_up_id!r}", id=follow_up_id)
        return str(doc["id"])


def _stored(value: Any) -> Any:
    return value.value if isinstance(value, FollowUpState) else value


def _printable(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, datetime) else _stored(v) for k, v in changes.items()
    }
