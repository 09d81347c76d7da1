"""Conditions: typed rules on an incident and the people a step would engage.

A :class:`Condition` is a set of clauses that must all hold; a clause left
unset does not constrain. Evaluation returns, beside the verdict, a sentence per
clause, so the timeline and the preview can say *why* a rule matched.

Working hours are read in each person's own time zone against the hours of
their team's region: a member in Warsaw on a London team works 08:00-17:00
Warsaw time when London's hours are 08:00-17:00. Members have no hours of
their own; a member who keeps different hours needs a team (or region) that
says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.incidents.models import Category, Severity


class HoursSubject(StrEnum):
    # The members of the team that owns the incident.
    OWNING_TEAM = "OWNING_TEAM"
    # The members the level being fired would engage.
    LEVEL_TARGETS = "LEVEL_TARGETS"


class HoursClause(BaseModel):
    subject: HoursSubject = HoursSubject.OWNING_TEAM
    # True: someone of the subject is at work; False: nobody is.
    working: bool


class Condition(BaseModel):
    severities: list[Severity] = Field(default_factory=list, max_length=5)
    categories: list[Category] = Field(default_factory=list, max_length=5)
    service_ids: list[str] = Field(default_factory=list, max_length=50)
    min_age_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    max_age_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    # Time since the last update a person made (a note, a status, a responder).
    min_quiet_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    working_hours: HoursClause | None = None

    @model_validator(mode="after")
    def _sane_age(self) -> Condition:
        low, high = self.min_age_minutes, self.max_age_minutes
        if low is not None and high is not None and high < low:
            raise ValueError(f"max_age_minutes {high} is below min_age_minutes {low}")
        return self


class Person(BaseModel):
    """Someone a step can engage, with what is needed to know if they are at work."""

    model_config = ConfigDict(frozen=True)

    handle: str
    team_id: str
    time_zone: str
    working: bool
    # Their wall-clock time at the moment of the step, "HH:MM Zone".
    local_time: str


@dataclass(frozen=True)
class Facts:
    """What conditions are evaluated against, at one instant."""

    at: datetime
    severity: Severity
    category: Category
    service_ids: Sequence[str]
    created_at: datetime
    last_update: datetime
    owning_team: Sequence[Person]
    level_targets: Sequence[Person] = ()

    @property
    def age(self) -> timedelta:
        return self.at - self.created_at

    @property
    def quiet(self) -> timedelta:
        return self.at - self.last_update


@dataclass
class Verdict:
    matched: bool = True
    reasons: list[str] = field(default_factory=list)

    def check(self, ok: bool, reason: str) -> None:
        self.reasons.append(reason if ok else f"not: {reason}")
        self.matched = self.matched and ok


def evaluate(cond: Condition, facts: Facts) -> Verdict:
    """Whether every clause of ``cond`` holds for ``facts``, each with a reason."""
    v = Verdict()
    if cond.severities:
        names = "/".join(cond.severities)
        v.check(facts.severity in cond.severities, f"severity {facts.severity} in {names}")
    if cond.categories:
        names = "/".join(cond.categories)
        v.check(facts.category in cond.categories, f"category {facts.category} in {names}")
    if cond.service_ids:
        hit = sorted(set(cond.service_ids) & set(facts.service_ids))
        v.check(bool(hit), f"affects service {', '.join(hit) or 'one of the listed'}")
    age = _minutes(facts.age)
    if cond.min_age_minutes is not None:
        v.check(age >= cond.min_age_minutes, f"age {age}m >= {cond.min_age_minutes}m")
    if cond.max_age_minutes is not None:
        v.check(age < cond.max_age_minutes, f"age {age}m < {cond.max_age_minutes}m")
    if cond.min_quiet_minutes is not None:
        quiet = _minutes(facts.quiet)
        v.check(
            quiet >= cond.min_quiet_minutes, f"no update for {quiet}m >= {cond.min_quiet_minutes}m"
        )
    if cond.working_hours is not None:
        _hours(cond.working_hours, facts, v)
    return v


def _hours(clause: HoursClause, facts: Facts, v: Verdict) -> None:
    people = (
        facts.owning_team if clause.subject is HoursSubject.OWNING_TEAM else facts.level_targets
    )
    at_work = [p for p in people if p.working]
    who = "owning team" if clause.subject is HoursSubject.OWNING_TEAM else "level targets"
    if clause.working:
        names = ", ".join(f"{p.handle} ({p.local_time})" for p in at_work)
        v.check(bool(at_work), f"{who} in working hours: {names or 'nobody'}")
    else:
        names = ", ".join(f"{p.handle} ({p.local_time})" for p in people)
        v.check(not at_work, f"{who} outside working hours: {names or 'nobody'}")


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
