"""Drafting a postmortem when an incident resolves.

A durable reaction (see :mod:`hub.scheduler.reactions`) hears every
``incident.status_changed`` to RESOLVED and writes one draft per incident,
linked both ways: ``article.incident_id`` and ``article.postmortem_of``, whose
unique index makes a replayed event (a crash before the checkpoint, a lease
taken over) find the draft instead of writing a second one.
"""

from __future__ import annotations

import logging

from hub.events.log import EventLog
from hub.events.models import Event
from hub.incidents.models import Incident, Status
from hub.incidents.service import IncidentService
from hub.knowledge.models import DRILL_TAG, ArticleCreate, ArticleKind, KnowledgeArticle
from hub.knowledge.postmortem_render import Facts, render
from hub.knowledge.service import KnowledgeService
from hub.storage.collection import DuplicateKey
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

REACTION = "knowledge.postmortem_draft"
TYPES = ("incident.status_changed",)
ACTOR = "postmortem-drafter"


class PostmortemDrafts:
    def __init__(
        self,
        knowledge: KnowledgeService,
        incidents: IncidentService,
        teams: TeamService,
        events: EventLog,
    ) -> None:
        self._knowledge = knowledge
        self._incidents = incidents
        self._teams = teams
        self._events = events

    async def on_event(self, event: Event) -> None:
        if event.data.get("to") != Status.RESOLVED.value or event.incident_id is None:
            return
        await self.draft(event.incident_id)

    async def draft(self, incident_id: str) -> KnowledgeArticle:
        """The incident's draft, written now unless one exists."""
        existing = await self._knowledge.postmortems_of([incident_id])
        if incident_id in existing:
            return existing[incident_id]
        incident = await self._incidents.get(incident_id)
        # A drill's draft says so in its title and tags: search shows it as a
        # drill and suggestions leave it out (see hub.knowledge.suggestions).
        marks = {"draft", DRILL_TAG} if incident.exercise else {"draft"}
        heading = "Drill postmortem" if incident.exercise else "Postmortem"
        data = ArticleCreate(
            title=f"{heading} (draft): {incident.ref} {incident.title}"[:300],
            body=render(await self._facts(incident)),
            kind=ArticleKind.POSTMORTEM,
            tags=sorted({*incident.tags, incident.category.value.lower(), *marks})[:50],
            service_ids=incident.service_ids,
            owner=incident.commander,
            incident_id=incident.id,
            change_summary=f"drafted from the timeline of {incident.ref}",
        )
        try:
            article = await self._knowledge.create(
                data=data, actor=ACTOR, extra={"postmortem_of": incident.id}
            )
        except DuplicateKey:
            found = await self._knowledge.postmortems_of([incident_id])
            return found[incident_id]
        log.info(
            "event=knowledge.postmortem_drafted incident=%s article_id=%s",
            incident.ref,
            article.id,
        )
        return article

    async def _facts(self, incident: Incident) -> Facts:
        events = await self._events.for_incident(incident.id)
        regions = {r.id: r for r in await self._teams.list_regions()}
        # Every team, to place each handle in its home region: fine for tens of
        # teams; a members.handle $in query would keep it small with thousands.
        teams = await self._teams.teams.find({})
        home = {
            m.handle: regions[t.region_id].name
            for t in teams
            if t.region_id in regions
            for m in t.members
        }
        return Facts(incident=incident, events=events, regions=regions, home_regions=home)
