"""Which role may run which operation, and what each operation acts on.

One table for the whole API, checked before any resolver runs. A mutation that
is missing from the table is refused to every role but ``admin``, so a new
mutation is safe until someone decides who else may run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.auth.models import Principal, Role
from hub.errors import Forbidden

EVERYONE = frozenset(Role)
ADMIN_ONLY = frozenset({Role.ADMIN})
RESPONDERS = frozenset({Role.RESPONDER, Role.ADMIN})
INCIDENT_WRITERS = frozenset({Role.RESPONDER, Role.AUTOMATION, Role.ADMIN})


class Target(StrEnum):
    """What an operation's arguments point at, for checking a token's scope."""

    NONE = "none"  # nothing scoped: a scoped token may not run it
    INCIDENT = "incident"  # the argument ``id`` or ``incidentId`` is an incident
    TEAM = "team"  # the argument ``teamId`` (or ``input.teamId``) is a team
    # ``input.incidentIds`` are incidents, all on the side a handoff leaves.
    INCIDENTS = "incidents"
    # The argument ``id`` is a handoff, answered by its receiving side.
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    target: Target = Target.NONE


MUTATIONS: dict[str, Rule] = {
    "declareIncident": Rule(INCIDENT_WRITERS, Target.TEAM),
    "acknowledgeIncident": Rule(INCIDENT_WRITERS, Target.INCIDENT),
    "changeIncidentStatus": Rule(INCIDENT_WRITERS, Target.INCIDENT),
    "addIncidentNote": Rule(INCIDENT_WRITERS, Target.INCIDENT),
    "reclassifyIncident": Rule(INCIDENT_WRITERS, Target.INCIDENT),
    "assignResponder": Rule(RESPONDERS, Target.INCIDENT),
    "createKnowledgeArticle": Rule(RESPONDERS),
    "updateKnowledgeArticle": Rule(RESPONDERS),
    "createRegion": Rule(ADMIN_ONLY),
    "createTeam": Rule(ADMIN_ONLY),
    "updateTeam": Rule(ADMIN_ONLY),
    "createService": Rule(ADMIN_ONLY),
    "updateService": Rule(ADMIN_ONLY),
    "createEscalationPolicy": Rule(ADMIN_ONLY),
    "updateEscalationPolicy": Rule(ADMIN_ONLY),
    # People only: a manual step pages past the policy's own conditions, and
    # automation already shapes escalation through the severity it declares.
    "escalateIncident": Rule(RESPONDERS, Target.INCIDENT),
    "proposeHandoff": Rule(RESPONDERS, Target.INCIDENTS),
    "acceptHandoff": Rule(RESPONDERS, Target.HANDOFF),
    "rejectHandoff": Rule(RESPONDERS, Target.HANDOFF),
    "postStatusUpdate": Rule(INCIDENT_WRITERS, Target.INCIDENT),
    "checkProtocolItem": Rule(RESPONDERS, Target.INCIDENT),
    "addFollowUp": Rule(RESPONDERS, Target.INCIDENT),
    "updateFollowUp": Rule(RESPONDERS),
    "recordImpact": Rule(INCIDENT_WRITERS),
    "endImpact": Rule(INCIDENT_WRITERS),
    "importKnowledgeArticles": Rule(frozenset({Role.AUTOMATION, Role.ADMIN})),
    "createApiToken": Rule(ADMIN_ONLY),
    "revokeApiToken": Rule(ADMIN_ONLY),
}

# Reads are open to every role unless listed here. A read about one incident
# names it as its target, so a scoped token reads only incidents in its scope.
QUERIES: dict[str, Rule] = {
    "apiTokens": Rule(ADMIN_ONLY),
    "auditLog": Rule(ADMIN_ONLY),
    "incidentEscalation": Rule(EVERYONE, Target.INCIDENT),
    "escalationPreview": Rule(EVERYONE, Target.INCIDENT),
    "notifications": Rule(EVERYONE, Target.INCIDENT),
}

DEFAULT_MUTATION = Rule(ADMIN_ONLY)
DEFAULT_QUERY = Rule(EVERYONE)


def mutation_rule(name: str) -> Rule:
    return MUTATIONS.get(name, DEFAULT_MUTATION)


def query_rule(name: str) -> Rule:
    return QUERIES.get(name, DEFAULT_QUERY)


def check_role(principal: Principal, operation: str, rule: Rule) -> None:
    if principal.role not in rule.roles:
        allowed = ", ".join(sorted(r.value for r in rule.roles))
        raise Forbidden(
            f"{operation} needs one of the roles {allowed}; "
            f"this token's role is {principal.role.value}",
            operation=operation,
        )


def check_targeted(principal: Principal, operation: str, rule: Rule) -> None:
    """A scoped token may only write where its scope can be checked."""
    if principal.scoped and rule.target is Target.NONE:
        raise Forbidden(
            f"{operation} acts outside any one region or team, "
            "so a token scoped to some of them may not run it",
            operation=operation,
        )
