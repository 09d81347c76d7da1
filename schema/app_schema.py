"""The schema: every concept's queries, mutations and subscriptions in one subgraph."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from schema.alerts import AlertMutations, AlertQueries
from schema.analytics import AnalyticsMutations, AnalyticsQueries
from schema.documentation import DocumentationMutations, DocumentationQueries
from schema.errors import map_errors
from schema.escalation import EscalationMutations, EscalationQueries
from schema.events import EventSubscriptions
from schema.handoffs import HandoffMutations, HandoffQueries, HandoffSubscriptions
from schema.incidents import IncidentMutations, IncidentQueries
from schema.knowledge import KnowledgeMutations, KnowledgeQueries
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
    ),
)
Subscription = merge_types("Subscription", (EventSubscriptions, HandoffSubscriptions))

ENTITY_TYPES = [
    IncidentType, TeamType, RegionType, ServiceType, ArticleType, PolicyType, HandoffType
]


class HubSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry calls this for queries, mutations and every subscription
        # result alike; mapping in place here covers all transports.
        context = execution_context.context if execution_context else None
        map_errors(errors, getattr(context, "request_id", "-"))


def build_schema() -> HubSchema:
    return HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            # Repeated documents skip parsing and validation (about 0.6 ms
            # each for a list query).
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
