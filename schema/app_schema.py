"""The schema: every concept's queries, mutations and subscriptions in one subgraph."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from schema.errors import HubErrors
from schema.events import EventSubscriptions
from schema.incidents import IncidentMutations, IncidentQueries
from schema.knowledge import KnowledgeMutations, KnowledgeQueries
from schema.teams import TeamMutations, TeamQueries
from schema.types.incidents import IncidentType
from schema.types.knowledge import ArticleType, PolicyType
from schema.types.teams import RegionType, ServiceType, TeamType

Query = merge_types("Query", (IncidentQueries, TeamQueries, KnowledgeQueries))
Mutation = merge_types("Mutation", (IncidentMutations, TeamMutations, KnowledgeMutations))
Subscription = merge_types("Subscription", (EventSubscriptions,))

ENTITY_TYPES = [IncidentType, TeamType, RegionType, ServiceType, ArticleType, PolicyType]


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=[
            HubErrors,
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            # Repeated documents skip parsing and validation (about 0.6 ms
            # each for a list query).
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
