"""Incidents: one classification scheme and one lifecycle for every region."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from hub.text import DisplayText


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"
    SEV5 = "SEV5"


class Category(StrEnum):
    AVAILABILITY = "AVAILABILITY"
    LATENCY = "LATENCY"
    DATA = "DATA"
    SECURITY = "SECURITY"
    OTHER = "OTHER"


class Status(StrEnum):
    TRIGGERED = "TRIGGERED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    INVESTIGATING = "INVESTIGATING"
    MITIGATED = "MITIGATED"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


OPEN_STATUSES = frozenset(
    {Status.TRIGGERED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.MITIGATED}
)


class Responder(BaseModel):
    handle: str = Field(min_length=1, max_length=64)
    role: str = Field(default="responder", min_length=1, max_length=40)
    team_id: str | None = None
    assigned_at: datetime
    assigned_by: str


class StatusStep(BaseModel):
    status: Status
    at: datetime
    actor: str


class OwnershipSpan(BaseModel):
    team_id: str
    region_id: str
    since: datetime
    until: datetime | None = None
    # How ownership arrived: declared, handoff, reassigned, reopened.
    via: str = "declared"
    # The accepted handoff that opened this span, when ``via`` is handoff.
    handoff_id: str | None = None


class AlertGroupInfo(BaseModel):
    """What an alert-opened incident remembers of its alerts."""

    source: str
    dedup_key: str
    integration_id: str
    # Firings seen during this incident (each occurrence once), and still firing now.
    alert_count: int = 0
    firing_count: int = 0
    truncated: int = 0
    first_seen: datetime
    last_seen: datetime
    # Every team routing reached, the owner first; the others are responder
    # teams and hear the incident's events too.
    team_ids: list[str] = Field(default_factory=list)
    # Those teams' regions: their region-scoped readers see the incident too.
    region_ids: list[str] = Field(default_factory=list)


class FollowUpState(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class FollowUp(BaseModel):
    """Work promised during an incident, kept on it so it shares its writes."""

    id: str
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=64)
    due_at: datetime | None = None
    state: FollowUpState = FollowUpState.OPEN
    created_by: str
    created_at: datetime
    updated_at: datetime


class ProtocolCheck(BaseModel):
    """A response-protocol checklist item someone marked done."""

    item: str
    by: str
    at: datetime


class IncidentDeclare(BaseModel):
    # What every region's list shows: see hub.text for the rule.
    title: DisplayText = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20_000)
    severity: Severity = Severity.SEV3
    category: Category = Category.OTHER
    team_id: str
    service_ids: list[str] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=50)
    exercise: bool = False
    commander: str | None = Field(default=None, max_length=64)


class Incident(BaseModel):
    id: str
    number: int
    title: str
    summary: str = ""
    severity: Severity
    category: Category
    status: Status
    # First time the incident entered each status.
    status_times: dict[Status, datetime] = Field(default_factory=dict)
    status_history: list[StatusStep] = Field(default_factory=list)
    team_id: str
    region_id: str
    commander: str | None = None
    responders: list[Responder] = Field(default_factory=list)
    service_ids: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    exercise: bool = False
    ownership: list[OwnershipSpan] = Field(default_factory=list)
    alert_group: AlertGroupInfo | None = None
    # Documentation: follow-ups, checked protocol items, the last status update
    # and the update deadline already reminded of (so a reminder fires once).
    follow_ups: list[FollowUp] = Field(default_factory=list)
    protocol_checks: list[ProtocolCheck] = Field(default_factory=list)
    last_update_at: datetime | None = None
    overdue_reminded_for: datetime | None = None
    declared_by: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # Idempotency tokens of the latest writes, recorded with each write itself.
    applied_keys: list[str] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"INC-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reader_team_ids(self) -> list[str]:
        """The owning team, then every team an alert was routed to: the teams
        that hear the incident's events and may read it."""
        routed = self.alert_group.team_ids if self.alert_group else []
        return list(dict.fromkeys([self.team_id, *routed]))

    @property
    def reader_region_ids(self) -> list[str]:
        routed = self.alert_group.region_ids if self.alert_group else []
        return list(dict.fromkeys([self.region_id, *routed]))
