"""Access control for every operation, checked before any resolver runs.

One extension applies the role table of :mod:`hub.auth.roles` to each root
field, checks a scoped token's targets, and writes one audit entry per
mutation field once the operation is over. A refused field refuses the whole
operation, so a document never half-runs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from hub.auth import roles, scopes
from hub.auth.audit import AuditRecord
from hub.auth.models import Principal
from hub.auth.roles import Rule, Target
from hub.errors import HubError, Unauthenticated
from hub.storage.ids import is_valid
from schema.context import Context
from schema.errors import code_of, refuse

log = logging.getLogger(__name__)

Root = tuple[str, FieldNode]


def root_fields(ec: ExecutionContext) -> list[Root]:
    """The selected operation's root fields as (response key, node), fragments followed."""
    document = ec.graphql_document
    operation = get_operation_ast(document, ec.operation_name) if document else None
    if document is None or operation is None:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found: dict[str, FieldNode] = {}

    def visit(node: SelectionSetNode, seen: frozenset[str]) -> None:
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                found.setdefault((sel.alias or sel.name).value, sel)
            elif isinstance(sel, InlineFragmentNode):
                visit(sel.selection_set, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                frag = fragments.get(sel.name.value)
                if frag is not None:
                    visit(frag.selection_set, seen | {sel.name.value})

    visit(operation.selection_set, frozenset())
    return list(found.items())


def arguments(ec: ExecutionContext, node: FieldNode) -> dict[str, Any]:
    """A root field's arguments as the client wrote them, variables filled in."""
    variables = ec.variables or {}
    return {
        arg.name.value: value_from_ast_untyped(arg.value, variables)
        for arg in node.arguments or ()
    }


def target_id(args: Mapping[str, Any], target: Target) -> str | None:
    names = {
        Target.INCIDENT: ("id", "incidentId", "incident_id"),
        Target.TEAM: ("teamId", "team_id"),
        Target.HANDOFF: ("id",),
    }.get(target, ())
    sources = [args, *(v for v in args.values() if isinstance(v, Mapping))]
    for source in sources:
        for name in names:
            value = source.get(name)
            if isinstance(value, str):
                return value
    return None


class AccessControl(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context: Context = ec.context
        fields = root_fields(ec)
        refusals: dict[str, HubError] = {}
        if ec.result is None:
            refusals = await self._refusals(ec, context, fields)
            if refusals:
                refuse(ec, [_error(key, fields, exc) for key, exc in refusals.items()])
        yield
        if ec.operation_type is OperationType.MUTATION and context.authenticated:
            await self._audit(ec, context, fields, refusals)

    async def _refusals(
        self, ec: ExecutionContext, context: Context, fields: list[Root]
    ) -> dict[str, HubError]:
        if not context.authenticated:
            return {"": Unauthenticated(context.auth_error or "this request carries no API token")}
        principal = context.principal
        refusals: dict[str, HubError] = {}
        for key, node in fields:
            name = node.name.value
            try:
                if ec.operation_type is OperationType.MUTATION:
                    rule = roles.mutation_rule(name)
                    roles.check_role(principal, name, rule)
                    roles.check_targeted(principal, name, rule)
                    await _check_target(context, principal, rule, arguments(ec, node))
                elif ec.operation_type is OperationType.QUERY and not name.startswith("__"):
                    rule = roles.query_rule(name)
                    roles.check_role(principal, name, rule)
                    await _check_target(context, principal, rule, arguments(ec, node))
            except HubError as exc:
                refusals[key] = exc
        return refusals

    async def _audit(
        self,
        ec: ExecutionContext,
        context: Context,
        fields: list[Root],
        refusals: Mapping[str, HubError],
    ) -> None:
        errors = list(getattr(ec.result, "errors", None) or [])
        principal = context.principal
        records = []
        for key, node in fields:
            args = arguments(ec, node)
            target = target_id(args, Target.INCIDENT) or target_id(args, Target.TEAM)
            records.append(
                AuditRecord(
                    actor=principal.actor,
                    role=principal.role.value,
                    token_id=principal.token_id,
                    operation=node.name.value,
                    outcome=_outcome(key, errors, refusals),
                    target_ids=[target] if target else [],
                    request_id=context.request_id,
                )
            )
        try:
            await context.hub.audit.record(records)
        except Exception:
            log.exception("event=audit.write_failed request_id=%s", context.request_id)


def listed_ids(args: Mapping[str, Any], name: str) -> list[str]:
    """Well-formed ids in the list argument ``name`` (or ``input.<name>``)."""
    sources = [args, *(v for v in args.values() if isinstance(v, Mapping))]
    for source in sources:
        value = source.get(name)
        if isinstance(value, list):
            return [v for v in value if is_valid(v)]
    return []


async def _check_target(
    context: Context, principal: Principal, rule: Rule, args: Mapping[str, Any]
) -> None:
    if not principal.scoped or rule.target is Target.NONE:
        return
    if rule.target is Target.INCIDENTS:
        found = await context.loaders.incident.load_many(listed_ids(args, "incidentIds"))
        for incident in found:
            if incident is not None:
                scopes.check_incident(principal, incident)
        return
    ident = target_id(args, rule.target)
    if ident is None or not is_valid(ident):
        return  # the resolver answers for a missing or malformed id
    if rule.target is Target.INCIDENT:
        incident = await context.loaders.incident.load(ident)
        if incident is not None:
            scopes.check_incident(principal, incident)
    elif rule.target is Target.TEAM:
        team = await context.loaders.team.load(ident)
        if team is not None:
            scopes.check_team(principal, team)
    elif rule.target is Target.HANDOFF:
        [handoff] = await context.hub.handoffs.handoffs.get_many([ident])
        if handoff is not None:
            scopes.check_receiving(principal, handoff)


def _error(key: str, fields: list[Root], exc: HubError) -> GraphQLError:
    node = dict(fields).get(key)
    return GraphQLError(
        exc.message,
        nodes=[node] if node is not None else None,
        path=[key] if node is not None else None,
        original_error=exc,
    )


def _outcome(key: str, errors: list[GraphQLError], refusals: Mapping[str, HubError]) -> str:
    if key in refusals:
        return refusals[key].code
    own = [e for e in errors if not e.path or e.path[0] == key]
    if own:
        return code_of(own[0])
    return "NOT_RUN" if refusals else "OK"
