"""Regions, their working hours, teams, members and services."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.text import DisplayText


class Weekday(StrEnum):
    MON = "MON"
    TUE = "TUE"
    WED = "WED"
    THU = "THU"
    FRI = "FRI"
    SAT = "SAT"
    SUN = "SUN"

    @property
    def iso(self) -> int:
        """ISO weekday number, Monday = 1."""
        return list(Weekday).index(self) + 1


ALL_DAYS = list(Weekday)
WORK_DAYS = ALL_DAYS[:5]


# Names the zone database answers to that are not zones of their own: the
# host's zone (which differs between the machines running the hub), and the
# copies of the database kept under other rules.
_HOST_ALIASES = frozenset({"localtime", "posixrules"})
_COPIES = ("posix/", "right/")


def check_time_zone(name: str) -> str:
    if name in _HOST_ALIASES or name.startswith(_COPIES):
        raise ValueError(f"unknown IANA time zone {name!r}: give a zone such as Europe/London")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc
    return name


class WorkingWindow(BaseModel):
    """A weekly window in local time.

    ``days`` are the days the window *starts* on. An ``end`` at or before
    ``start`` means the window crosses midnight and ends the next day.
    """

    model_config = ConfigDict(frozen=True)

    # A window on no day is never open: a region that has it is never on duty,
    # which nobody means to say.
    days: tuple[Weekday, ...] = Field(default=tuple(WORK_DAYS), min_length=1)
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


class RegionBase(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    time_zone: str
    working_hours: list[WorkingWindow] = Field(default_factory=list)
    # Position in the follow-the-sun order; lower hands off to higher, and the
    # last hands back to the first.
    rotation_order: int = 0

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_time_zone(value)


class RegionCreate(RegionBase):
    name: DisplayText = Field(min_length=1, max_length=80)


class Region(RegionBase):
    id: str
    created_at: datetime


class Member(BaseModel):
    handle: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=120)
    time_zone: str
    expertise: list[str] = Field(default_factory=list)
    contact: str = ""
    # The member a team pages first when it must reach "the lead".
    is_lead: bool = False

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_time_zone(value)


class TeamBase(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    region_id: str
    members: list[Member] = Field(default_factory=list)
    escalation_policy_id: str | None = None


def _one_handle_each(members: list[Member] | None) -> list[Member] | None:
    # A handle is how a person is paged and named as an owner: two entries for
    # one handle in a team would leave which contact and zone apply to chance.
    handles = [m.handle for m in members or []]
    twice = sorted({h for h in handles if handles.count(h) > 1})
    if twice:
        raise ValueError(f"handle {twice[0]!r} is listed more than once")
    return members


class TeamCreate(TeamBase):
    name: DisplayText = Field(min_length=1, max_length=120)

    @field_validator("members")
    @classmethod
    def _unique_handles(cls, value: list[Member]) -> list[Member]:
        return _one_handle_each(value) or []


class TeamUpdate(BaseModel):
    name: DisplayText | None = Field(default=None, min_length=1, max_length=120)
    region_id: str | None = None
    members: list[Member] | None = None
    escalation_policy_id: str | None = None

    @field_validator("members")
    @classmethod
    def _unique_handles(cls, value: list[Member] | None) -> list[Member] | None:
        return _one_handle_each(value)


class Team(TeamBase):
    id: str
    created_at: datetime
    updated_at: datetime


class ServiceTier(StrEnum):
    TIER_1 = "TIER_1"
    TIER_2 = "TIER_2"
    TIER_3 = "TIER_3"


class ServiceBase(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    team_id: str
    tier: ServiceTier = ServiceTier.TIER_2


class ServiceCreate(ServiceBase):
    name: DisplayText = Field(min_length=1, max_length=120)


class ServiceUpdate(BaseModel):
    name: DisplayText | None = Field(default=None, min_length=1, max_length=120)
    team_id: str | None = None
    tier: ServiceTier | None = None


class Service(ServiceBase):
    id: str
    created_at: datetime
