"""DataLoaders, built fresh for each request: one ``$in`` query per batch."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from hub.core import Hub
from hub.events.models import Event
from hub.incidents.models import Incident
from hub.teams.models import Region, Service, Team


class Loaders:
    def __init__(self, hub: Hub) -> None:
        self.team: DataLoader[str, Team | None] = DataLoader(hub.teams.teams.get_many)
        self.region: DataLoader[str, Region | None] = DataLoader(hub.teams.regions.get_many)
        self.service: DataLoader[str, Service | None] = DataLoader(hub.teams.services.get_many)
        self.incident: DataLoader[str, Incident | None] = DataLoader(hub.incidents.get_many)

        async def timelines(ids: Sequence[str]) -> list[list[Event]]:
            grouped = await hub.events.for_incidents(ids)
            return [grouped[i] for i in ids]

        self.timeline: DataLoader[str, list[Event]] = DataLoader(timelines)

        async def team_services(team_ids: Sequence[str]) -> list[list[Service]]:
            found = await hub.teams.services.find({"team_id": {"$in": list(team_ids)}})
            return [[s for s in found if s.team_id == t] for t in team_ids]

        self.team_services: DataLoader[str, list[Service]] = DataLoader(team_services)
