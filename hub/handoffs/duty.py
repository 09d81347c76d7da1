"""Who is on duty, as people ask it: a region and the team that answers for it.

A region's on-duty team is its first team by name. The demo has one team
per region; a region with several would pick an explicit primary, but until
regions record one, name order is what keeps the answer the same on every
replica and every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.errors import BadInput
from hub.handoffs.rotation import OnDuty, Schedule, handoff_schedule, on_duty
from hub.teams.hours import check_instant, check_range
from hub.teams.models import Region, Team
from hub.teams.service import TeamService

# The longest preview one request may ask for; a quarter covers any planning
# horizon people use and keeps a request cheap.
MAX_RANGE = timedelta(days=92)


@dataclass(frozen=True)
class Duty:
    on_duty: OnDuty
    team: Team | None


class DutyService:
    def __init__(self, teams: TeamService) -> None:
        self._teams = teams

    async def regions(self) -> list[Region]:
        return await self._teams.list_regions()

    async def primary_team(self, region_id: str) -> Team | None:
        teams = await self._teams.list_teams(region_id=region_id)
        return teams[0] if teams else None

    async def on_duty(self, at: datetime) -> Duty:
        answer = on_duty(await self.regions(), at)
        return Duty(answer, await self.primary_team(answer.region.id))

    async def schedule(self, start: datetime, end: datetime) -> Schedule:
        check_instant(start, "from")
        check_instant(end, "to")
        check_range(start, end)
        if end - start > MAX_RANGE:
            raise BadInput(
                f"a handoff schedule covers at most {MAX_RANGE.days} days; "
                f"asked for {end - start}",
                argument="to",
            )
        return handoff_schedule(await self.regions(), start, end)
