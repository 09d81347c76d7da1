"""Integrations, routing rules and the routing dry run."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.alerts.dryrun import preview
from hub.alerts.routing.models import RuleCreate
from hub.auth import scopes
from schema.context import Context
from schema.inputs import build
from schema.pagination import Connection, connection, page_request
from schema.teams import WorkingWindowInput
from schema.types.alerts import (
    ActionKindEnum,
    AlertRuleType,
    IntegrationType,
    IntegrationWithKey,
    MatchOpEnum,
    RoutePreviewType,
)
from schema.types.enums import CategoryEnum, SeverityEnum

RULES_DOC = "Routing rules in evaluation order"
ROUTE_DOC = (
    "Where a payload would go at `at`; stores nothing. An incident it would join "
    "that the token may not read is left out (null), and the reason says so"
)
ROTATE_DOC = "A new key; the old one stops working at once"
CREATE_RULE_DOC = "Insert at `position` (0 first); default: last"
MOVE_DOC = "Move a rule to `position`; returns the new order"


@strawberry.input
class CreateIntegrationInput:
    source: str = strawberry.field(description="alertmanager, grafana, pagerduty, ...")
    name: str
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = strawberry.field(
        default=None, description="Without teamId, the service's team gets the alerts"
    )


@strawberry.input
class MatcherInput:
    field: str = strawberry.field(
        description="source, title, summary, severity, sender_severity, labels.<name>, "
        "annotations.<name> or fields.<name>"
    )
    op: MatchOpEnum  # type: ignore[valid-type]
    value: str | None = None
    values: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class TimeConditionInput:
    region_id: strawberry.ID
    windows: list[WorkingWindowInput] = strawberry.field(
        default_factory=list, description="Local-time windows; none: the region's hours"
    )
    inside: bool = True


@strawberry.input
class RuleActionInput:
    kind: ActionKindEnum  # type: ignore[valid-type]
    team_id: strawberry.ID | None = None
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    tag: str | None = None
    severity: SeverityEnum | None = None  # type: ignore[valid-type]
    category: CategoryEnum | None = None  # type: ignore[valid-type]
    reason: str | None = None


@strawberry.input
class AlertRuleInput:
    name: str
    actions: list[RuleActionInput]
    matchers: list[MatcherInput] = strawberry.field(default_factory=list)
    during: TimeConditionInput | None = None
    enabled: bool = True
    continue_matching: bool = False


async def _rules(info: Info[Context, None]) -> list[AlertRuleType]:
    rules = await info.context.hub.routing.rules()
    return [AlertRuleType.from_model(r, i) for i, r in enumerate(rules)]


@strawberry.type
class AlertQueries:
    @strawberry.field
    async def integrations(
        self,
        info: Info[Context, None],
        source: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[IntegrationType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.integrations.page(request, source=source)
        return connection(page, IntegrationType.from_model)

    @strawberry.field(description=RULES_DOC)
    async def alert_rules(self, info: Info[Context, None]) -> list[AlertRuleType]:
        return await _rules(info)

    @strawberry.field(description=ROUTE_DOC)
    async def route_alert(
        self,
        info: Info[Context, None],
        source: str,
        payload: JSON,
        at: datetime,
        integration_id: strawberry.ID | None = None,
    ) -> RoutePreviewType:
        found = await preview(
            info.context.hub.alerts,
            source=source,
            payload=payload,
            at=at,
            integration_id=str(integration_id) if integration_id else None,
            can_read=partial(scopes.allows_incident, info.context.principal),
        )
        return RoutePreviewType.from_model(found)


@strawberry.type
class AlertMutations:
    @strawberry.mutation
    async def create_integration(
        self, info: Info[Context, None], input: CreateIntegrationInput
    ) -> IntegrationWithKey:
        integration, key = await info.context.hub.integrations.create(
            source=input.source,
            name=input.name,
            team_id=str(input.team_id) if input.team_id else None,
            service_id=str(input.service_id) if input.service_id else None,
        )
        return IntegrationWithKey(integration=IntegrationType.from_model(integration), key=key)

    @strawberry.mutation(description=ROTATE_DOC)
    async def rotate_integration_key(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> IntegrationWithKey:
        integration, key = await info.context.hub.integrations.rotate(str(id))
        return IntegrationWithKey(integration=IntegrationType.from_model(integration), key=key)

    @strawberry.mutation
    async def disable_integration(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> IntegrationType:
        found = await info.context.hub.integrations.set_enabled(str(id), False)
        return IntegrationType.from_model(found)

    @strawberry.mutation
    async def enable_integration(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> IntegrationType:
        found = await info.context.hub.integrations.set_enabled(str(id), True)
        return IntegrationType.from_model(found)

    @strawberry.mutation(description=CREATE_RULE_DOC)
    async def create_alert_rule(
        self, info: Info[Context, None], input: AlertRuleInput, position: int | None = None
    ) -> AlertRuleType:
        data = build(RuleCreate, strawberry.asdict(input))
        rule, at = await info.context.hub.routing.create(data, position=position)
        return AlertRuleType.from_model(rule, at)

    @strawberry.mutation
    async def update_alert_rule(
        self, info: Info[Context, None], id: strawberry.ID, input: AlertRuleInput
    ) -> AlertRuleType:
        data = build(RuleCreate, strawberry.asdict(input))
        rule, at = await info.context.hub.routing.update(str(id), data)
        return AlertRuleType.from_model(rule, at)

    @strawberry.mutation
    async def delete_alert_rule(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        await info.context.hub.routing.delete(str(id))
        return True

    @strawberry.mutation(description=MOVE_DOC)
    async def move_alert_rule(
        self, info: Info[Context, None], id: strawberry.ID, position: int
    ) -> list[AlertRuleType]:
        rules = await info.context.hub.routing.move(str(id), position)
        return [AlertRuleType.from_model(r, i) for i, r in enumerate(rules)]
