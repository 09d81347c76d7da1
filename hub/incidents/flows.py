"""The steps of an incident's life, each a guarded write plus its event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hub.clock import Clock
from hub.errors import BadInput, InvalidTransition
from hub.events.models import Event
from hub.incidents.drills import drill_marked
from hub.incidents.idempotency import IdempotencyKeys, Run
from hub.incidents.lifecycle import check_transition
from hub.incidents.models import (
    OPEN_STATUSES,
    Category,
    Incident,
    IncidentDeclare,
    OwnershipSpan,
    Responder,
    Severity,
    Status,
    StatusStep,
)
from hub.incidents.service import Change, IncidentService
from hub.storage import counters
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

MAX_NOTE = 20_000


def incident_event(
    incident: Incident, kind: str, *, actor: str, at: datetime, **data: Any
) -> Event:
    """An event about ``incident``, heard in its owning region and team, and
    by the responder teams an alert was routed to and their regions.

    A drill's events say so (``drill: true``), so whatever turns them into
    notifications marks those as drill too.
    """
    return Event(
        type=kind,
        occurred_at=at,
        actor=actor,
        incident_id=incident.id,
        region_ids=incident.reader_region_ids,
        team_ids=incident.reader_team_ids,
        data=drill_marked(incident, {"ref": incident.ref, **data}),
    )


class IncidentFlows:
    def __init__(
        self, db: Database, clock: Clock, incidents: IncidentService, teams: TeamService
    ) -> None:
        self._db = db
        self._clock = clock
        self.incidents = incidents
        self._teams = teams
        self.keys = IdempotencyKeys(db, clock)

    async def _once(
        self, key: str | None, actor: str, operation: str, args: dict[str, Any], run: Run
    ) -> Incident:
        if key is None:
            return await run("")
        return await self.keys.once(
            scope=actor, key=key, operation=operation, arguments=args, run=run
        )

    async def declare(
        self,
        data: IncidentDeclare,
        *,
        actor: str,
        extra: dict[str, Any] | None = None,
        also: Callable[[Incident], list[Event]] | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        """Open an incident; ``also`` adds events stored atomically with it."""

        async def run(token: str) -> Incident:
            return await self._declare(data, actor=actor, extra=extra, also=also, token=token)

        args = data.model_dump(mode="json")
        return await self._once(idempotency_key, actor, "declare", args, run)

    async def _declare(
        self,
        data: IncidentDeclare,
        *,
        actor: str,
        extra: dict[str, Any] | None,
        also: Callable[[Incident], list[Event]] | None,
        token: str,
    ) -> Incident:
        if token:
            # A takeover after a crash: the first attempt's incident, if any.
            found = await self.incidents.collection.find_one({"declare_key": token})
            if found is not None:
                return Incident.model_validate(found)
        team = await self._teams.teams.get(data.team_id)
        await self._teams.services.require_all(data.service_ids)
        now = self._clock.now()
        number = await counters.reserve(self._db, "incident_number")
        doc: dict[str, Any] = {
            "id": new_id(),
            "number": number,
            **data.model_dump(mode="json"),
            "status": Status.TRIGGERED.value,
            "status_times": {Status.TRIGGERED.value: now},
            "status_history": [
                StatusStep(status=Status.TRIGGERED, at=now, actor=actor).model_dump()
            ],
            "region_id": team.region_id,
            "responders": [],
            "ownership": [
                OwnershipSpan(team_id=team.id, region_id=team.region_id, since=now).model_dump()
            ],
            "declared_by": actor,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            **(extra or {}),
        }
        if token:
            doc["declare_key"] = token
        incident = Incident.model_validate(doc)
        event = incident_event(
            incident,
            "incident.declared",
            actor=actor,
            at=now,
            title=incident.title,
            severity=incident.severity.value,
            category=incident.category.value,
            exercise=incident.exercise,
        )
        more = also(incident) if also is not None else []
        try:
            stored = await self.incidents.insert(doc, [event, *more])
        except DuplicateKey:
            found = await self.incidents.collection.find_one({"declare_key": token})
            if not token or found is None:
                raise
            return Incident.model_validate(found)
        log.info(
            "event=incident.declared incident=%s team=%s severity=%s actor=%s",
            stored.ref, team.slug, stored.severity, actor,
        )
        return stored

    async def acknowledge(
        self,
        incident_id: str,
        *,
        actor: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        def step(incident: Incident) -> Change:
            if incident.status is not Status.TRIGGERED:
                raise InvalidTransition(
                    f"{incident.ref} is {incident.status}; only a TRIGGERED incident "
                    "can be acknowledged",
                    current=incident.status.value,
                )
            return self._status_change(incident, Status.ACKNOWLEDGED, actor, None)

        args = {"id": incident_id}
        return await self._guarded(
            incident_id, step, expected_version, idempotency_key, actor, "acknowledge", args
        )

    async def change_status(
        self,
        incident_id: str,
        status: Status,
        *,
        actor: str,
        note: str | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        def step(incident: Incident) -> Change:
            check_transition(incident.status, status, ref=incident.ref)
            return self._status_change(incident, status, actor, note)

        args = {"id": incident_id, "status": status.value, "note": note}
        return await self._guarded(
            incident_id, step, expected_version, idempotency_key, actor, "change_status", args
        )

    async def _guarded(
        self,
        incident_id: str,
        step: Callable[[Incident], Change],
        expected_version: int | None,
        key: str | None,
        actor: str,
        operation: str,
        args: dict[str, Any],
    ) -> Incident:
        async def run(token: str) -> Incident:
            return await self.incidents.mutate(
                incident_id, step, expected_version=expected_version, applied_key=token or None
            )

        args = {**args, "expected_version": expected_version}
        return await self._once(key, actor, operation, args, run)

    async def reclassify(
        self,
        incident_id: str,
        *,
        severity: Severity | None = None,
        category: Category | None = None,
        reason: str,
        actor: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        """Change severity and/or category; each change is its own event."""
        why = _check_note(reason)

        def step(incident: Incident) -> Change:
            refuse_if_closed(incident, "change its classification")
            now, changes, events = self._clock.now(), {}, []
            pairs = [("severity", incident.severity, severity),
                     ("category", incident.category, category)]
            for name, old, new in pairs:
                if new is not None and new is not old:
                    changes[name] = new.value
                    events.append(incident_event(
                        incident, f"incident.{name}_changed", actor=actor, at=now,
                        reason=why, **{"from": old.value, "to": new.value},
                    ))
            return Change(set=changes, events=events)

        args = {"id": incident_id, "severity": severity, "category": category, "reason": why}
        return await self._guarded(
            incident_id, step, expected_version, idempotency_key, actor, "reclassify", args
        )

    def _status_change(
        self, incident: Incident, status: Status, actor: str, note: str | None
    ) -> Change:
        now = self._clock.now()
        changes: dict[str, Any] = {"status": status.value}
        if status.value not in incident.status_times:
            changes[f"status_times.{status.value}"] = now
        # status_times keeps the first time (what MTTA and MTTR measure); the
        # history keeps every step, so a reopened incident reads true.
        entry = StatusStep(status=status, at=now, actor=actor).model_dump()
        extra: dict[str, Any] = {"$push": {"status_history": entry}}
        if status is Status.RESOLVED or status is Status.CLOSED:
            # A resolved incident no longer collects its alert group's alerts.
            extra["$unset"] = {"open_alert_group": ""}
        spans = ownership_on_status(incident, status, now)
        if spans is not None:
            changes["ownership"] = [span.model_dump() for span in spans]
        data: dict[str, Any] = {"from": incident.status.value, "to": status.value}
        if note:
            data["note"] = _check_note(note)
        acked = status is Status.ACKNOWLEDGED
        kind = "incident.acknowledged" if acked else "incident.status_changed"
        event = incident_event(incident, kind, actor=actor, at=now, **data)
        return Change(set=changes, events=[event], extra=extra)

    async def add_note(
        self,
        incident_id: str,
        text: str,
        *,
        actor: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        body = _check_note(text)

        def step(incident: Incident) -> Change:
            refuse_if_closed(incident, "take notes")
            now = self._clock.now()
            event = incident_event(incident, "incident.note_added", actor=actor, at=now, text=body)
            return Change(events=[event])

        args = {"id": incident_id, "text": body}
        return await self._guarded(
            incident_id, step, expected_version, idempotency_key, actor, "add_note", args
        )

    async def assign_responder(
        self,
        incident_id: str,
        handle: str,
        *,
        role: str = "responder",
        actor: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Incident:
        team = await self._teams.team_of_member(handle)

        def step(incident: Incident) -> Change:
            refuse_if_closed(incident, "take responders")
            now = self._clock.now()
            if any(r.handle == handle and r.role == role for r in incident.responders):
                return Change()
            responder = Responder(
                handle=handle, role=role, team_id=team, assigned_at=now, assigned_by=actor
            )
            changes: dict[str, Any] = {}
            if role == "commander":
                changes["commander"] = handle
            event = incident_event(
                incident, "incident.responder_assigned", actor=actor, at=now,
                handle=handle, role=role,
            )
            push = {"$push": {"responders": responder.model_dump()}}
            return Change(set=changes, events=[event], extra=push)

        args = {"id": incident_id, "handle": handle, "role": role}
        return await self._guarded(
            incident_id, step, expected_version, idempotency_key, actor, "assign_responder", args
        )



def ownership_on_status(
    incident: Incident, status: Status, now: datetime
) -> list[OwnershipSpan] | None:
    """Ownership after a status change, or None when it stays as it is.

    Time owned is time spent on the incident: resolving it ends the open
    span, so time in the last region stops, and reopening it starts a new
    span with the same owner.
    """
    opens = status in OPEN_STATUSES
    if incident.is_open and not opens:
        return [s if s.until else s.model_copy(update={"until": now}) for s in incident.ownership]
    if opens and not incident.is_open:
        again = OwnershipSpan(
            team_id=incident.team_id, region_id=incident.region_id, since=now, via="reopened"
        )
        return [*incident.ownership, again]
    return None


def refuse_if_closed(incident: Incident, what: str) -> None:
    """A closed incident's record is final: the postmortem reads from it."""
    if incident.status is Status.CLOSED:
        raise InvalidTransition(
            f"{incident.ref} is CLOSED and does not {what}; its record is final",
            current=incident.status.value,
        )


def _check_note(text: str) -> str:
    body = text.strip()
    if not body:
        raise BadInput("a note needs some text", argument="text")
    if len(body) > MAX_NOTE:
        raise BadInput(f"a note is at most {MAX_NOTE} characters", argument="text")
    return body
