"""Articles worth reading for an incident, each with the reasons it was picked.

Articles tagged ``drill`` (written from exercises) are never suggested.
Signals, strongest first: the article is linked to a service the incident
touches (a runbook more so), it shares tags with the incident, it names the
incident's category, and its text matches the incident's title and summary.
For a batch of incidents this costs one query for the linked and tagged
articles and one for the text matches, whatever the batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.incidents.models import Incident
from hub.incidents.service import IncidentService
from hub.knowledge.models import DRILL_TAG, ArticleKind, KnowledgeArticle, Suggestion
from hub.knowledge.search import SearchIndex, plain_query
from hub.knowledge.service import KnowledgeService
from hub.teams.service import TeamService

SERVICE_WEIGHT = 10.0
RUNBOOK_BONUS = 5.0
TAG_WEIGHT = 3.0
CATEGORY_WEIGHT = 2.0
TEXT_WEIGHT = 4.0
TEXT_CANDIDATES = 10
MAX_SUGGESTIONS = 20
LINKED_CAP = 1000


@dataclass
class _Score:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


class Suggestions:
    def __init__(
        self, knowledge: KnowledgeService, incidents: IncidentService, teams: TeamService
    ) -> None:
        self._knowledge = knowledge
        self._index: SearchIndex = knowledge.index
        self._incidents = incidents
        self._teams = teams

    async def for_incident_ids(
        self, incident_ids: Sequence[str], *, limit: int = 5
    ) -> list[list[Suggestion]]:
        found = await self._incidents.get_many(incident_ids)
        incidents = [i for i in found if i is not None]
        service_ids = sorted({s for i in incidents for s in i.service_ids})
        services = await self._teams.services.get_many(service_ids)
        names = {s.id: s.name for s in services if s is not None}
        ranked = iter(await self.for_incidents(incidents, names, limit=limit))
        return [next(ranked) if i is not None else [] for i in found]

    async def for_incidents(
        self, incidents: Sequence[Incident], service_names: dict[str, str], *, limit: int = 5
    ) -> list[list[Suggestion]]:
        """Best first, for each incident in turn; ``service_names`` labels reasons."""
        text_hits = [self._text_matches(i) for i in incidents]
        linked = await self._linked(incidents)
        wanted = {a for hits in text_hits for a in hits} - {a.id for a in linked}
        extra = [a for a in await self._knowledge.get_many(sorted(wanted)) if a is not None]
        articles = {a.id: a for a in [*linked, *extra]}
        return [
            _rank(incident, articles, hits, service_names, limit)
            for incident, hits in zip(incidents, text_hits, strict=True)
        ]

    async def _linked(self, incidents: Sequence[Incident]) -> list[KnowledgeArticle]:
        services = sorted({s for i in incidents for s in i.service_ids})
        tags = sorted({t for i in incidents for t in [*i.tags, i.category.value.lower()]})
        # Capped: a tag shared by thousands of articles would rank only the
        # first thousand stored. Ranking in an aggregation ($setIntersection
        # sizes, $sort, $limit per incident) would lift the cap.
        return await self._knowledge.repo.find(
            {"$or": [{"service_ids": {"$in": services}}, {"tags": {"$in": tags}}]},
            limit=LINKED_CAP,
        )

    def _text_matches(self, incident: Incident) -> dict[str, float]:
        text = f"{incident.title} {incident.summary}".strip()[:400]
        hits = (
            self._index.search(text, limit=TEXT_CANDIDATES, without_tag=DRILL_TAG)
            if plain_query(text)
            else []
        )
        best = max((h.score for h in hits), default=0.0) or 1.0
        return {h.article_id: h.score / best for h in hits}


def _rank(
    incident: Incident,
    articles: dict[str, KnowledgeArticle],
    text_hits: dict[str, float],
    service_names: dict[str, str],
    limit: int,
) -> list[Suggestion]:
    scored = {
        aid: _score(incident, a, text_hits.get(aid), service_names) for aid, a in articles.items()
    }
    ranked = sorted(
        (s for s in scored.items() if s[1].score > 0),
        key=lambda pair: (-pair[1].score, articles[pair[0]].title),
    )
    return [
        Suggestion(article=articles[aid], score=round(s.score, 3), reasons=tuple(s.reasons))
        for aid, s in ranked[: min(limit, MAX_SUGGESTIONS)]
    ]


def _score(
    incident: Incident,
    article: KnowledgeArticle,
    text: float | None,
    service_names: dict[str, str],
) -> _Score:
    out = _Score()
    # Its own draft teaches nothing; a drill's is no past incident.
    if article.postmortem_of == incident.id or DRILL_TAG in article.tags:
        return out
    for sid in sorted(set(article.service_ids) & set(incident.service_ids)):
        name = service_names.get(sid, sid)
        if article.kind is ArticleKind.RUNBOOK:
            out.add(SERVICE_WEIGHT + RUNBOOK_BONUS, f"runbook for service {name}")
        else:
            out.add(SERVICE_WEIGHT, f"about service {name}")
    article_tags = {t.lower() for t in article.tags}
    for tag in sorted(article_tags & {t.lower() for t in incident.tags}):
        out.add(TAG_WEIGHT, f"shares tag {tag}")
    category = incident.category.value.lower()
    if category in article_tags:
        out.add(CATEGORY_WEIGHT, f"tagged with the incident's category {category}")
    if text:
        out.add(TEXT_WEIGHT * text, "text matches the incident's title and summary")
    return out
