"""Handoff events: self-describing, on both regions' timelines.

Every step of a handoff is recorded once per incident it covers, with the
incident's id, so the incident's own timeline tells its whole story; and with
both regions and both teams, so the sending and the receiving region hear of
it alike. The data names both sides by id and by name (team slugs), so a
reader of the log (a postmortem, an export) needs no other lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.events.models import Event
from hub.handoffs.models import Handoff
from hub.incidents.drills import drill_marked
from hub.incidents.models import Incident
from hub.teams.models import Region, Team
from hub.teams.service import TeamService

# The actor the hub writes as when it acts on its own (shift ends, deadlines).
HUB_ACTOR = "hub"


@dataclass(frozen=True)
class Parties:
    """Both sides of a handoff, loaded once to describe it."""

    from_team: Team
    from_region: Region
    to_team: Team
    to_region: Region

    def describe(self) -> dict[str, Any]:
        return {
            "from_region_id": self.from_region.id,
            "from_region": self.from_region.name,
            "from_team_id": self.from_team.id,
            "from_team": self.from_team.slug,
            "to_region_id": self.to_region.id,
            "to_region": self.to_region.name,
            "to_team_id": self.to_team.id,
            "to_team": self.to_team.slug,
        }

    @property
    def leads(self) -> list[str]:
        """Handles of the receiving team's leads, who answer for a missed handoff."""
        return [m.handle for m in self.to_team.members if m.is_lead]


async def load_parties(teams: TeamService, *, from_team_id: str, to_team_id: str) -> Parties:
    from_team = await teams.teams.get(from_team_id)
    to_team = await teams.teams.get(to_team_id)
    regions = await teams.regions.get_many([from_team.region_id, to_team.region_id])
    from_region, to_region = regions
    assert from_region is not None and to_region is not None, "a team's region exists"
    return Parties(from_team, from_region, to_team, to_region)


def handoff_event(
    kind: str,
    handoff: Handoff,
    parties: Parties,
    incident: Incident,
    *,
    actor: str,
    at: datetime,
    **data: Any,
) -> Event:
    return Event(
        type=kind,
        occurred_at=at,
        actor=actor,
        incident_id=incident.id,
        region_ids=handoff.region_ids,
        team_ids=handoff.team_ids,
        # A drill's handoff says so, like every other event of a drill.
        data=drill_marked(
            incident,
            {
                "ref": incident.ref,
                "handoff_id": handoff.id,
                "automatic": handoff.automatic,
                "incident_ids": handoff.incident_ids,
                **parties.describe(),
                **data,
            },
        ),
    )


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
