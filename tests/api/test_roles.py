"""The role x mutation matrix, over every mutation the schema has.

Arguments are generated from each mutation's signature, so a mutation added
later is covered without touching this file: one missing from the role table
must be refused to everyone but admins.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    is_leaf_type,
)

from hub.auth import roles
from hub.auth.models import Role
from hub.core import Hub
from hub.demo import DemoData
from schema.app_schema import build_schema
from tests.conftest import bearer

SCHEMA = build_schema()._schema
MUTATIONS = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
SCALARS = {
    "ID": "0123456789abcdef01234567",
    "String": "sample",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2030-01-01T00:00:00+00:00",
    "Date": "2030-01-01",
    "JSON": {},
}
RESOLVER_CODES = {"NOT_FOUND", "BAD_USER_INPUT", "INVALID_TRANSITION", "CONFLICT"}


def sample(kind: Any) -> Any:
    """A value of ``kind`` that passes GraphQL coercion, with required fields only."""
    if isinstance(kind, GraphQLNonNull):
        return sample(kind.of_type)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is None
        }
    assert isinstance(kind, GraphQLScalarType), kind
    return SCALARS.get(kind.name, "sample")


def document(name: str) -> tuple[str, dict[str, Any]]:
    field = SCHEMA.mutation_type.fields[name]  # type: ignore[union-attr]
    required = {
        arg_name: arg
        for arg_name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull)
    }
    params = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    args = ", ".join(f"{a}: ${a}" for a in required)
    selection = "" if is_leaf_type(get_named_type(field.type)) else "{ __typename }"
    head = f"mutation({params})" if params else "mutation"
    call = f"{name}({args})" if args else name
    query = f"{head} {{ {call} {selection} }}"
    return query, {a: sample(arg.type) for a, arg in required.items()}


@pytest.fixture
async def tokens(hub: Hub) -> dict[Role, dict[str, str]]:
    return {role: await bearer(hub, f"matrix-{role.value}", role.value) for role in Role}


def test_the_role_table_names_only_mutations_that_exist() -> None:
    assert set(roles.MUTATIONS) <= set(MUTATIONS)
    assert roles.mutation_rule("aMutationNobodyListed").roles == {Role.ADMIN}


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_each_mutation_is_refused_to_roles_without_it_and_allowed_to_roles_with_it(
    api: httpx.AsyncClient,
    demo: DemoData,
    tokens: dict[Role, dict[str, str]],
    mutation: str,
) -> None:
    query, variables = document(mutation)
    allowed = roles.mutation_rule(mutation).roles
    # Every mutation writes: admins may run it, read-only viewers may not.
    assert Role.ADMIN in allowed and Role.VIEWER not in allowed

    for role in Role:
        response = await api.post(
            "/graphql", json={"query": query, "variables": variables}, headers=tokens[role]
        )
        body = response.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        if role in allowed:
            # Past the permission check, the resolver ran and judged the
            # sample arguments: a domain answer, never a refusal or a crash.
            assert set(codes) <= RESOLVER_CODES, (role, body)
        else:
            assert codes == ["FORBIDDEN"], (role, body)
            assert response.status_code == 200
            assert "data" not in body, "refused before anything ran"
