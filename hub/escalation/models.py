"""Escalation policies: ordered levels of targets, each with a delay, and rules.

A level engages its targets, then waits ``delay_minutes`` for an
acknowledgement before the next level; after the last level the ladder runs
again ``repeat`` times. Rules change that path for the incidents whose
conditions they match (see :mod:`hub.escalation.conditions`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from hub.escalation.conditions import Condition
from hub.text import DisplayText, display_text


class TargetKind(StrEnum):
    MEMBER = "MEMBER"  # a member's handle
    TEAM = "TEAM"  # a team id: every member
    ON_DUTY_TEAM = "ON_DUTY_TEAM"  # the team of the region on duty at that moment
    ON_DUTY_LEAD = "ON_DUTY_LEAD"  # the lead of that team
    ROLE = "ROLE"  # an incident role, such as commander
    EXPERTISE = "EXPERTISE"  # an expertise tag, resolved to members in every region


NO_VALUE = frozenset({TargetKind.ON_DUTY_TEAM, TargetKind.ON_DUTY_LEAD})


class Target(BaseModel):
    kind: TargetKind
    # The handle, team id, role or tag; empty for the on-duty kinds.
    value: str = Field(default="", max_length=120)

    @model_validator(mode="after")
    def _value_needed(self) -> Target:
        if self.kind not in NO_VALUE and not self.value:
            raise ValueError(f"a {self.kind} target needs a value")
        return self

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else str(self.kind)


class EscalationLevel(BaseModel):
    targets: list[Target] = Field(min_length=1, max_length=50)
    # Minutes to wait for an acknowledgement before the next level.
    delay_minutes: int = Field(default=15, ge=0, le=24 * 60)
    # The level fires only when this holds; otherwise it is skipped.
    when: Condition | None = None
    # Skip the level when every target is outside working hours, unless it is
    # the last step left: someone is always engaged in the end.
    skip_when_off_duty: bool = False


class RuleAction(StrEnum):
    ADD_TARGETS = "ADD_TARGETS"  # engage ``targets`` as well
    REPLACE_TARGETS = "REPLACE_TARGETS"  # engage ``targets`` instead
    JUMP_TO_LEVEL = "JUMP_TO_LEVEL"  # go straight on to ``level``


class EscalationRule(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    when: Condition
    action: RuleAction
    targets: list[Target] = Field(default_factory=list, max_length=50)
    # 1-based level a jump goes to.
    level: int | None = Field(default=None, ge=1)
    # 1-based levels that ADD/REPLACE apply to; empty: every level.
    levels: list[int] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _shape(self) -> EscalationRule:
        if self.action is RuleAction.JUMP_TO_LEVEL and self.level is None:
            raise ValueError(f"rule {self.name!r}: JUMP_TO_LEVEL needs a level")
        if self.action is not RuleAction.JUMP_TO_LEVEL and not self.targets:
            raise ValueError(f"rule {self.name!r}: {self.action} needs targets")
        return self

    def applies_to(self, level: int) -> bool:
        return not self.levels or level + 1 in self.levels


def _check_rules(levels: list[EscalationLevel], rules: list[EscalationRule]) -> None:
    count = len(levels)
    for rule in rules:
        refs = [*rule.levels, *([rule.level] if rule.level else [])]
        bad = [n for n in refs if not 1 <= n <= count]
        if bad:
            raise ValueError(f"rule {rule.name!r} names level {bad[0]}; levels are 1-{count}")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError("rule names must be unique within a policy")


class PolicyBase(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    levels: list[EscalationLevel] = Field(min_length=1, max_length=20)
    # How many times the whole ladder runs again after its last level.
    repeat: int = Field(default=0, ge=0, le=10)
    # Evaluated at every step, in order; every matching rule applies.
    rules: list[EscalationRule] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _rules_fit(self) -> PolicyBase:
        _check_rules(self.levels, self.rules)
        return self


def _readable_rule_names(rules: list[EscalationRule] | None) -> list[EscalationRule] | None:
    # Checked on what callers send only: stored policies are read back as written.
    for rule in rules or []:
        rule.name = display_text(rule.name)
    return rules


class PolicyCreate(PolicyBase):
    name: DisplayText = Field(min_length=1, max_length=120)

    @field_validator("rules")
    @classmethod
    def _rule_names(cls, value: list[EscalationRule]) -> list[EscalationRule]:
        return _readable_rule_names(value) or []


class PolicyUpdate(BaseModel):
    name: DisplayText | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    levels: list[EscalationLevel] | None = Field(default=None, min_length=1, max_length=20)
    repeat: int | None = Field(default=None, ge=0, le=10)
    rules: list[EscalationRule] | None = Field(default=None, max_length=30)

    @field_validator("rules")
    @classmethod
    def _rule_names(cls, value: list[EscalationRule] | None) -> list[EscalationRule] | None:
        return _readable_rule_names(value)


class EscalationPolicy(PolicyBase):
    id: str
    created_at: datetime
    updated_at: datetime
