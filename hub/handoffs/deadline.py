"""What becomes of a handoff once answered, or once its deadline passes.

Every proposal stores a deadline job. When it runs, a handoff still PROPOSED
expires: the sending team keeps its incidents (they are never without an
owner) and the receiving region's lead is escalated to, on both regions'
timelines; unless every incident it covers was resolved or closed meanwhile,
when it expires quietly and says why. A handoff already ACCEPTED is settled
again, which moves any incident an interrupted acceptance left behind;
moving is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from hub.clock import Clock
from hub.errors import NotFound
from hub.handoffs import models as hm
from hub.handoffs.claims import Claims
from hub.handoffs.events import HUB_ACTOR, Parties, handoff_event, iso, load_parties
from hub.handoffs.models import Handoff, HandoffStatus
from hub.handoffs.moves import ownership_move
from hub.handoffs.service import HandoffService
from hub.incidents.models import Incident
from hub.incidents.service import IncidentService
from hub.teams.service import TeamService

log = logging.getLogger(__name__)


class Settlement:
    def __init__(
        self,
        *,
        clock: Clock,
        expiry: timedelta,
        handoffs: HandoffService,
        claims: Claims,
        incidents: IncidentService,
        teams: TeamService,
    ) -> None:
        self._clock = clock
        self.expiry = expiry
        self._handoffs = handoffs
        self._claims = claims
        self._incidents = incidents
        self._teams = teams

    async def deadline(self, handoff_id: str) -> None:
        """Expire a handoff nobody answered, or finish one that was answered."""
        try:
            handoff = await self._handoffs.get(handoff_id)
        except NotFound:
            return  # its proposer stopped before storing it
        if handoff.status is HandoffStatus.PROPOSED:
            if self._clock.now() < handoff.expires_at:
                return
            await self._expire(handoff)
        elif handoff.status is HandoffStatus.ACCEPTED:
            await self.settle(handoff)
        await self._claims.release(handoff_id)

    async def _expire(self, handoff: Handoff) -> None:
        now = self._clock.now()
        parties, incidents = await self.context(handoff)
        # Nobody is paged to take over incidents that no longer need anyone.
        escalate = any(i.is_open for i in incidents)
        leads = parties.leads if escalate else []
        why = {} if escalate else {"reason": _nothing_left(incidents)}
        events = []
        for incident in incidents:
            events.append(
                handoff_event(
                    hm.EXPIRED,
                    handoff,
                    parties,
                    incident,
                    actor=HUB_ACTOR,
                    at=now,
                    expired_at=iso(handoff.expires_at),
                    still_owned_by=parties.from_team.slug,
                    escalated=escalate,
                    **why,
                )
            )
            if not escalate:
                continue
            events.append(
                handoff_event(
                    hm.ESCALATED,
                    handoff,
                    parties,
                    incident,
                    actor=HUB_ACTOR,
                    at=now,
                    reason=f"not accepted within {_minutes(self.expiry)} minutes",
                    lead=leads[0] if leads else None,
                    leads=leads,
                )
            )
        expired = await self._handoffs.respond(
            handoff, HandoffStatus.EXPIRED, events=events, changes={}
        )
        if expired is not None:
            log.warning(
                "event=handoff.expired handoff_id=%s to=%s escalated_to=%s",
                handoff.id,
                parties.to_team.slug,
                ",".join(leads) or "-",
            )

    async def settle(self, handoff: Handoff) -> None:
        """Move every incident of an accepted handoff; a moved one is left alone."""
        parties = await load_parties(
            self._teams, from_team_id=handoff.from_team_id, to_team_id=handoff.to_team_id
        )
        at = self._clock.now()
        found = await self._incidents.get_many(handoff.incident_ids)
        left_out = [i for i in found if i is not None and not i.is_open]
        for incident_id in handoff.incident_ids:
            move = ownership_move(handoff, parties, at, left_out)
            await self._incidents.mutate(incident_id, move)
        await self._claims.release(handoff.id)

    async def context(self, handoff: Handoff) -> tuple[Parties, list[Incident]]:
        parties = await load_parties(
            self._teams, from_team_id=handoff.from_team_id, to_team_id=handoff.to_team_id
        )
        found = await self._incidents.get_many(handoff.incident_ids)
        return parties, [i for i in found if i is not None]


def _nothing_left(incidents: list[Incident]) -> str:
    states = ", ".join(f"{i.ref} is {i.status}" for i in incidents) or "no incident exists"
    return f"{states}: nothing is left to hand over"


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:g}"
