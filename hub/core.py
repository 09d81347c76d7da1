"""The composition root: one :class:`Hub` wires storage, events and domain services.

Both edges (the GraphQL schema and the HTTP routes) talk to a ``Hub``; tests
build one per case, and two ``Hub`` objects over one database behave like two
replicas.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from hub.alerts.ingest import AlertIngest
from hub.alerts.integrations import IntegrationService
from hub.alerts.ratelimit import IngestLimiter
from hub.alerts.routing.service import RoutingService
from hub.alerts.sns import SubscriptionConfirmer
from hub.analytics.availability import AvailabilityReport
from hub.analytics.impacts import ImpactService
from hub.analytics.metrics import IncidentMetrics
from hub.auth.audit import AuditLog
from hub.auth.tokens import TokenService, admin_token
from hub.clock import Clock, SystemClock
from hub.escalation.service import PolicyService
from hub.escalation.system import EscalationSystem
from hub.events.drain import Drain
from hub.events.feed import EventFeed
from hub.events.log import EventLog
from hub.handoffs.claims import Claims
from hub.handoffs.duty import DutyService
from hub.handoffs.flows import HandoffFlows
from hub.handoffs.scheduled import ShiftHandoffs
from hub.handoffs.service import HandoffService
from hub.incidents.flows import IncidentFlows
from hub.incidents.followups import FollowUps
from hub.incidents.protocols import ProtocolChecks
from hub.incidents.reminders import UpdateReminders
from hub.incidents.service import IncidentService
from hub.incidents.updates import StatusUpdates
from hub.knowledge.indexer import Indexer
from hub.knowledge.postmortem import REACTION as POSTMORTEM_REACTION
from hub.knowledge.postmortem import TYPES as POSTMORTEM_TYPES
from hub.knowledge.postmortem import PostmortemDrafts
from hub.knowledge.search import SearchIndex
from hub.knowledge.service import KnowledgeService
from hub.knowledge.suggestions import Suggestions
from hub.scheduler.jobs import Scheduler
from hub.scheduler.reactions import Reactions
from hub.settings import Settings
from hub.storage.client import Database, connect
from hub.storage.indexes import ensure_indexes
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

# Outbox entries older than this at start belong to a writer that stopped.
STUCK_OUTBOX_AGE = timedelta(seconds=30)
# Every collection whose writes carry their events in an outbox.
OUTBOX_COLLECTIONS = ["incidents", "handoffs", "impacts", "escalations", "articles"]


class Hub:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        shared_client: Any | None = None,
        http: Any | None = None,
    ) -> None:
        self.settings = settings
        self._started = False
        self.clock: Clock = clock or SystemClock()
        self.db: Database = connect(settings, shared_client=shared_client)
        self.events = EventLog(self.db, reserve_deadline=settings.sequence_gap_wait / 2)
        self.feed = EventFeed(
            self.db,
            self.events,
            gap_wait=settings.sequence_gap_wait,
            tail_interval=settings.tail_interval,
        )
        self.drain = Drain(
            self.events, self.feed, release_wait=settings.sequence_gap_wait + 1
        )
        self.teams = TeamService(self.db, self.clock)
        self.incidents = IncidentService(self.db, self.clock, self.events)
        self.flows = IncidentFlows(self.db, self.clock, self.incidents, self.teams)
        self.policies = PolicyService(self.db, self.clock, self.teams)
        self.integrations = IntegrationService(self.db, self.clock, self.teams)
        self.scheduler = Scheduler(self.db, self.clock)
        self.reactions = Reactions(self.db, self.events, self.feed, self.clock)
        self.tokens = TokenService(self.db, self.clock, self.teams)
        self.audit = AuditLog(self.db, self.clock)
        self.routing = RoutingService(self.db, self.clock, self.teams)
        # ``http``: the client outbound calls use (an httpx.AsyncClient).
        sns = SubscriptionConfirmer(settings.sns_subscribe_url_pattern, http)
        self.ingest_limiter = IngestLimiter(settings.ingest_rate_limit)
        self.alerts = AlertIngest(
            self.db, self.clock, settings, self.integrations, self.flows, self.routing, sns
        )
        self._wire_knowledge()
        self._wire_handoffs()
        self._wire_documentation_and_analytics()
        self._wire_escalation()

    def _wire_knowledge(self) -> None:
        self.knowledge = KnowledgeService(
            self.db, self.clock, self.events, SearchIndex(), self.teams
        )
        self.indexer = Indexer(self.knowledge, self.feed)
        self.suggestions = Suggestions(self.knowledge, self.incidents, self.teams)
        self.postmortems = PostmortemDrafts(
            self.knowledge, self.incidents, self.teams, self.events
        )
        self.reactions.register(POSTMORTEM_REACTION, POSTMORTEM_TYPES, self.postmortems.on_event)

    def _wire_handoffs(self) -> None:
        self.duty = DutyService(self.teams)
        self.handoffs = HandoffFlows(
            clock=self.clock,
            expiry=timedelta(minutes=self.settings.handoff_expiry_minutes),
            handoffs=HandoffService(self.db, self.events),
            claims=Claims(self.db),
            incidents=self.incidents,
            teams=self.teams,
            scheduler=self.scheduler,
        )
        self.shifts = ShiftHandoffs(
            clock=self.clock, scheduler=self.scheduler, duty=self.duty,
            flows=self.handoffs, incidents=self.incidents, events=self.events,
        )
        self.shifts.register()

    def _wire_documentation_and_analytics(self) -> None:
        self.status_updates = StatusUpdates(self.incidents, self.clock)
        self.update_reminders = UpdateReminders(self.incidents, self.scheduler, self.clock)
        self.update_reminders.register(self.reactions)
        self.follow_ups = FollowUps(self.incidents, self.teams, self.clock)
        self.protocol_checks = ProtocolChecks(self.incidents, self.clock)
        self.impacts = ImpactService(
            self.db, self.clock, self.events, self.incidents, self.teams
        )
        self.availability = AvailabilityReport(self.impacts, self.clock)
        self.metrics = IncidentMetrics(self.incidents, self.events, self.teams)

    def _wire_escalation(self) -> None:
        self.escalation = EscalationSystem(
            self.db, self.clock, self.settings, events=self.events, incidents=self.incidents,
            teams=self.teams, policies=self.policies, scheduler=self.scheduler,
            reactions=self.reactions,
        )

    async def start(self, *, run_scheduler: bool = True) -> None:
        if self._started:
            return
        self._started = True
        await ensure_indexes(self.db)
        await self.knowledge.start(stuck_before=self.clock.now() - STUCK_OUTBOX_AGE)
        await self.events.start_sweeping(
            OUTBOX_COLLECTIONS, self.clock, age=STUCK_OUTBOX_AGE, every=STUCK_OUTBOX_AGE.seconds
        )
        await self.feed.start()
        if self.settings.admin_token is not None:
            secret = self.settings.admin_token.get_secret_value()
            await self.tokens.ensure(data=admin_token(), secret=secret, actor="settings")
        await self.indexer.start()
        await self.reactions.prepare()
        if run_scheduler:
            await self.shifts.plan()
            self.scheduler.start()
            self.reactions.start()

    async def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        await self.reactions.stop()
        await self.indexer.stop()
        await self.scheduler.stop()
        await self.feed.stop()
        await self.escalation.close()
        await self.events.stop_sweeping()
