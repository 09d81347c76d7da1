"""Escalation: policies with rules, manual escalation, webhooks, preview, history."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.errors import BadInput
from hub.escalation.models import PolicyCreate, PolicyUpdate
from hub.escalation.preview import HypotheticalIncident, Preview
from schema.context import Context
from schema.inputs import build, given
from schema.pagination import Connection, connection, page_request
from schema.types.enums import (
    CategoryEnum,
    HoursSubjectEnum,
    RuleActionEnum,
    SeverityEnum,
    TargetKindEnum,
)
from schema.types.escalation import (
    EscalationType,
    NotificationType,
    PolicyType,
    PreviewType,
    StepType,
    WebhookType,
)


@strawberry.input
class TargetInput:
    kind: TargetKindEnum  # type: ignore[valid-type]
    value: str = ""


@strawberry.input
class HoursClauseInput:
    working: bool
    subject: HoursSubjectEnum = HoursSubjectEnum.OWNING_TEAM  # type: ignore[valid-type]


@strawberry.input(description="Every clause given must hold; an omitted clause does not count")
class ConditionInput:
    severities: list[SeverityEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list
    )
    categories: list[CategoryEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list
    )
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    min_age_minutes: int | None = None
    max_age_minutes: int | None = None
    min_quiet_minutes: int | None = None
    working_hours: HoursClauseInput | None = None


@strawberry.input
class LevelInput:
    targets: list[TargetInput]
    delay_minutes: int = 15
    when: ConditionInput | None = None
    skip_when_off_duty: bool = False


@strawberry.input
class RuleInput:
    name: str
    when: ConditionInput
    action: RuleActionEnum  # type: ignore[valid-type]
    targets: list[TargetInput] = strawberry.field(default_factory=list)
    level: int | None = None
    levels: list[int] = strawberry.field(default_factory=list)


@strawberry.input
class PolicyInput:
    name: str
    levels: list[LevelInput]
    description: str = ""
    repeat: int = 0
    rules: list[RuleInput] = strawberry.field(default_factory=list)


@strawberry.input
class PolicyUpdateInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    levels: list[LevelInput] | None = strawberry.UNSET
    repeat: int | None = strawberry.UNSET
    rules: list[RuleInput] | None = strawberry.UNSET


@strawberry.input
class HypotheticalIncidentInput:
    team_id: strawberry.ID
    severity: SeverityEnum = SeverityEnum.SEV3  # type: ignore[valid-type]
    category: CategoryEnum = CategoryEnum.OTHER  # type: ignore[valid-type]
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    age_minutes: int = 0
    commander: str | None = None
    exercise: bool = False


def _preview(found: Preview) -> PreviewType:
    return PreviewType(
        policy=PolicyType.from_model(found.policy) if found.policy else None,
        steps=[StepType.from_model(s) for s in found.steps],
        note=found.note,
    )


@strawberry.type
class EscalationQueries:
    @strawberry.field
    async def escalation_policies(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PolicyType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.policies.page(request)
        return connection(page, PolicyType.from_model)

    @strawberry.field
    async def escalation_policy(self, info: Info[Context, None], id: strawberry.ID) -> PolicyType:
        return PolicyType.from_model(await info.context.hub.policies.repo.get(str(id)))

    @strawberry.field
    async def escalation_preview(
        self,
        info: Info[Context, None],
        incident_id: strawberry.ID | None = None,
        incident: HypotheticalIncidentInput | None = None,
        at: datetime | None = None,
    ) -> PreviewType:
        hub = info.context.hub
        when = at or hub.clock.now()
        if (incident_id is None) == (incident is None):
            raise BadInput("give either incidentId or incident", argument="incidentId")
        if incident_id is not None:
            return _preview(await hub.escalation.preview.for_incident(str(incident_id), when))
        assert incident is not None
        data = build(HypotheticalIncident, strawberry.asdict(incident))
        return _preview(await hub.escalation.preview.hypothetical(data, when))

    @strawberry.field
    async def incident_escalation(
        self, info: Info[Context, None], incident_id: strawberry.ID
    ) -> EscalationType | None:
        hub = info.context.hub
        await hub.incidents.get(str(incident_id))
        found = await hub.escalation.store.get(str(incident_id))
        return EscalationType.from_model(found) if found else None

    @strawberry.field
    async def notifications(
        self,
        info: Info[Context, None],
        incident_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[NotificationType]:
        request = page_request(info, first, after, last, before)
        notifier = info.context.hub.escalation.notifier
        page = await notifier.page_for_incident(str(incident_id), request)
        return connection(page, NotificationType.from_model)

    @strawberry.field
    async def team_webhook(
        self, info: Info[Context, None], team_id: strawberry.ID
    ) -> WebhookType | None:
        hub = info.context.hub
        await hub.teams.teams.get(str(team_id))
        found = await hub.escalation.webhooks.info(str(team_id))
        return WebhookType.from_model(found) if found else None


@strawberry.type
class EscalationMutations:
    @strawberry.mutation
    async def create_escalation_policy(
        self, info: Info[Context, None], input: PolicyInput
    ) -> PolicyType:
        data = build(PolicyCreate, strawberry.asdict(input))
        return PolicyType.from_model(await info.context.hub.policies.create(data=data))

    @strawberry.mutation
    async def update_escalation_policy(
        self, info: Info[Context, None], id: strawberry.ID, input: PolicyUpdateInput
    ) -> PolicyType:
        data = build(PolicyUpdate, given(strawberry.asdict(input)))
        policy = await info.context.hub.policies.update(policy_id=str(id), data=data)
        return PolicyType.from_model(policy)

    @strawberry.mutation
    async def escalate_incident(
        self, info: Info[Context, None], id: strawberry.ID, to_level: int
    ) -> EscalationType:
        found = await info.context.hub.escalation.flows.escalate(
            str(id), to_level=to_level, actor=info.context.principal.actor
        )
        return EscalationType.from_model(found)

    @strawberry.mutation
    async def set_team_webhook(
        self, info: Info[Context, None], team_id: strawberry.ID, url: str, secret: str
    ) -> WebhookType:
        found = await info.context.hub.escalation.webhooks.set(
            team_id=str(team_id), url=url, secret=secret, actor=info.context.principal.actor
        )
        return WebhookType.from_model(found)

    @strawberry.mutation
    async def clear_team_webhook(self, info: Info[Context, None], team_id: strawberry.ID) -> bool:
        await info.context.hub.teams.teams.get(str(team_id))
        return await info.context.hub.escalation.webhooks.clear(team_id=str(team_id))
