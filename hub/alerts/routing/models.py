"""Routing rules: what an alert must look like, and where it then goes.

Rules are kept in one ordered list. Each has matchers (all must hold), an
optional time condition in a region's local time, and actions. A rule that
matches stops the evaluation unless it says ``continue_matching``; that is
how one alert fans out to several teams. When no rule routes the alert to a
team, the integration's own team gets it: the default route always exists.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.alerts.routing.patterns import check_pattern
from hub.incidents.models import Category, Severity
from hub.teams.models import WorkingWindow
from hub.text import DisplayText

RULES_MAX = 200
VALUE_MAX = 256

# The alert's parts a matcher can read; see hub.alerts.routing.view.
FIELD_PATTERN = re.compile(
    r"^(source|title|summary|severity|sender_severity"
    r"|(labels|annotations|fields)\.[A-Za-z0-9_.:/-]{1,100})$"
)


class MatchOp(StrEnum):
    EQUALS = "EQUALS"
    NOT_EQUALS = "NOT_EQUALS"
    REGEX = "REGEX"
    IN = "IN"
    EXISTS = "EXISTS"
    ABSENT = "ABSENT"
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"


NUMERIC_OPS = frozenset({MatchOp.GT, MatchOp.GTE, MatchOp.LT, MatchOp.LTE})
SINGLE_VALUE_OPS = NUMERIC_OPS | {MatchOp.EQUALS, MatchOp.NOT_EQUALS, MatchOp.REGEX}


class Matcher(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str = Field(pattern=FIELD_PATTERN.pattern)
    op: MatchOp
    value: str | None = Field(default=None, max_length=VALUE_MAX)
    values: list[str] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _arity(self) -> Matcher:
        if self.op in SINGLE_VALUE_OPS and self.value is None:
            raise ValueError(f"{self.op} on {self.field} needs a value")
        if self.op is MatchOp.IN and not self.values:
            raise ValueError(f"IN on {self.field} needs at least one of values")
        if self.op is MatchOp.REGEX and self.value is not None:
            check_pattern(self.value, field=f"{self.field} regex")
        if self.op in NUMERIC_OPS and not _is_number(self.value):
            raise ValueError(f"{self.op} on {self.field} needs a number, got {self.value!r}")
        return self


# Decimal notation as monitoring systems write it. float() alone also reads
# underscores, digits of other scripts, nan and infinity, none of which a
# person writing a rule, or reading its reasons, takes for a number.
_PLAIN_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def plain_number(text: str) -> float | None:
    """``text`` as a finite number, or None when it is not written as one."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _is_number(value: str | None) -> bool:
    return value is not None and plain_number(value) is not None


class TimeCondition(BaseModel):
    """Local-time windows of one region; none given means its working hours."""

    model_config = ConfigDict(frozen=True)

    region_id: str
    windows: list[WorkingWindow] = Field(default_factory=list, max_length=14)
    # False turns the condition round: the rule holds outside the windows.
    inside: bool = True


class ActionKind(StrEnum):
    ROUTE_TEAM = "ROUTE_TEAM"
    ROUTE_ON_DUTY = "ROUTE_ON_DUTY"
    ROUTE_EXPERTISE = "ROUTE_EXPERTISE"
    SET_SEVERITY = "SET_SEVERITY"
    SET_CATEGORY = "SET_CATEGORY"
    SUPPRESS = "SUPPRESS"


class RuleAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    team_id: str | None = None
    # ROUTE_ON_DUTY: the teams to choose among (by their region); empty: all.
    team_ids: list[str] = Field(default_factory=list, max_length=50)
    tag: str | None = Field(default=None, min_length=1, max_length=60)
    severity: Severity | None = None
    category: Category | None = None
    reason: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _arguments(self) -> RuleAction:
        needs = {
            ActionKind.ROUTE_TEAM: ("team_id", self.team_id),
            ActionKind.ROUTE_EXPERTISE: ("tag", self.tag),
            ActionKind.SET_SEVERITY: ("severity", self.severity),
            ActionKind.SET_CATEGORY: ("category", self.category),
        }
        if self.kind in needs:
            name, value = needs[self.kind]
            if value is None:
                raise ValueError(f"{self.kind} needs {name}")
        return self


class RuleBase(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    enabled: bool = True
    matchers: list[Matcher] = Field(default_factory=list, max_length=20)
    during: TimeCondition | None = None
    actions: list[RuleAction] = Field(min_length=1, max_length=10)
    continue_matching: bool = False


class RuleCreate(RuleBase):
    name: DisplayText = Field(min_length=1, max_length=120)


class Rule(RuleBase):
    id: str
    created_at: datetime
    updated_at: datetime

    def team_ids(self) -> set[str]:
        """Every team the rule names, for checks at write time."""
        found = {a.team_id for a in self.actions if a.team_id}
        return found | {t for a in self.actions for t in a.team_ids}
