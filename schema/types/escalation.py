"""GraphQL types for escalation policies, their rules, steps and notifications."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.escalation import conditions as c
from hub.escalation import models as em
from hub.escalation import notify as nm
from hub.escalation import plan as pm
from hub.escalation import state as sm
from hub.escalation.webhooks import WebhookInfo
from schema.context import Context
from schema.types.enums import (
    CategoryEnum,
    EscalationStateEnum,
    HoursSubjectEnum,
    NotificationStateEnum,
    RuleActionEnum,
    SeverityEnum,
    StepActionEnum,
    TargetKindEnum,
)


@strawberry.type(name="EscalationTarget")
class TargetType:
    kind: TargetKindEnum  # type: ignore[valid-type]
    value: str

    @classmethod
    def from_model(cls, t: em.Target) -> TargetType:
        return cls(kind=t.kind, value=t.value)


@strawberry.type(name="HoursClause")
class HoursClauseType:
    subject: HoursSubjectEnum  # type: ignore[valid-type]
    working: bool


@strawberry.type(name="EscalationCondition")
class ConditionType:
    severities: list[SeverityEnum]  # type: ignore[valid-type]
    categories: list[CategoryEnum]  # type: ignore[valid-type]
    service_ids: list[strawberry.ID]
    min_age_minutes: int | None
    max_age_minutes: int | None
    min_quiet_minutes: int | None
    working_hours: HoursClauseType | None

    @classmethod
    def from_model(cls, cond: c.Condition) -> ConditionType:
        hours = cond.working_hours
        return cls(
            severities=list(cond.severities),
            categories=list(cond.categories),
            service_ids=[strawberry.ID(s) for s in cond.service_ids],
            min_age_minutes=cond.min_age_minutes,
            max_age_minutes=cond.max_age_minutes,
            min_quiet_minutes=cond.min_quiet_minutes,
            working_hours=HoursClauseType(subject=hours.subject, working=hours.working)
            if hours
            else None,
        )


@strawberry.type(name="EscalationLevel")
class LevelType:
    targets: list[TargetType]
    delay_minutes: int
    when: ConditionType | None
    skip_when_off_duty: bool


@strawberry.type(name="EscalationRule")
class RuleType:
    name: str
    when: ConditionType
    action: RuleActionEnum  # type: ignore[valid-type]
    targets: list[TargetType]
    level: int | None
    levels: list[int]

    @classmethod
    def from_model(cls, r: em.EscalationRule) -> RuleType:
        return cls(
            name=r.name,
            when=ConditionType.from_model(r.when),
            action=r.action,
            targets=[TargetType.from_model(t) for t in r.targets],
            level=r.level,
            levels=list(r.levels),
        )


@strawberry.federation.type(name="EscalationPolicy", keys=["id"])
class PolicyType:
    id: strawberry.ID
    name: str
    description: str
    levels: list[LevelType]
    repeat: int
    rules: list[RuleType]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, p: em.EscalationPolicy) -> PolicyType:
        levels = [
            LevelType(
                targets=[TargetType.from_model(t) for t in lvl.targets],
                delay_minutes=lvl.delay_minutes,
                when=ConditionType.from_model(lvl.when) if lvl.when else None,
                skip_when_off_duty=lvl.skip_when_off_duty,
            )
            for lvl in p.levels
        ]
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            description=p.description,
            levels=levels,
            repeat=p.repeat,
            rules=[RuleType.from_model(r) for r in p.rules],
            created_at=p.created_at,
            updated_at=p.updated_at,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> PolicyType | None:
        found = await info.context.hub.policies.repo.get_many([str(id)])
        return cls.from_model(found[0]) if found[0] else None


@strawberry.type(name="EscalationPerson")
class PersonType:
    handle: str
    team_id: strawberry.ID
    time_zone: str
    local_time: str
    working: bool

    @classmethod
    def from_model(cls, p: c.Person) -> PersonType:
        return cls(
            handle=p.handle,
            team_id=strawberry.ID(p.team_id),
            time_zone=p.time_zone,
            local_time=p.local_time,
            working=p.working,
        )


@strawberry.type(name="MatchedRule")
class RuleHitType:
    name: str
    action: RuleActionEnum  # type: ignore[valid-type]
    reasons: list[str]


@strawberry.type(name="EscalationStep")
class StepType:
    step: int
    level: int = strawberry.field(description="1-based")
    round: int = strawberry.field(description="1-based; 2 and up are repeats")
    due_at: datetime
    at: datetime
    action: StepActionEnum  # type: ignore[valid-type]
    people: list[PersonType]
    matched_rules: list[RuleHitType]
    reason: str
    manual: bool

    @classmethod
    def from_model(cls, s: pm.StepPlan) -> StepType:
        return cls(
            step=s.step,
            level=s.level + 1,
            round=s.round + 1,
            due_at=s.due_at,
            at=s.decided_at,
            action=s.action,
            people=[PersonType.from_model(p) for p in s.people],
            matched_rules=[
                RuleHitType(name=h.name, action=h.action, reasons=h.reasons) for h in s.rules
            ],
            reason=s.reason,
            manual=s.manual,
        )


@strawberry.type(name="EscalationPreview")
class PreviewType:
    policy: PolicyType | None
    steps: list[StepType]
    note: str | None


@strawberry.type(name="IncidentEscalation")
class EscalationType:
    incident_id: strawberry.ID
    state: EscalationStateEnum  # type: ignore[valid-type]
    policy: PolicyType
    next_step_at: datetime | None
    next_level: int | None
    steps: list[StepType]
    stop_reason: str | None

    @classmethod
    def from_model(cls, e: sm.Escalation) -> EscalationType:
        return cls(
            incident_id=strawberry.ID(e.incident_id),
            state=e.state,
            policy=PolicyType.from_model(e.policy),
            next_step_at=e.next.due_at if e.next else None,
            next_level=e.next.level + 1 if e.next else None,
            steps=[StepType.from_model(s) for s in e.steps],
            stop_reason=e.stop_reason,
        )


@strawberry.type(name="NotificationAttempt")
class AttemptType:
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


@strawberry.type(name="Notification")
class NotificationType:
    id: strawberry.ID
    incident_id: strawberry.ID
    step: int
    team_id: strawberry.ID
    handles: list[str]
    state: NotificationStateEnum  # type: ignore[valid-type]
    drill: bool
    attempts: list[AttemptType]
    retried: bool
    error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_model(cls, n: nm.Notification) -> NotificationType:
        return cls(
            id=strawberry.ID(n.id),
            incident_id=strawberry.ID(n.incident_id),
            step=n.step,
            team_id=strawberry.ID(n.team_id),
            handles=list(n.handles),
            state=n.state,
            drill=n.drill,
            retried=n.retried,
            error=n.error,
            created_at=n.created_at,
            delivered_at=n.delivered_at,
            attempts=[
                AttemptType(
                    number=a.number,
                    at=a.at,
                    status_code=a.status_code,
                    error=a.error,
                    duration_ms=a.duration_ms,
                )
                for a in n.attempts
            ],
        )


@strawberry.type(name="TeamWebhook", description="The secret is write-only: never returned")
class WebhookType:
    team_id: strawberry.ID
    url: str
    updated_at: datetime
    updated_by: str

    @classmethod
    def from_model(cls, w: WebhookInfo) -> WebhookType:
        return cls(
            team_id=strawberry.ID(w.team_id),
            url=w.url,
            updated_at=w.updated_at,
            updated_by=w.updated_by,
        )
