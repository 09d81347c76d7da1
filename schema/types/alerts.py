"""GraphQL types for integrations, routing rules and routing explanations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.alerts.dryrun import Decision, RoutePreview
from hub.alerts.integrations import Integration
from hub.alerts.routing import models as rm
from hub.alerts.routing.explain import Explanation, RuleOutcome, Verdict
from schema.context import Context
from schema.types.enums import CategoryEnum, SeverityEnum
from schema.types.incidents import IncidentType
from schema.types.teams import TeamType, WorkingWindowType

MatchOpEnum = strawberry.enum(rm.MatchOp, name="MatchOp")
ActionKindEnum = strawberry.enum(rm.ActionKind, name="RuleActionKind")
VerdictEnum = strawberry.enum(Verdict, name="RuleVerdict")
DecisionEnum = strawberry.enum(Decision, name="RouteDecision")


async def _teams(info: Info[Context, None], ids: list[strawberry.ID]) -> list[TeamType]:
    found = await info.context.loaders.team.load_many([str(i) for i in ids])
    return [TeamType.from_model(t) for t in found if t is not None]


@strawberry.type(name="Integration")
class IntegrationType:
    id: strawberry.ID
    source: str
    name: str
    team_id: strawberry.ID
    service_id: strawberry.ID | None
    enabled: bool
    created_at: datetime

    @strawberry.field
    async def team(self, info: Info[Context, None]) -> TeamType | None:
        found = await _teams(info, [self.team_id])
        return found[0] if found else None

    @classmethod
    def from_model(cls, i: Integration) -> IntegrationType:
        return cls(
            id=strawberry.ID(i.id),
            source=i.source,
            name=i.name,
            team_id=strawberry.ID(i.team_id),
            service_id=strawberry.ID(i.service_id) if i.service_id else None,
            enabled=i.enabled,
            created_at=i.created_at,
        )


@strawberry.type
class IntegrationWithKey:
    integration: IntegrationType
    key: str = strawberry.field(description="Shown this once; only its hash is stored")


@strawberry.type(name="RuleMatcher")
class MatcherType:
    field: str
    op: MatchOpEnum  # type: ignore[valid-type]
    value: str | None
    values: list[str]


@strawberry.type(name="TimeCondition")
class TimeConditionType:
    region_id: strawberry.ID
    windows: list[WorkingWindowType]
    inside: bool


@strawberry.type(name="RuleAction")
class RuleActionType:
    kind: ActionKindEnum  # type: ignore[valid-type]
    team_id: strawberry.ID | None
    team_ids: list[strawberry.ID]
    tag: str | None
    severity: SeverityEnum | None  # type: ignore[valid-type]
    category: CategoryEnum | None  # type: ignore[valid-type]
    reason: str | None


@strawberry.type(name="AlertRule")
class AlertRuleType:
    id: strawberry.ID
    position: int
    name: str
    enabled: bool
    matchers: list[MatcherType]
    during: TimeConditionType | None
    actions: list[RuleActionType]
    continue_matching: bool
    updated_at: datetime

    @classmethod
    def from_model(cls, r: rm.Rule, position: int) -> AlertRuleType:
        during = r.during
        return cls(
            id=strawberry.ID(r.id),
            position=position,
            name=r.name,
            enabled=r.enabled,
            matchers=[MatcherType(**m.model_dump()) for m in r.matchers],
            during=TimeConditionType(
                region_id=strawberry.ID(during.region_id),
                windows=[WorkingWindowType.from_model(w) for w in during.windows],
                inside=during.inside,
            )
            if during
            else None,
            actions=[_action(a) for a in r.actions],
            continue_matching=r.continue_matching,
            updated_at=r.updated_at,
        )


def _action(a: rm.RuleAction) -> RuleActionType:
    return RuleActionType(
        kind=a.kind,
        team_id=strawberry.ID(a.team_id) if a.team_id else None,
        team_ids=[strawberry.ID(t) for t in a.team_ids],
        tag=a.tag,
        severity=a.severity,
        category=a.category,
        reason=a.reason,
    )


@strawberry.type(name="RuleOutcome")
class RuleOutcomeType:
    rule_id: strawberry.ID
    name: str
    verdict: VerdictEnum  # type: ignore[valid-type]
    matched: bool
    reasons: list[str] = strawberry.field(description="Why not, or what it did")

    @classmethod
    def from_model(cls, o: RuleOutcome) -> RuleOutcomeType:
        return cls(
            rule_id=strawberry.ID(o.rule_id),
            name=o.name,
            verdict=o.verdict,
            matched=o.matched,
            reasons=list(o.reasons),
        )


@strawberry.type(name="RouteExplanation")
class RouteExplanationType:
    at: datetime
    team_ids: list[strawberry.ID] = strawberry.field(description="The first owns the incident")
    responders: list[str]
    severity: SeverityEnum  # type: ignore[valid-type]
    category: CategoryEnum  # type: ignore[valid-type]
    suppressed: bool
    suppressed_by: str | None
    default_route: bool
    notes: list[str]
    rules: list[RuleOutcomeType]

    @strawberry.field
    async def teams(self, info: Info[Context, None]) -> list[TeamType]:
        return await _teams(info, self.team_ids)

    @classmethod
    def from_model(cls, e: Explanation) -> RouteExplanationType:
        return cls(
            at=e.at,
            team_ids=[strawberry.ID(t) for t in e.team_ids],
            responders=list(e.responders),
            severity=e.severity,
            category=e.category,
            suppressed=e.suppressed,
            suppressed_by=e.suppressed_by,
            default_route=e.default_route,
            notes=list(e.notes),
            rules=[RuleOutcomeType.from_model(r) for r in e.rules],
        )


@strawberry.type(name="RoutePreview")
class RoutePreviewType:
    decision: DecisionEnum  # type: ignore[valid-type]
    reason: str
    dedup_key: str
    integration: IntegrationType
    incident: IncidentType | None = strawberry.field(
        description="The incident it would join, if this token may read it"
    )
    explanation: RouteExplanationType | None

    @classmethod
    def from_model(cls, p: RoutePreview) -> RoutePreviewType:
        return cls(
            decision=p.decision,
            reason=p.reason,
            dedup_key=p.batch.group_key,
            integration=IntegrationType.from_model(p.integration),
            incident=IncidentType.from_model(p.incident) if p.incident else None,
            explanation=(
                RouteExplanationType.from_model(p.explanation) if p.explanation else None
            ),
        )
