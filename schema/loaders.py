"""DataLoaders, built fresh for each request: one ``$in`` query per batch.

Loading a malformed id fails that one key with :class:`BadInput`; the other
keys of the batch are unaffected, so a list of references with one bad id
resolves the rest.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from hub.core import Hub
from hub.errors import BadInput
from hub.escalation.models import EscalationPolicy
from hub.events.models import Event
from hub.knowledge.models import ArticleRevision, KnowledgeArticle, Suggestion
from hub.storage.ids import is_valid
from hub.teams.models import Member, Service

T = TypeVar("T")
Batch = Callable[[Sequence[str]], Awaitable[list[T | None]]]


def by_id(get_many: Batch[T], kind: str) -> DataLoader[str, T | None]:
    async def load(ids: Sequence[str]) -> list[T | BaseException | None]:
        found: list[T | BaseException | None] = list(await get_many(ids))
        for i, key in enumerate(ids):
            if not is_valid(key):
                found[i] = BadInput(f"{key!r} is not a valid {kind} id", argument="id")
        return found

    return DataLoader(load)


# Suggestions are ranked once per incident; each field takes its first N.
MAX_SUGGESTIONS = 20


class Loaders:
    def __init__(self, hub: Hub) -> None:
        self.team = by_id(hub.teams.teams.get_many, "team")
        self.region = by_id(hub.teams.regions.get_many, "region")
        self.service = by_id(hub.teams.services.get_many, "service")
        self.incident = by_id(hub.incidents.get_many, "incident")
        self.policy: DataLoader[str, EscalationPolicy | None] = by_id(
            hub.policies.repo.get_many, "escalation policy"
        )
        self.article: DataLoader[str, KnowledgeArticle | None] = by_id(
            hub.knowledge.get_many, "knowledge article"
        )
        self.timeline: DataLoader[str, list[Event]] = DataLoader(self._timelines(hub))
        self.team_services: DataLoader[str, list[Service]] = DataLoader(self._team_services(hub))
        self.member: DataLoader[str, Member | None] = DataLoader(self._members(hub))
        self.service_articles: DataLoader[str, list[KnowledgeArticle]] = DataLoader(
            self._service_articles(hub)
        )
        self.revisions: DataLoader[str, list[ArticleRevision]] = DataLoader(self._revisions(hub))
        self.postmortem: DataLoader[str, KnowledgeArticle | None] = DataLoader(
            self._postmortems(hub)
        )
        self.suggestions: DataLoader[str, list[Suggestion]] = DataLoader(self._suggestions(hub))

    @staticmethod
    def _timelines(hub: Hub) -> Callable[[Sequence[str]], Awaitable[list[list[Event]]]]:
        async def load(ids: Sequence[str]) -> list[list[Event]]:
            grouped = await hub.events.for_incidents(ids)
            return [grouped[i] for i in ids]

        return load

    @staticmethod
    def _team_services(hub: Hub) -> Callable[[Sequence[str]], Awaitable[list[list[Service]]]]:
        async def load(team_ids: Sequence[str]) -> list[list[Service]]:
            found = await hub.teams.services.find(
                {"team_id": {"$in": list(team_ids)}}, sort=[("name", 1)]
            )
            return [[s for s in found if s.team_id == t] for t in team_ids]

        return load

    @staticmethod
    def _members(hub: Hub) -> Callable[[Sequence[str]], Awaitable[list[Member | None]]]:
        async def load(handles: Sequence[str]) -> list[Member | None]:
            teams = await hub.teams.teams.find({"members.handle": {"$in": list(handles)}})
            known: dict[str, Member] = {}
            for team in sorted(teams, key=lambda t: t.id):
                for member in team.members:
                    known.setdefault(member.handle, member)
            return [known.get(h) for h in handles]

        return load

    @staticmethod
    def _service_articles(
        hub: Hub,
    ) -> Callable[[Sequence[str]], Awaitable[list[list[KnowledgeArticle]]]]:
        async def load(service_ids: Sequence[str]) -> list[list[KnowledgeArticle]]:
            query: dict[str, Any] = {"service_ids": {"$in": list(service_ids)}}
            found = await hub.knowledge.repo.find(query, sort=[("title", 1)])
            return [[a for a in found if s in a.service_ids] for s in service_ids]

        return load

    @staticmethod
    def _revisions(
        hub: Hub,
    ) -> Callable[[Sequence[str]], Awaitable[list[list[ArticleRevision]]]]:
        async def load(ids: Sequence[str]) -> list[list[ArticleRevision]]:
            found = await hub.knowledge.get_many(ids)
            stored = [a for a in found if a is not None]
            known: Iterator[list[ArticleRevision]] = iter(
                await hub.knowledge.revisions.for_articles(stored)
            )
            return [next(known) if a else [] for a in found]

        return load

    @staticmethod
    def _postmortems(
        hub: Hub,
    ) -> Callable[[Sequence[str]], Awaitable[list[KnowledgeArticle | None]]]:
        async def load(ids: Sequence[str]) -> list[KnowledgeArticle | None]:
            found = await hub.knowledge.postmortems_of(ids)
            return [found.get(i) for i in ids]

        return load

    @staticmethod
    def _suggestions(
        hub: Hub,
    ) -> Callable[[Sequence[str]], Awaitable[list[list[Suggestion]]]]:
        async def load(ids: Sequence[str]) -> list[list[Suggestion]]:
            return await hub.suggestions.for_incident_ids(ids, limit=MAX_SUGGESTIONS)

        return load
