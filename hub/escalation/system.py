"""Escalation's parts, wired once: the composition root builds one of these."""

from __future__ import annotations

from hub.clock import Clock
from hub.escalation.engine import EscalationEngine
from hub.escalation.flows import EscalationFlows
from hub.escalation.notify import Notifier
from hub.escalation.preview import PreviewService
from hub.escalation.service import PolicyService
from hub.escalation.state import EscalationStore
from hub.escalation.webhooks import WebhookService
from hub.events.log import EventLog
from hub.incidents.service import IncidentService
from hub.scheduler.jobs import Scheduler
from hub.scheduler.reactions import Reactions
from hub.settings import Settings
from hub.storage.client import Database
from hub.teams.service import TeamService


class EscalationSystem:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        *,
        events: EventLog,
        incidents: IncidentService,
        teams: TeamService,
        policies: PolicyService,
        scheduler: Scheduler,
        reactions: Reactions,
    ) -> None:
        self.store = EscalationStore(db, events)
        self.webhooks = WebhookService(db, clock, teams.teams)
        self.notifier = Notifier(
            db, clock, scheduler, self.webhooks, incidents, timeout=settings.webhook_timeout
        )
        self.engine = EscalationEngine(
            clock, events, incidents, teams, self.store, self.notifier, scheduler
        )
        self.flows = EscalationFlows(
            clock, self.engine, incidents, teams, policies, scheduler, reactions
        )
        self.preview = PreviewService(
            clock, self.engine, self.flows, incidents, teams, policies, events
        )

    async def close(self) -> None:
        await self.notifier.close()
