"""GraphQL types for incident documentation: updates, follow-ups, the response protocol."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.incidents import models as m
from hub.incidents.protocols import Protocol, ProtocolState
from hub.incidents.updates import Audience, StatusUpdate
from schema.context import Context
from schema.types.enums import SeverityEnum

if TYPE_CHECKING:
    from schema.types.incidents import IncidentType

AudienceEnum = strawberry.enum(Audience, name="UpdateAudience")
FollowUpStateEnum = strawberry.enum(m.FollowUpState, name="FollowUpState")

IncidentRef = Annotated["IncidentType", strawberry.lazy("schema.types.incidents")]


async def _incident(info: Info[Context, None], incident_id: str) -> IncidentType | None:
    from schema.types.incidents import IncidentType

    found = await info.context.loaders.incident.load(incident_id)
    return IncidentType.from_model(found) if found else None


@strawberry.type(name="StatusUpdate")
class StatusUpdateType:
    id: strawberry.ID
    incident_id: strawberry.ID
    body: str
    audience: AudienceEnum  # type: ignore[valid-type]
    author: str
    posted_at: datetime

    @strawberry.field
    async def incident(self, info: Info[Context, None]) -> IncidentRef | None:
        return await _incident(info, str(self.incident_id))

    @classmethod
    def from_model(cls, u: StatusUpdate) -> StatusUpdateType:
        return cls(
            id=strawberry.ID(u.id),
            incident_id=strawberry.ID(u.incident_id),
            body=u.body,
            audience=u.audience,
            author=u.author,
            posted_at=u.posted_at,
        )


@strawberry.type(name="FollowUp")
class FollowUpType:
    id: strawberry.ID
    incident_id: strawberry.ID
    title: str
    owner: str
    due_at: datetime | None
    state: FollowUpStateEnum  # type: ignore[valid-type]
    created_by: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def incident(self, info: Info[Context, None]) -> IncidentRef | None:
        return await _incident(info, str(self.incident_id))

    @classmethod
    def from_model(cls, f: m.FollowUp, incident_id: str) -> FollowUpType:
        return cls(
            id=strawberry.ID(f.id),
            incident_id=strawberry.ID(incident_id),
            title=f.title,
            owner=f.owner,
            due_at=f.due_at,
            state=f.state,
            created_by=f.created_by,
            created_at=f.created_at,
            updated_at=f.updated_at,
        )


@strawberry.type(name="ChecklistEntry")
class ChecklistEntryType:
    item: str = strawberry.field(description="Stable key, as checkProtocolItem takes it")
    label: str
    done: bool
    done_by: str | None
    done_at: datetime | None


@strawberry.type(name="ResponseProtocol")
class ProtocolType:
    severity: SeverityEnum  # type: ignore[valid-type]
    required_roles: list[str]
    update_cadence_minutes: int | None = strawberry.field(
        description="Null when the severity sets no update cadence"
    )
    checklist: list[ChecklistEntryType]
    missing_roles: list[str] = strawberry.field(
        description="Required roles nobody holds on this incident (empty once it is closed)"
    )
    next_update_due: datetime | None
    overdue_update: bool

    @classmethod
    def from_protocol(cls, p: Protocol) -> ProtocolType:
        """The protocol as defined, outside any incident."""
        return cls(
            severity=p.severity,
            required_roles=list(p.required_roles),
            update_cadence_minutes=_minutes(p),
            checklist=[
                ChecklistEntryType(
                    item=i.key, label=i.label, done=False, done_by=None, done_at=None
                )
                for i in p.checklist
            ],
            missing_roles=[],
            next_update_due=None,
            overdue_update=False,
        )

    @classmethod
    def from_state(cls, s: ProtocolState) -> ProtocolType:
        return cls(
            severity=s.protocol.severity,
            required_roles=list(s.protocol.required_roles),
            update_cadence_minutes=_minutes(s.protocol),
            checklist=[
                ChecklistEntryType(
                    item=e.item.key,
                    label=e.item.label,
                    done=e.done,
                    done_by=e.done_by,
                    done_at=e.done_at,
                )
                for e in s.checklist
            ],
            missing_roles=s.missing_roles,
            next_update_due=s.next_update_due,
            overdue_update=s.overdue_update,
        )


def _minutes(p: Protocol) -> int | None:
    cadence = p.update_cadence
    return int(cadence.total_seconds() // 60) if cadence else None
