"""The schema: every concept's queries, mutations and subscriptions in one subgraph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from hub.settings import Settings
from schema.alerts import AlertMutations, AlertQueries
from schema.analytics import AnalyticsMutations, AnalyticsQueries
from schema.auth import AuthMutations, AuthQueries
from schema.cache import WritesEndCachedReads
from schema.documentation import DocumentationMutations, DocumentationQueries
from schema.entities import check_representations, entity_keys
from schema.errors import map_errors
from schema.escalation import EscalationMutations, EscalationQueries
from schema.events import EventSubscriptions
from schema.handoffs import HandoffMutations, HandoffQueries, HandoffSubscriptions
from schema.incidents import IncidentMutations, IncidentQueries
from schema.knowledge import KnowledgeMutations, KnowledgeQueries
from schema.limits import MAX_TOKENS, Limits, QueryLimits
from schema.permissions import AccessControl
from schema.scope_guard import guard_incidents
from schema.teams import TeamMutations, TeamQueries
from schema.types.escalation import PolicyType
from schema.types.handoffs import HandoffType
from schema.types.incidents import IncidentType
from schema.types.knowledge import ArticleType
from schema.types.teams import RegionType, ServiceType, TeamType

Query = merge_types(
    "Query",
    (
        IncidentQueries,
        TeamQueries,
        KnowledgeQueries,
        HandoffQueries,
        DocumentationQueries,
        AnalyticsQueries,
        EscalationQueries,
        AlertQueries,
        AuthQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        IncidentMutations,
        TeamMutations,
        KnowledgeMutations,
        HandoffMutations,
        DocumentationMutations,
        AnalyticsMutations,
        EscalationMutations,
        AlertMutations,
        AuthMutations,
    ),
)
Subscription = merge_types("Subscription", (EventSubscriptions, HandoffSubscriptions))

ENTITY_TYPES = [
    IncidentType,
    TeamType,
    RegionType,
    ServiceType,
    ArticleType,
    PolicyType,
    HandoffType,
]


class HubSchema(strawberry.federation.Schema):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_representations(self._schema, entity_keys(self))
        guard_incidents(self._schema)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry calls this for queries, mutations and every subscription
        # result alike; mapping in place here covers all transports.
        context = execution_context.context if execution_context else None
        map_errors(errors, getattr(context, "request_id", "-"))


def build_schema(settings: Settings | None = None) -> HubSchema:
    limits = Limits.of(settings) if settings is not None else Limits()
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: QueryLimits(limits),
        AccessControl,
        WritesEndCachedReads,
        # Repeated documents skip parsing and validation (about 0.6 ms each
        # for a list query).
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]
    if settings is not None and not settings.introspection:
        extensions.append(DisableIntrospection)
    return HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=extensions,
    )
