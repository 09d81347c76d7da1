"""Incidents outside a token's scope do not exist, whichever field leads there.

Resolvers narrow their own queries to the caller's scope, but an incident can
also be reached sideways: through a handoff, an article, a route preview, a
federation reference. Rather than trust every such resolver to remember, the
schema wraps every field whose type is ``Incident`` (alone, in a list, or in
a union such as ``_entities``) when it is built. For an incident the caller
may not see, a nullable field answers null, a list leaves it out (a list of a
union answers null in its place, since positions matter there), and a
non-null field answers NOT_FOUND, exactly as for an incident that does not
exist, so the answer does not confirm that it does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLFieldResolver,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    default_field_resolver,
    get_named_type,
)
from graphql.pyutils import is_awaitable

from hub.auth import scopes
from hub.auth.models import Principal
from hub.errors import NotFound
from schema.context import Context
from schema.types.incidents import IncidentType


@dataclass(frozen=True)
class Shape:
    many: bool  # a list of them
    nullable: bool  # the single value, or each list item, may be null
    mixed: bool  # a union: other kinds share the list, in meaningful positions


def guard_incidents(schema: GraphQLSchema) -> list[str]:
    """Wrap every field that returns incidents; the names of those fields."""
    incident = schema.get_type("Incident")
    guarded = []
    for kind in schema.type_map.values():
        if not isinstance(kind, GraphQLObjectType) or kind.name.startswith("__"):
            continue
        for name, field in kind.fields.items():
            shape = _shape(field.type, incident)
            if shape is not None:
                field.resolve = _guarded(field, shape)
                guarded.append(f"{kind.name}.{name}")
    return guarded


def _shape(kind: GraphQLOutputType, incident: Any) -> Shape | None:
    named = get_named_type(kind)
    mixed = isinstance(named, GraphQLUnionType) and incident in named.types
    if named is not incident and not mixed:
        return None
    inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    many = isinstance(inner, GraphQLList)
    item = inner.of_type if isinstance(inner, GraphQLList) else kind
    return Shape(many=many, nullable=not isinstance(item, GraphQLNonNull), mixed=mixed)


def _guarded(field: GraphQLField, shape: Shape) -> GraphQLFieldResolver:
    resolve = field.resolve or default_field_resolver

    def resolver(source: Any, info: GraphQLResolveInfo[Context], **args: Any) -> Any:
        result = resolve(source, info, **args)
        principal: Principal = info.context.principal
        if not principal.scoped:
            return result
        if is_awaitable(result):
            return _later(result, lambda value: _visible(value, principal, shape))
        return _visible(result, principal, shape)

    return resolver


async def _later(pending: Awaitable[Any], then: Callable[[Any], Any]) -> Any:
    return then(await pending)


def _visible(value: Any, principal: Principal, shape: Shape) -> Any:
    if not shape.many or value is None:
        return _one(value, principal, shape)
    if shape.mixed:
        return [_one_later(v, principal, shape) for v in value]
    return [v for v in value if not _hidden(v, principal)]


def _one_later(value: Any, principal: Principal, shape: Shape) -> Any:
    # Federation resolves each reference on its own, often lazily.
    if is_awaitable(value):
        return _later(value, lambda found: _one(found, principal, shape))
    return _one(value, principal, shape)


def _one(value: Any, principal: Principal, shape: Shape) -> Any:
    if not _hidden(value, principal):
        return value
    if shape.nullable:
        return None
    raise NotFound(f"no incident with id {str(value.id)!r}", id=str(value.id))


def _hidden(value: Any, principal: Principal) -> bool:
    if not isinstance(value, IncidentType):
        return False
    if value.model is not None:
        # The domain's rule, so teams an alert was routed to read it too.
        return not scopes.allows_incident(principal, value.model)
    region, team = str(value.region_id), str(value.team_id)
    return not scopes.allows(principal, region_id=region, team_id=team)
