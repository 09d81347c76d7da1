"""Who a target means at one instant: members, each with their local time.

The :class:`Directory` is a snapshot of regions and teams, loaded once per step
(both are small, and a step must see one consistent world).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.errors import BadInput
from hub.escalation.conditions import Person
from hub.escalation.models import Target, TargetKind
from hub.handoffs.rotation import on_duty
from hub.incidents.models import Incident
from hub.teams.hours import is_working
from hub.teams.models import Member, Region, Team
from hub.teams.service import TeamService


@dataclass(frozen=True)
class Directory:
    regions: dict[str, Region]
    teams: dict[str, Team]

    @classmethod
    async def load(cls, teams: TeamService) -> Directory:
        regions = await teams.list_regions()
        found = await teams.list_teams()
        return cls({r.id: r for r in regions}, {t.id: t for t in found})

    def person(self, team: Team, member: Member, at: datetime) -> Person:
        region = self.regions.get(team.region_id)
        windows = region.working_hours if region else []
        local = at.astimezone(ZoneInfo(member.time_zone))
        return Person(
            handle=member.handle,
            team_id=team.id,
            time_zone=member.time_zone,
            working=is_working(member.time_zone, windows, at),
            local_time=f"{local:%a %H:%M} {member.time_zone}",
        )

    def team_people(self, team: Team, at: datetime) -> list[Person]:
        return [self.person(team, m, at) for m in team.members]

    def by_handle(self, handle: str, at: datetime) -> list[Person]:
        for team in self.teams.values():
            for member in team.members:
                if member.handle == handle:
                    return [self.person(team, member, at)]
        return []

    def on_duty_teams(self, incident_team: Team | None, at: datetime) -> list[Team]:
        """Teams of the on-duty region; those sharing the incident team's policy first.

        Teams that share a policy form one follow-the-sun group, so the group's
        team in the on-duty region is the one to engage; a region with no team
        of the group gives all its teams.
        """
        if not self.regions:
            return []
        try:
            region = on_duty(list(self.regions.values()), at).region
        except BadInput:
            return []
        local = [t for t in self.teams.values() if t.region_id == region.id]
        policy = incident_team.escalation_policy_id if incident_team else None
        group = [t for t in local if policy and t.escalation_policy_id == policy]
        return group or local


def resolve(
    target: Target, directory: Directory, incident: Incident, at: datetime
) -> list[Person]:
    """The people ``target`` names for ``incident`` at ``at``, in a stable order."""
    kind = target.kind
    own_team = directory.teams.get(incident.team_id)
    if kind is TargetKind.MEMBER:
        return directory.by_handle(target.value, at)
    if kind is TargetKind.TEAM:
        team = directory.teams.get(target.value)
        return directory.team_people(team, at) if team else []
    if kind is TargetKind.EXPERTISE:
        return [
            directory.person(team, m, at)
            for team in directory.teams.values()
            for m in team.members
            if target.value in m.expertise
        ]
    if kind is TargetKind.ROLE:
        return _role(target.value, directory, incident, at)
    teams = directory.on_duty_teams(own_team, at)
    if kind is TargetKind.ON_DUTY_TEAM:
        return [p for t in teams for p in directory.team_people(t, at)]
    leads = [(t, m) for t in teams for m in t.members if m.is_lead]
    return [directory.person(t, m, at) for t, m in leads]


def _role(role: str, directory: Directory, incident: Incident, at: datetime) -> list[Person]:
    handles = [r.handle for r in incident.responders if r.role == role]
    if role == "commander" and incident.commander:
        handles.insert(0, incident.commander)
    return [p for h in dict.fromkeys(handles) for p in directory.by_handle(h, at)]


def resolve_all(
    targets: Sequence[Target], directory: Directory, incident: Incident, at: datetime
) -> list[Person]:
    return unique(p for t in targets for p in resolve(t, directory, incident, at))


def unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.handle, person)
    return list(seen.values())
