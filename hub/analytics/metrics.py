"""Incident metrics: counts, MTTA, MTTR and handoffs, by region, team or severity.

An incident counts in the period it was declared in, under the team and
region that owned it at declaration (the ones whose response is measured);
drills never count. MTTA runs from TRIGGERED to the acknowledgement, and MTTR
from TRIGGERED to the first time the incident entered RESOLVED; each is a mean
over the incidents that got there. The acknowledgement is the first move out
of TRIGGERED made by a person: ACKNOWLEDGED, or any later status set straight
away (an engineer who goes to INVESTIGATING, or resolves outright, has
acknowledged). A move made by an alert source or by the hub itself (every
alert of the group resolved) acknowledges nothing, except ACKNOWLEDGED, which
an alert source sends only when someone acknowledged in the paging tool.
Handoffs come from the event log (see :mod:`hub.analytics.handoffs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.analytics.handoffs import ACCEPTED, PROPOSED, Handoffs, handoffs_by_incident
from hub.analytics.periods import Period, period, zone_for
from hub.events.log import EventLog
from hub.incidents.models import Incident, Status
from hub.incidents.service import IncidentFilter, IncidentService
from hub.teams.service import TeamService


class GroupBy(StrEnum):
    REGION = "REGION"
    TEAM = "TEAM"
    SEVERITY = "SEVERITY"


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Bucket:
    key: str
    label: str
    count: int = 0
    ack_seconds: list[float] = field(default_factory=list)
    resolve_seconds: list[float] = field(default_factory=list)
    handoffs: int = 0
    acceptance_seconds: list[float] = field(default_factory=list)

    @property
    def mtta_seconds(self) -> float | None:
        return _mean(self.ack_seconds)

    @property
    def mttr_seconds(self) -> float | None:
        return _mean(self.resolve_seconds)

    @property
    def handoff_acceptance_seconds(self) -> float | None:
        return _mean(self.acceptance_seconds)

    def add(self, incident: Incident, handoffs: Handoffs) -> None:
        self.count += 1
        times = incident.status_times
        start = times.get(Status.TRIGGERED, incident.created_at)
        acked = acknowledged_at(incident)
        if acked is not None:
            self.ack_seconds.append((acked - start).total_seconds())
        if Status.RESOLVED in times:
            self.resolve_seconds.append((times[Status.RESOLVED] - start).total_seconds())
        self.handoffs += handoffs.proposed
        self.acceptance_seconds.extend(handoffs.delays)


# Actors that move incidents without anyone deciding to: the hub's own
# (shift ends, deadlines, escalation) and alert sources ("alert:<source>").
MACHINE_ACTORS = frozenset({"hub", "escalation"})
ALERT_ACTOR_PREFIX = "alert:"


def _by_person(actor: str) -> bool:
    return actor not in MACHINE_ACTORS and not actor.startswith(ALERT_ACTOR_PREFIX)


def acknowledged_at(incident: Incident) -> datetime | None:
    """When a person first moved the incident out of TRIGGERED, if anyone did."""
    for step in incident.status_history:
        if step.status is Status.TRIGGERED:
            continue
        if step.status is Status.ACKNOWLEDGED or _by_person(step.actor):
            return step.at
    if incident.status_history:
        return None
    # Stored before status history was kept: who moved it is unknown.
    later = [at for status, at in incident.status_times.items() if status is not Status.TRIGGERED]
    return min(later, default=None)


@dataclass(frozen=True)
class MetricsReport:
    period: Period
    group_by: GroupBy
    total: Bucket
    groups: list[Bucket]
    days: list[Bucket]


class IncidentMetrics:
    def __init__(self, incidents: IncidentService, events: EventLog, teams: TeamService) -> None:
        self._incidents = incidents
        self._events = events
        self._teams = teams

    async def report_for(
        self,
        *,
        start: datetime,
        end: datetime,
        group_by: GroupBy,
        time_zone: str | None = None,
        team_id: str | None = None,
        within: IncidentFilter | None = None,
    ) -> MetricsReport:
        """A report in the zone named, else the asking team's, else UTC.

        ``within`` limits the incidents measured (a token's scope): a report
        never counts an incident its reader could not list.
        """
        zone = await zone_for(self._teams, time_zone, team_id)
        return await self.report(period(start, end, zone), group_by, within)

    async def report(
        self, period: Period, group_by: GroupBy, within: IncidentFilter | None = None
    ) -> MetricsReport:
        query: dict[str, Any] = {
            **(within.to_query() if within else {}),
            "created_at": {"$gte": period.start, "$lt": period.end},
            "exercise": {"$ne": True},
        }
        # Whole incidents come back and are folded here: fine for the thousands
        # a period holds today, but memory grows with the period. A $group
        # pipeline on a real server would fold them where they are stored.
        incidents = await self._incidents.repo.find(query, sort=[("created_at", 1)])
        handoffs = await self._handoffs([i.id for i in incidents])
        key_of = _keys[group_by]
        labels = await self._labels(group_by, {key_of(i) for i in incidents})
        total = Bucket("all", "All incidents")
        groups = {k: Bucket(k, labels.get(k, k)) for k in sorted(labels, key=lambda k: labels[k])}
        days = {
            d.isoformat(): Bucket(d.isoformat(), d.strftime("%a %d %b %Y")) for d in period.days()
        }
        for incident in incidents:
            found = handoffs.get(incident.id, Handoffs())
            day = period.local_date(incident.created_at).isoformat()
            for bucket in (total, groups[key_of(incident)], days[day]):
                bucket.add(incident, found)
        return MetricsReport(period, group_by, total, list(groups.values()), list(days.values()))

    async def _handoffs(self, incident_ids: list[str]) -> dict[str, Handoffs]:
        if not incident_ids:
            return {}
        query = {"incident_id": {"$in": incident_ids}, "type": {"$in": [PROPOSED, ACCEPTED]}}
        return handoffs_by_incident(await self._events.read(after=0, query=query))

    async def _labels(self, group_by: GroupBy, keys: set[str]) -> dict[str, str]:
        ordered = sorted(keys)
        if group_by is GroupBy.REGION:
            regions = await self._teams.regions.get_many(ordered)
            return {k: r.name if r else k for k, r in zip(ordered, regions, strict=True)}
        if group_by is GroupBy.TEAM:
            teams = await self._teams.teams.get_many(ordered)
            return {k: t.name if t else k for k, t in zip(ordered, teams, strict=True)}
        return {k: k for k in ordered}


def _declared_region(incident: Incident) -> str:
    return incident.ownership[0].region_id if incident.ownership else incident.region_id


def _declared_team(incident: Incident) -> str:
    return incident.ownership[0].team_id if incident.ownership else incident.team_id


_keys: dict[GroupBy, Callable[[Incident], str]] = {
    GroupBy.REGION: _declared_region,
    GroupBy.TEAM: _declared_team,
    GroupBy.SEVERITY: lambda i: i.severity.value,
}
