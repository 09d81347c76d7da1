"""Handoff records: one team offers incidents to another, which accepts or not.

A handoff moves ownership only when the receiving team accepts it. Until then
the sending team still owns every incident it covers; a handoff nobody
accepts in time expires, and the incidents stay where they were.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator


class HandoffStatus(StrEnum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


# Event types, on the timeline of every incident a handoff covers.
PROPOSED = "handoff.proposed"
ACCEPTED = "handoff.accepted"
REJECTED = "handoff.rejected"
EXPIRED = "handoff.expired"
ESCALATED = "handoff.escalated"
HANDOFF_EVENTS = (PROPOSED, ACCEPTED, REJECTED, EXPIRED, ESCALATED)
OWNERSHIP_CHANGED = "incident.ownership_changed"

MAX_INCIDENTS = 100
MAX_ITEMS = 50
MAX_TEXT = 2_000


def _clean(items: list[str]) -> list[str]:
    return [text for text in (item.strip() for item in items) if text]


class ActionItem(BaseModel):
    """One line of the next-actions checklist."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    done: bool = False


class Brief(BaseModel):
    """What the receiving team needs to carry on without a call."""

    current_status: str = Field(default="", max_length=10_000)
    tried: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    next_actions: list[ActionItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    risks: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    links: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("tried", "risks", "links")
    @classmethod
    def _no_blank_or_huge(cls, items: list[str]) -> list[str]:
        if any(len(item) > MAX_TEXT for item in items):
            raise ValueError(f"each entry is at most {MAX_TEXT} characters")
        return _clean(items)

    @field_validator("links")
    @classmethod
    def _web_links(cls, links: list[str]) -> list[str]:
        bad = [link for link in links if not link.startswith(("https://", "http://"))]
        if bad:
            raise ValueError(f"links must start with http:// or https://, got {bad[0]!r}")
        return links


class HandoffPropose(BaseModel):
    incident_ids: list[str] = Field(min_length=1, max_length=MAX_INCIDENTS)
    to_team_id: str
    brief: Brief = Field(default_factory=Brief)

    @field_validator("incident_ids")
    @classmethod
    def _unique(cls, ids: list[str]) -> list[str]:
        return list(dict.fromkeys(ids))


class Handoff(BaseModel):
    id: str
    status: HandoffStatus
    from_team_id: str
    from_region_id: str
    to_team_id: str
    to_region_id: str
    incident_ids: list[str]
    brief: Brief
    proposed_by: str
    proposed_at: datetime
    expires_at: datetime
    responded_by: str | None = None
    responded_at: datetime | None = None
    reject_reason: str | None = None
    # Proposed by the hub at a shift end rather than by a person.
    automatic: bool = False
    # For an automatic handoff: the shift end that raised it.
    shift_end_at: datetime | None = None

    @property
    def region_ids(self) -> list[str]:
        return list(dict.fromkeys([self.from_region_id, self.to_region_id]))

    @property
    def team_ids(self) -> list[str]:
        return list(dict.fromkeys([self.from_team_id, self.to_team_id]))
