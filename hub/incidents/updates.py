"""Status updates, internal or for stakeholders, on the incident's shared record.

An update is an event on the incident's timeline, written together with the
incident's ``last_update_at`` in one guarded write; that time is what the
severity's update cadence counts from (see :mod:`hub.incidents.reminders`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hub.clock import Clock
from hub.errors import BadInput, InvalidTransition
from hub.events.models import Event
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident, Status
from hub.incidents.service import Change, IncidentService

log = logging.getLogger(__name__)

MAX_BODY = 10_000
POSTED = "incident.status_update_posted"


class Audience(StrEnum):
    INTERNAL = "INTERNAL"
    STAKEHOLDER = "STAKEHOLDER"


@dataclass(frozen=True)
class StatusUpdate:
    id: str
    incident_id: str
    body: str
    audience: Audience
    author: str
    posted_at: datetime

    @classmethod
    def from_event(cls, event: Event) -> StatusUpdate:
        return cls(
            id=event.id,
            incident_id=event.incident_id or "",
            body=str(event.data.get("body", "")),
            audience=Audience(event.data.get("audience", Audience.INTERNAL)),
            author=event.actor,
            posted_at=event.occurred_at,
        )


def updates_in(timeline: list[Event], audience: Audience | None = None) -> list[StatusUpdate]:
    found = [StatusUpdate.from_event(e) for e in timeline if e.type == POSTED]
    return [u for u in found if audience is None or u.audience is audience]


def _check_body(text: str) -> str:
    body = text.strip()
    if not body:
        raise BadInput("a status update needs some text", argument="body")
    if len(body) > MAX_BODY:
        raise BadInput(f"a status update is at most {MAX_BODY} characters", argument="body")
    return body


class StatusUpdates:
    def __init__(self, incidents: IncidentService, clock: Clock) -> None:
        self._incidents = incidents
        self._clock = clock

    async def post(
        self,
        incident_id: str,
        body: str,
        *,
        audience: Audience,
        actor: str,
        expected_version: int | None = None,
    ) -> tuple[Incident, StatusUpdate]:
        text = _check_body(body)
        posted: list[Event] = []

        def step(incident: Incident) -> Change:
            if incident.status is Status.CLOSED:
                raise InvalidTransition(
                    f"{incident.ref} is CLOSED; its record no longer takes updates",
                    current=incident.status.value,
                )
            now = self._clock.now()
            event = incident_event(
                incident, POSTED, actor=actor, at=now, body=text, audience=audience.value
            )
            posted[:] = [event]
            return Change(set={"last_update_at": now}, events=[event])

        incident = await self._incidents.mutate(
            incident_id, step, expected_version=expected_version
        )
        log.info(
            "event=incident.status_update_posted incident=%s audience=%s actor=%s",
            incident.ref,
            audience,
            actor,
        )
        return incident, StatusUpdate.from_event(posted[0])
