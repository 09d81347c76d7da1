"""A token's scope: the regions and teams whose incidents it may see and touch.

An unscoped token sees everything. A token scoped to regions sees incidents
owned in those regions; scoped to teams, incidents owned by those teams; scoped
to both, an incident matching either. An alert-opened incident also counts as
belonging to every team its alert was routed to, and to those teams' regions:
they hear its events, so they may read and act on it too. An incident outside
the scope is answered as missing (NOT_FOUND). Directory data (regions, teams,
services) and knowledge are shared by everyone and are not scoped, with one
exception: an article linked to an incident (a postmortem drafted from its
timeline) is part of that incident's record and is seen only by tokens that may
see the incident.
"""

from __future__ import annotations

from dataclasses import replace

from hub.auth.models import Principal
from hub.errors import Forbidden, NotFound
from hub.events.models import Event
from hub.handoffs.models import Handoff
from hub.incidents.models import Incident
from hub.incidents.service import IncidentFilter
from hub.teams.models import Team


def allows(principal: Principal, *, region_id: str, team_id: str) -> bool:
    if not principal.scoped:
        return True
    return region_id in principal.region_ids or team_id in principal.team_ids


def allows_incident(principal: Principal, incident: Incident) -> bool:
    # The same teams and regions its events reach (see allows_event), so a
    # team an alert was routed to can open the incident it was paged for.
    if not principal.scoped:
        return True
    in_region = any(r in principal.region_ids for r in incident.reader_region_ids)
    return in_region or any(t in principal.team_ids for t in incident.reader_team_ids)


def check_incident(principal: Principal, incident: Incident) -> None:
    """Refuse an incident outside the scope as if it did not exist.

    NOT_FOUND rather than FORBIDDEN, in the words used for a missing id, so
    the answer does not confirm that the incident exists.
    """
    if not allows_incident(principal, incident):
        raise NotFound(f"no incident with id {incident.id!r}", id=incident.id)


def check_team(principal: Principal, team: Team) -> None:
    if not allows(principal, region_id=team.region_id, team_id=team.id):
        raise Forbidden(f"team {team.slug!r} is outside this token's scope", id=team.id)


def allows_handoff(principal: Principal, handoff: Handoff) -> bool:
    """A handoff is seen from both sides: the sending and the receiving one."""
    sending = allows(principal, region_id=handoff.from_region_id, team_id=handoff.from_team_id)
    return sending or receives(principal, handoff)


def receives(principal: Principal, handoff: Handoff) -> bool:
    """Whether the principal's scope covers the side a handoff is offered to."""
    return allows(principal, region_id=handoff.to_region_id, team_id=handoff.to_team_id)


def check_handoff(principal: Principal, handoff: Handoff) -> None:
    if not allows_handoff(principal, handoff):
        raise Forbidden(f"handoff {handoff.id} is outside this token's scope", id=handoff.id)


def check_receiving(principal: Principal, handoff: Handoff) -> None:
    """Only the receiving side answers a handoff."""
    if not receives(principal, handoff):
        raise Forbidden(
            f"handoff {handoff.id} is offered outside this token's scope; "
            "only its receiving region or team answers it",
            id=handoff.id,
        )


def allows_event(principal: Principal, event: Event) -> bool:
    if not principal.scoped:
        return True
    in_region = any(r in principal.region_ids for r in event.region_ids)
    return in_region or any(t in principal.team_ids for t in event.team_ids)


def check_subscription(principal: Principal, *, region_id: str | None, team: Team | None) -> None:
    """Refuse a subscription to a region or team wholly outside the scope."""
    if not principal.scoped:
        return
    outside = principal.region_ids and region_id not in principal.region_ids
    if region_id is not None and outside and not principal.team_ids:
        raise Forbidden("this region is outside this token's scope", region=region_id)
    if team is not None:
        check_team(principal, team)


def narrow(principal: Principal, flt: IncidentFilter) -> IncidentFilter:
    """``flt`` limited to what the principal may see."""
    if not principal.scoped:
        return flt
    return replace(
        flt,
        scope_region_ids=tuple(principal.region_ids),
        scope_team_ids=tuple(principal.team_ids),
    )
