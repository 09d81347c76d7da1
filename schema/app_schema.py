"""The schema: every concept's queries, mutations and subscriptions in one subgraph."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.tools import merge_types

from hub.settings import Settings
from schema.auth import AuthMutations, AuthQueries
from schema.errors import HubErrors
from schema.events import EventSubscriptions
from schema.incidents import IncidentMutations, IncidentQueries
from schema.knowledge import KnowledgeMutations, KnowledgeQueries
from schema.limits import Limits, QueryLimits
from schema.permissions import AccessControl
from schema.teams import TeamMutations, TeamQueries
from schema.types.incidents import IncidentType
from schema.types.knowledge import ArticleType, PolicyType
from schema.types.teams import RegionType, ServiceType, TeamType

Query = merge_types("Query", (IncidentQueries, TeamQueries, KnowledgeQueries, AuthQueries))
Mutation = merge_types(
    "Mutation", (IncidentMutations, TeamMutations, KnowledgeMutations, AuthMutations)
)
Subscription = merge_types("Subscription", (EventSubscriptions,))

ENTITY_TYPES = [IncidentType, TeamType, RegionType, ServiceType, ArticleType, PolicyType]


def build_schema(settings: Settings | None = None) -> strawberry.federation.Schema:
    limits = Limits.of(settings) if settings is not None else Limits()
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        HubErrors,
        lambda: QueryLimits(limits),
        AccessControl,
    ]
    if settings is not None and not settings.introspection:
        extensions.append(DisableIntrospection)
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=extensions,  # type: ignore[arg-type]
    )
