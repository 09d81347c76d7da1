"""Typed results: pydantic models read straight from the hub's camelCase JSON.

Fields a query did not ask for keep their defaults, so one model serves a
list row and a full record alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Region(Model):
    id: str = ""
    name: str
    time_zone: str = "UTC"


class Team(Model):
    id: str = ""
    slug: str
    name: str = ""
    region: Region | None = None


class OwnershipSpan(Model):
    since: datetime
    until: datetime | None = None
    via: str = ""
    team: Team | None = None
    region: Region | None = None


class Event(Model):
    id: str
    cursor: str
    sequence: int
    type: str
    occurred_at: datetime
    actor: str = ""
    incident_id: str | None = None
    region_ids: list[str] = Field(default_factory=list)
    data: dict[str, Any] | None = None
    incident: Incident | None = None


class Incident(Model):
    id: str
    ref: str
    title: str = ""
    summary: str = ""
    severity: str = ""
    category: str = ""
    status: str = ""
    commander: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    team: Team | None = None
    region: Region | None = None
    ownership: list[OwnershipSpan] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)

    @property
    def owner(self) -> OwnershipSpan | None:
        """The open ownership span: who holds the incident now."""
        current = [span for span in self.ownership if span.until is None]
        return current[-1] if current else None


class OnDuty(Model):
    region: Region
    team: Team | None = None
    since: datetime
    until: datetime | None = None
    next_region: Region | None = None
    in_window: bool = True
    overlapping: list[Region] = Field(default_factory=list)


class NextAction(Model):
    text: str
    done: bool = False


class HandoffBrief(Model):
    current_status: str = ""
    tried: list[str] = Field(default_factory=list)
    next_actions: list[NextAction] = Field(default_factory=list)
    risks: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)


class Handoff(Model):
    id: str
    status: str
    from_region: Region | None = None
    to_region: Region | None = None
    from_team: Team | None = None
    to_team: Team | None = None
    incidents: list[Incident] = Field(default_factory=list)
    brief: HandoffBrief | None = None
    proposed_by: str = ""
    proposed_at: datetime | None = None
    expires_at: datetime | None = None
    responded_by: str | None = None
    reject_reason: str | None = None


class ApiToken(Model):
    id: str
    name: str
    role: str


class CreatedToken(Model):
    token: str
    api_token: ApiToken


Event.model_rebuild()
