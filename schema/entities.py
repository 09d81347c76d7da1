"""Federation references, checked before they are resolved.

A router sends ``_entities`` a list of representations: ``__typename`` and
the type's key fields. One that is not an object, names no entity of this
subgraph, lacks a key field or carries anything else is the sender's mistake:
it becomes BAD_USER_INPUT at its own position in the list, and the others
resolve as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLResolveInfo, GraphQLSchema
from graphql.pyutils import is_awaitable
from strawberry.federation import Schema

from hub.errors import BadInput

Keys = Mapping[str, frozenset[str]]


def entity_keys(schema: Schema) -> Keys:
    """Each entity type's name and the fields of its ``@key``."""
    keys = {}
    for name, kind in schema.schema_converter.type_map.items():
        definition = getattr(kind, "definition", None)
        if not hasattr(getattr(definition, "origin", None), "resolve_reference"):
            continue
        directives = getattr(definition, "directives", None) or ()
        fields = [getattr(d, "fields", None) for d in directives]
        keys[name] = frozenset(f for spec in fields if spec for f in str(spec).split())
    return keys


def problem(representation: Any, keys: Keys) -> BadInput | None:
    """What is wrong with ``representation``, if anything."""
    if not isinstance(representation, dict):
        return BadInput("a representation is an object: __typename and the key fields")
    name = representation.get("__typename")
    if not isinstance(name, str):
        return BadInput("a representation needs __typename, the name of an entity type")
    wanted = keys.get(name)
    if wanted is None:
        known = ", ".join(sorted(keys))
        return BadInput(f"{name!r} is not an entity type here; entity types: {known}")
    given = set(representation) - {"__typename"}
    if missing := sorted(wanted - given):
        return BadInput(f"a {name} representation needs its key field {missing[0]!r}")
    if extra := sorted(given - wanted):
        return BadInput(f"a {name} representation has only key fields; {extra[0]!r} is not one")
    if bad := sorted(k for k in wanted if not isinstance(representation[k], str)):
        return BadInput(f"the key field {bad[0]!r} of a {name} representation is a string")
    return None


def check_representations(schema: GraphQLSchema, keys: Keys) -> None:
    """Make ``_entities`` refuse malformed representations one by one."""
    field = schema.query_type.fields.get("_entities") if schema.query_type else None
    if field is None or field.resolve is None:
        return
    resolve = field.resolve

    def resolver(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        given = args.pop("representations")
        problems = [problem(r, keys) for r in given]
        good = [r for r, p in zip(given, problems, strict=True) if p is None]
        resolved = resolve(source, info, representations=good, **args)
        assert not is_awaitable(resolved), "strawberry resolves the list at once"
        found = iter(resolved)
        return [p if p is not None else next(found) for p in problems]

    field.resolve = resolver
