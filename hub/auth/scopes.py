"""A token's scope: the regions and teams whose incidents it may see and touch.

An unscoped token sees everything. A token scoped to regions sees incidents
owned in those regions; scoped to teams, incidents owned by those teams; scoped
to both, an incident matching either. An alert-opened incident also counts as
belonging to every team its alert was routed to, and to those teams' regions:
they hear its events, so they may read and act on it too. Directory data (regions, teams, services,
knowledge) is shared by everyone and is not scoped.
"""

from __future__ import annotations

from dataclasses import replace

from hub.auth.models import Principal
from hub.errors import Forbidden
from hub.events.models import Event
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
    if not allows_incident(principal, incident):
        raise Forbidden(f"{incident.ref} is outside this token's scope", id=incident.id)


def check_team(principal: Principal, team: Team) -> None:
    if not allows(principal, region_id=team.region_id, team_id=team.id):
        raise Forbidden(f"team {team.slug!r} is outside this token's scope", id=team.id)


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
