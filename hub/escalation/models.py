"""Escalation policies: ordered levels of targets, each with a delay."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class TargetKind(StrEnum):
    MEMBER = "MEMBER"  # a member's handle
    TEAM = "TEAM"  # a team id: every member
    ON_DUTY_TEAM = "ON_DUTY_TEAM"  # the team of the region on duty at that moment
    ROLE = "ROLE"  # an incident role, such as commander
    EXPERTISE = "EXPERTISE"  # an expertise tag, resolved to members in every region


class Target(BaseModel):
    kind: TargetKind
    # The handle, team id, role or tag; empty for ON_DUTY_TEAM.
    value: str = Field(default="", max_length=120)

    @model_validator(mode="after")
    def _value_needed(self) -> Target:
        if self.kind is not TargetKind.ON_DUTY_TEAM and not self.value:
            raise ValueError(f"a {self.kind} target needs a value")
        return self


class EscalationLevel(BaseModel):
    targets: list[Target] = Field(min_length=1, max_length=50)
    # Minutes to wait for an acknowledgement before the next level.
    delay_minutes: int = Field(default=15, ge=0, le=24 * 60)


class PolicyBase(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    levels: list[EscalationLevel] = Field(min_length=1, max_length=20)
    # How many times the whole ladder runs again after its last level.
    repeat: int = Field(default=0, ge=0, le=10)


class PolicyCreate(PolicyBase):
    pass


class PolicyUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    levels: list[EscalationLevel] | None = Field(default=None, min_length=1, max_length=20)
    repeat: int | None = Field(default=None, ge=0, le=10)


class EscalationPolicy(PolicyBase):
    id: str
    created_at: datetime
    updated_at: datetime
