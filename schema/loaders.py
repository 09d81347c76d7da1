"""DataLoaders, built fresh for each request: one ``$in`` query per batch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from strawberry.dataloader import DataLoader

from hub.core import Hub
from hub.events.models import Event
from hub.incidents.models import Incident
from hub.knowledge.models import ArticleRevision, KnowledgeArticle, Suggestion
from hub.teams.models import Region, Service, Team

# Suggestions are ranked once per incident; each field takes its first N.
MAX_SUGGESTIONS = 20


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

        self.article: DataLoader[str, KnowledgeArticle | None] = DataLoader(
            hub.knowledge.get_many
        )

        async def revisions(ids: Sequence[str]) -> list[list[ArticleRevision]]:
            found = await hub.knowledge.get_many(ids)
            stored = [a for a in found if a is not None]
            known: Iterator[list[ArticleRevision]] = iter(
                await hub.knowledge.revisions.for_articles(stored)
            )
            return [next(known) if a else [] for a in found]

        self.revisions: DataLoader[str, list[ArticleRevision]] = DataLoader(revisions)

        async def postmortems(ids: Sequence[str]) -> list[KnowledgeArticle | None]:
            found = await hub.knowledge.postmortems_of(ids)
            return [found.get(i) for i in ids]

        self.postmortem: DataLoader[str, KnowledgeArticle | None] = DataLoader(postmortems)

        async def suggestions(ids: Sequence[str]) -> list[list[Suggestion]]:
            return await hub.suggestions.for_incident_ids(ids, limit=MAX_SUGGESTIONS)

        self.suggestions: DataLoader[str, list[Suggestion]] = DataLoader(suggestions)
