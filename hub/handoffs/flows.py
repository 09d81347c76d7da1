"""The handoff lifecycle: PROPOSED -> ACCEPTED | REJECTED | EXPIRED.

Ownership moves only on acceptance, in the same guarded incident write as the
``handoff.accepted`` and ``incident.ownership_changed`` events. The handoff
is marked accepted first (which is what beats the deadline) and the incidents
move right after; if the hub stops in between, the deadline job finds the
handoff accepted and finishes the move, so an accepted handoff always lands.
Moving an incident is idempotent: its ownership span names the handoff.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from hub.auth.models import Principal
from hub.clock import Clock
from hub.errors import BadInput, InvalidTransition, NotFound
from hub.handoffs import models as hm
from hub.handoffs.answerers import check_answerer
from hub.handoffs.claims import Claims
from hub.handoffs.deadline import Settlement
from hub.handoffs.events import handoff_event, iso, load_parties
from hub.handoffs.models import Handoff, HandoffPropose, HandoffStatus
from hub.handoffs.service import HandoffService
from hub.incidents.models import Incident
from hub.incidents.service import IncidentService
from hub.scheduler.jobs import Scheduler
from hub.storage.ids import new_id
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

DEADLINE = "handoff.deadline"
MAX_REASON = 2_000


class HandoffFlows:
    def __init__(
        self,
        *,
        clock: Clock,
        expiry: timedelta,
        handoffs: HandoffService,
        claims: Claims,
        incidents: IncidentService,
        teams: TeamService,
        scheduler: Scheduler,
    ) -> None:
        self._clock = clock
        self.expiry = expiry
        self.handoffs = handoffs
        self.claims = claims
        self._incidents = incidents
        self._teams = teams
        self._scheduler = scheduler
        self.settlement = Settlement(
            clock=clock,
            expiry=expiry,
            handoffs=handoffs,
            claims=claims,
            incidents=incidents,
            teams=teams,
        )

    # -- propose -------------------------------------------------------------

    async def propose(
        self,
        data: HandoffPropose,
        *,
        actor: str,
        shift_end_at: datetime | None = None,
        dedup: str | None = None,
    ) -> Handoff:
        """Offer incidents to another team; raises DuplicateKey for a repeated ``dedup``."""
        incidents = await self._open_incidents(data.incident_ids)
        from_team_id = _one_owner(incidents)
        if from_team_id == data.to_team_id:
            raise BadInput("the receiving team already owns these incidents", argument="toTeamId")
        parties = await load_parties(
            self._teams, from_team_id=from_team_id, to_team_id=data.to_team_id
        )
        now = self._clock.now()
        handoff = Handoff(
            id=new_id(),
            status=HandoffStatus.PROPOSED,
            from_team_id=parties.from_team.id,
            from_region_id=parties.from_region.id,
            to_team_id=parties.to_team.id,
            to_region_id=parties.to_region.id,
            incident_ids=[i.id for i in incidents],
            brief=data.brief,
            proposed_by=actor,
            proposed_at=now,
            expires_at=now + self.expiry,
            automatic=shift_end_at is not None,
            shift_end_at=shift_end_at,
        )
        await self.claims.take(handoff.id, incidents, now)
        # Scheduled before the handoff is stored: a stop in between leaves a
        # deadline with nothing to do, never a handoff without a deadline.
        await self._scheduler.schedule(
            DEADLINE,
            handoff.expires_at,
            {"handoff_id": handoff.id},
            dedup=f"{DEADLINE}:{handoff.id}",
        )
        events = [
            handoff_event(
                hm.PROPOSED,
                handoff,
                parties,
                incident,
                actor=actor,
                at=now,
                brief=data.brief.model_dump(),
                expires_at=iso(handoff.expires_at),
                shift_end_at=iso(shift_end_at),
            )
            for incident in incidents
        ]
        try:
            await self.handoffs.insert(handoff, events, dedup=dedup)
        except BaseException:
            # Any failure, not only a repeated dedup: a claim left behind
            # would hold the incidents back from the very retry meant to
            # hand them over.
            await self._abandon(handoff.id)
            raise
        log.info(
            "event=handoff.proposed handoff_id=%s from=%s to=%s incidents=%d automatic=%s",
            handoff.id,
            parties.from_team.slug,
            parties.to_team.slug,
            len(incidents),
            handoff.automatic,
        )
        return handoff

    async def _abandon(self, handoff_id: str) -> None:
        """Release what a proposal took, once sure its handoff was not stored.

        A write can land and still report an error (the reply was lost), so
        the handoff is looked for first: a stored one keeps its claims and
        its deadline. If the database fails here as well, the claims stay
        until :data:`hub.handoffs.claims.STALE` and the caller's error stands.
        """
        try:
            [stored] = await self.handoffs.get_many([handoff_id])
            if stored is not None:
                log.warning("event=handoff.stored_despite_error handoff_id=%s", handoff_id)
                return
            await self.claims.release(handoff_id)
            await self._scheduler.cancel({"dedup": f"{DEADLINE}:{handoff_id}"})
        except Exception as exc:  # noqa: BLE001 - the proposal's own error is what matters
            log.warning("event=handoff.abandon_failed handoff_id=%s error=%r", handoff_id, exc)

    async def _open_incidents(self, incident_ids: list[str]) -> list[Incident]:
        found = await self._incidents.get_many(incident_ids)
        incidents: list[Incident] = []
        for incident_id, incident in zip(incident_ids, found, strict=True):
            if incident is None:
                raise NotFound(f"no incident with id {incident_id!r}", id=incident_id)
            if not incident.is_open:
                raise InvalidTransition(
                    f"{incident.ref} is {incident.status}; only open incidents are handed off",
                    current=incident.status.value,
                )
            incidents.append(incident)
        return incidents

    # -- respond -------------------------------------------------------------

    async def accept(self, handoff_id: str, *, by: Principal) -> Handoff:
        """Accept for the receiving team: see :mod:`hub.handoffs.answerers` for who may."""
        actor = by.actor
        handoff = await self._answerable(handoff_id, by, "accept")
        await self._something_open(handoff)
        now = self._clock.now()
        changes = {"responded_by": actor, "responded_at": now}
        accepted = await self.handoffs.respond(
            handoff, HandoffStatus.ACCEPTED, events=[], changes=changes, before=now
        )
        if accepted is None:
            raise await self._too_late(handoff_id, "accepted")
        await self.settlement.settle(accepted)
        log.info("event=handoff.accepted handoff_id=%s actor=%s", handoff_id, actor)
        return accepted

    async def _something_open(self, handoff: Handoff) -> None:
        """Refuse an acceptance that would take over nothing: all resolved or closed."""
        found = await self._incidents.get_many(handoff.incident_ids)
        incidents = [i for i in found if i is not None]
        if any(i.is_open for i in incidents):
            return
        states = ", ".join(f"{i.ref} is {i.status}" for i in incidents) or "none exists"
        raise InvalidTransition(
            f"handoff {handoff.id} has nothing left to take over ({states}); "
            "it expires without paging anyone",
            current=handoff.status.value,
        )

    async def reject(self, handoff_id: str, reason: str, *, by: Principal) -> Handoff:
        actor = by.actor
        why = reason.strip()
        if not why or len(why) > MAX_REASON:
            raise BadInput(
                f"a rejection needs a reason of 1 to {MAX_REASON} characters", argument="reason"
            )
        handoff = await self._answerable(handoff_id, by, "reject")
        now = self._clock.now()
        parties, incidents = await self.settlement.context(handoff)
        events = [
            handoff_event(hm.REJECTED, handoff, parties, incident, actor=actor, at=now, reason=why)
            for incident in incidents
        ]
        changes = {"responded_by": actor, "responded_at": now, "reject_reason": why}
        rejected = await self.handoffs.respond(
            handoff, HandoffStatus.REJECTED, events=events, changes=changes, before=now
        )
        if rejected is None:
            raise await self._too_late(handoff_id, "rejected")
        await self.claims.release(handoff_id)
        log.info("event=handoff.rejected handoff_id=%s actor=%s", handoff_id, actor)
        return rejected

    async def deadline(self, handoff_id: str) -> None:
        """Expire a handoff nobody answered, or finish one that was answered."""
        await self.settlement.deadline(handoff_id)

    async def _answerable(self, handoff_id: str, by: Principal, verb: str) -> Handoff:
        """The handoff, if ``by`` may answer it and it still awaits an answer."""
        handoff = await self.handoffs.get(handoff_id)
        check_answerer(handoff, await self._teams.teams.get(handoff.to_team_id), by, verb)
        return await self._still_proposed(handoff, f"{verb}ed")

    async def _still_proposed(self, handoff: Handoff, verb: str) -> Handoff:
        handoff_id = handoff.id
        if handoff.status is HandoffStatus.PROPOSED and self._clock.now() >= handoff.expires_at:
            # Its deadline job may simply not have run yet: expire it now.
            await self.deadline(handoff_id)
            handoff = await self.handoffs.get(handoff_id)
        if handoff.status is not HandoffStatus.PROPOSED:
            raise _not_proposed(handoff, verb)
        return handoff

    async def _too_late(self, handoff_id: str, verb: str) -> InvalidTransition:
        await self.deadline(handoff_id)
        return _not_proposed(await self.handoffs.get(handoff_id), verb)


def _one_owner(incidents: list[Incident]) -> str:
    owners = sorted({i.team_id for i in incidents})
    if len(owners) > 1:
        raise BadInput(
            "these incidents have different owning teams; propose one handoff per team",
            argument="incidentIds",
        )
    return owners[0]


def _not_proposed(handoff: Handoff, verb: str) -> InvalidTransition:
    return InvalidTransition(
        f"handoff {handoff.id} is {handoff.status}; only a PROPOSED handoff can be {verb}",
        current=handoff.status.value,
    )
