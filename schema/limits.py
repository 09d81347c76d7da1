"""Limits on what one operation may ask for, checked before anything runs.

Depth, aliases, page size and cost are measured in one walk of the selected
operation, following fragments. Cost counts every field once per item the
lists above it can return: a connection returns its page size (``first`` or
``last``, else the default), any other list is guessed at ``LIST_GUESS``
items. Introspection fields are not measured; switch introspection off by
setting instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from hub.errors import BadInput
from hub.settings import Settings
from hub.storage.pages import DEFAULT_PAGE
from schema.errors import refuse

LIST_GUESS = 10
# Tokens a document may hold before the parser stops: far above any real
# operation, and low enough that a hostile one costs milliseconds, not seconds.
MAX_TOKENS = 20_000


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000
    max_page_size: int = 100

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_query_aliases,
            max_cost=settings.max_query_cost,
            max_page_size=settings.max_page_size,
        )


@dataclass
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    page_size: int = 0
    # The smallest page size asked for: a negative one would make a cost
    # negative and pay for expensive fields elsewhere in the operation.
    least_page_size: int = 0


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, ValueNode],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults
        self.measure = Measure()

    def selections(
        self,
        parent: GraphQLNamedType | None,
        node: SelectionSetNode,
        depth: int,
        times: int,
        seen: frozenset[str] = frozenset(),
    ) -> None:
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                self.field(parent, sel, depth + 1, times, seen)
            elif isinstance(sel, InlineFragmentNode):
                kind = self._type(sel.type_condition.name.value) if sel.type_condition else parent
                self.selections(kind, sel.selection_set, depth, times, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                frag = self.fragments.get(sel.name.value)
                if frag is not None:
                    kind = self._type(frag.type_condition.name.value)
                    self.selections(
                        kind, frag.selection_set, depth, times, seen | {sel.name.value}
                    )

    def field(
        self,
        parent: GraphQLNamedType | None,
        node: FieldNode,
        depth: int,
        times: int,
        seen: frozenset[str],
    ) -> None:
        if node.name.value.startswith("__"):
            return
        m = self.measure
        m.aliases += node.alias is not None
        m.depth = max(m.depth, depth)
        m.cost += times
        size = self._page_size(node)
        m.page_size = max(m.page_size, size or 0)
        m.least_page_size = min(m.least_page_size, size or 0)
        field_type = _field_type(parent, node.name.value)
        named, is_list = _unwrap(field_type)
        in_connection = parent is not None and parent.name.endswith("Connection")
        if named is not None and named.name.endswith("Connection"):
            times *= size if size is not None else DEFAULT_PAGE
        elif is_list and not in_connection:
            times *= LIST_GUESS
        if node.selection_set is not None:
            self.selections(named, node.selection_set, depth, times, seen)

    def _page_size(self, node: FieldNode) -> int | None:
        sizes = []
        for arg in node.arguments or ():
            if arg.name.value not in ("first", "last"):
                continue
            value: Any = None
            if isinstance(arg.value, IntValueNode):
                value = int(arg.value.value)
            elif isinstance(arg.value, VariableNode):
                value = self._variable(arg.value.name.value)
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(value)
        if not sizes:
            return None
        return min(sizes) if min(sizes) < 0 else max(sizes)

    def _variable(self, name: str) -> Any:
        """The variable's value as execution will see it: sent, else its default."""
        if name in self.variables:
            return self.variables[name]
        default = self.defaults.get(name)
        return value_from_ast_untyped(default) if default is not None else None

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


def _field_type(parent: GraphQLNamedType | None, name: str) -> Any:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found = parent.fields.get(name)
        return found.type if found is not None else None
    return None


def _unwrap(kind: Any) -> tuple[GraphQLNamedType | None, bool]:
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, is_list


def measure(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Measure:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Measure()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    defaults = {
        d.variable.name.value: d.default_value
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    walk = _Walk(schema, fragments, variables or {}, defaults)
    root = schema.get_root_type(operation.operation)
    walk.selections(root, operation.selection_set, 0, 1)
    return walk.measure


def over_limit(m: Measure, limits: Limits) -> BadInput | None:
    if m.least_page_size < 0:
        return BadInput(
            f"operation refused: a page size (first/last) of {m.least_page_size} is negative",
            limit="minPageSize",
            min=0,
            actual=m.least_page_size,
        )
    checks = [
        ("maxPageSize", m.page_size, limits.max_page_size, "a page size (first/last) of"),
        ("maxQueryDepth", m.depth, limits.max_depth, "a depth of"),
        ("maxQueryAliases", m.aliases, limits.max_aliases, "an alias count of"),
        ("maxQueryCost", m.cost, limits.max_cost, "an estimated cost of"),
    ]
    for name, actual, allowed, what in checks:
        if actual > allowed:
            return BadInput(
                f"operation refused: {what} {actual} is over the {name} limit of {allowed}",
                limit=name,
                max=allowed,
                actual=actual,
            )
    return None


class QueryLimits(SchemaExtension):
    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None and ec.result is None:
            m = measure(ec.schema._schema, ec.graphql_document, ec.operation_name, ec.variables)
            refusal = over_limit(m, self.limits)
            if refusal is not None:
                refuse(ec, [GraphQLError(refusal.message, original_error=refusal)])
        yield
