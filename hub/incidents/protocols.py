"""Each severity's response protocol, defined once: roles, update cadence, checklist.

The protocol is looked up from the incident's current severity whenever it is
shown or checked, so raising an incident to SEV1 tightens its cadence and
widens its checklist at once; only what people did (checked items, status
updates) is stored on the incident.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.clock import Clock
from hub.errors import BadInput
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident, ProtocolCheck, Severity
from hub.incidents.service import Change, IncidentService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


@dataclass(frozen=True)
class Protocol:
    severity: Severity
    required_roles: tuple[str, ...]
    # None: no reminders; the severity is low enough to update at will.
    update_cadence: timedelta | None
    checklist: tuple[ChecklistItem, ...]

    def item(self, key: str) -> ChecklistItem:
        for item in self.checklist:
            if item.key == key:
                return item
        known = ", ".join(i.key for i in self.checklist) or "none"
        raise BadInput(
            f"{key!r} is not on the {self.severity} checklist; its items are: {known}",
            argument="item",
        )


_BRIDGE = ChecklistItem("open-bridge", "Open a bridge call and post its link")
_ROLES = ChecklistItem("assign-roles", "Assign every required role")
_STAKEHOLDERS = ChecklistItem("notify-stakeholders", "Tell stakeholders what is affected")
_STATUS_PAGE = ChecklistItem("status-page", "Publish on the public status page")
_CUSTOMERS = ChecklistItem("customer-support", "Brief customer support")
_POSTMORTEM = ChecklistItem("schedule-postmortem", "Schedule the postmortem review")
_TRIAGE = ChecklistItem("triage", "Confirm the impact and the owning service")

PROTOCOLS: dict[Severity, Protocol] = {
    Severity.SEV1: Protocol(
        Severity.SEV1,
        ("commander", "communications", "scribe"),
        timedelta(minutes=30),
        (_BRIDGE, _ROLES, _STAKEHOLDERS, _STATUS_PAGE, _CUSTOMERS, _POSTMORTEM),
    ),
    Severity.SEV2: Protocol(
        Severity.SEV2,
        ("commander", "communications"),
        timedelta(minutes=60),
        (_BRIDGE, _ROLES, _STAKEHOLDERS, _POSTMORTEM),
    ),
    Severity.SEV3: Protocol(
        Severity.SEV3, ("commander",), timedelta(hours=4), (_TRIAGE, _STAKEHOLDERS)
    ),
    Severity.SEV4: Protocol(Severity.SEV4, (), None, (_TRIAGE,)),
    Severity.SEV5: Protocol(Severity.SEV5, (), None, ()),
}


def protocol_for(incident: Incident) -> Protocol:
    return PROTOCOLS[incident.severity]


def held_roles(incident: Incident) -> set[str]:
    roles = {r.role for r in incident.responders}
    if incident.commander:
        roles.add("commander")
    return roles


def next_update_due(incident: Incident) -> datetime | None:
    """When the next status update is owed; None when none is (closed, no cadence)."""
    cadence = protocol_for(incident).update_cadence
    if cadence is None or not incident.is_open:
        return None
    # A reopened incident whose last update is older than the cadence owes
    # one at once: reopening is news the stakeholders have not heard.
    return (incident.last_update_at or incident.created_at) + cadence


@dataclass(frozen=True)
class ChecklistEntry:
    item: ChecklistItem
    done_by: str | None = None
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class ProtocolState:
    """The protocol as it applies to one incident right now."""

    protocol: Protocol
    checklist: list[ChecklistEntry]
    missing_roles: list[str]
    next_update_due: datetime | None
    overdue_update: bool


def protocol_state(incident: Incident, *, now: datetime) -> ProtocolState:
    protocol = protocol_for(incident)
    checks = {c.item: c for c in incident.protocol_checks}
    checklist = []
    for item in protocol.checklist:
        check = checks.get(item.key)
        checklist.append(
            ChecklistEntry(item, check.by, check.at) if check else ChecklistEntry(item)
        )
    held = held_roles(incident)
    missing = [r for r in protocol.required_roles if r not in held] if incident.is_open else []
    due = next_update_due(incident)
    return ProtocolState(
        protocol=protocol,
        checklist=checklist,
        missing_roles=missing,
        next_update_due=due,
        overdue_update=due is not None and now >= due,
    )


class ProtocolChecks:
    """Marking checklist items done: a guarded incident write with its event."""

    def __init__(self, incidents: IncidentService, clock: Clock) -> None:
        self._incidents = incidents
        self._clock = clock

    async def check_item(
        self, incident_id: str, key: str, *, actor: str, expected_version: int | None = None
    ) -> Incident:
        def step(incident: Incident) -> Change:
            item = protocol_for(incident).item(key)
            if any(c.item == item.key for c in incident.protocol_checks):
                return Change()
            now = self._clock.now()
            check = ProtocolCheck(item=item.key, by=actor, at=now)
            event = incident_event(
                incident,
                "incident.protocol_item_checked",
                actor=actor,
                at=now,
                item=item.key,
                label=item.label,
            )
            push = {"$push": {"protocol_checks": check.model_dump()}}
            return Change(events=[event], extra=push)

        incident = await self._incidents.mutate(
            incident_id, step, expected_version=expected_version
        )
        log.info(
            "event=incident.protocol_item_checked incident=%s item=%s actor=%s",
            incident.ref,
            key,
            actor,
        )
        return incident
