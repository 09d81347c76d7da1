"""Automatic shift handoffs, as durable jobs.

Every instant the follow-the-sun rotation hands off (see
:mod:`hub.handoffs.rotation`) is a shift end for the outgoing region. Each
one is a job stored ahead of time, keyed by region and instant, so replicas
that plan the same stretch, or a hub that plans it again after a restart,
store it once; and a shift end that passed while the hub was stopped is
still pending, and runs once when it comes back.

A shift end is the instant ownership changes hands in the rotation: in an
overlap, when the incoming region starts (the outgoing team is still there to
brief); after a gap, when the next region starts (someone is awake to accept).

Planning looks ``HORIZON`` ahead and is itself a job, repeated every
``REPLAN`` on a fixed grid so every replica plans at the same instants. A
change to working hours reaches automatic handoffs at the next plan, up to
``REPLAN`` later; a shift end the change removed is dropped when it comes up.

An incident already in a pending handoff is left out of a shift end (the
pending one stands). One held by a proposal in flight (claimed, its handoff
not stored: see :mod:`hub.handoffs.claims`) is not dropped: the job hands
over the rest, then fails so the scheduler tries again once the claim is
either stored or stale; ``RETRY`` waits longer in all than a claim can stay.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hub.clock import Clock
from hub.events.log import EventLog
from hub.handoffs.brief import assemble
from hub.handoffs.claims import STALE
from hub.handoffs.duty import DutyService
from hub.handoffs.events import HUB_ACTOR
from hub.handoffs.flows import DEADLINE, HandoffFlows
from hub.handoffs.models import MAX_INCIDENTS, Handoff, HandoffPropose
from hub.handoffs.rotation import handoff_schedule, on_duty
from hub.incidents.models import OPEN_STATUSES, Incident
from hub.incidents.service import IncidentFilter, IncidentService
from hub.scheduler.jobs import Job, RetryPolicy, Scheduler
from hub.storage.collection import DuplicateKey
from hub.teams.models import Region

log = logging.getLogger(__name__)

SHIFT_END = "handoff.shift_end"
PLAN = "handoff.plan"
HORIZON = timedelta(days=2)
REPLAN = timedelta(hours=6)
# How far back a late plan fills in shift ends it never stored.
CATCH_UP = timedelta(days=1)
MAX_OPEN = 1_000
_TICK = timedelta(microseconds=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Waits of 5, 10, 20, 40 and 80 s: well past STALE before the last try.
RETRY = RetryPolicy(max_attempts=6, first_delay=timedelta(seconds=5))
assert sum((RETRY.delay(n) for n in range(1, 6)), timedelta()) > 2 * STALE


class InFlight(Exception):
    """Incidents held by a proposal not stored yet: the shift end runs again."""


class ShiftHandoffs:
    def __init__(
        self,
        *,
        clock: Clock,
        scheduler: Scheduler,
        duty: DutyService,
        flows: HandoffFlows,
        incidents: IncidentService,
        events: EventLog,
    ) -> None:
        self._clock = clock
        self._scheduler = scheduler
        self._duty = duty
        self._flows = flows
        self._incidents = incidents
        self._events = events

    def register(self) -> None:
        self._scheduler.register(SHIFT_END, self._on_shift_end, retry=RETRY)
        self._scheduler.register(PLAN, self._on_plan)
        self._scheduler.register(DEADLINE, self._on_deadline)

    async def plan(self, start: datetime | None = None) -> int:
        """Store a job for every shift end from ``start`` (default now) to the horizon."""
        now = self._clock.now()
        start = max(start or now, now - CATCH_UP)
        regions = await self._duty.regions()
        planned = 0
        if regions:
            schedule = handoff_schedule(regions, start, now + HORIZON)
            for handoff in schedule.handoffs:
                await self._schedule_shift_end(handoff.from_region, handoff.at)
                planned += 1
        following = _next_on_grid(now)
        await self._scheduler.schedule(PLAN, following, {}, dedup=f"{PLAN}:{following}")
        log.info("event=handoff.planned shift_ends=%d until=%s", planned, now + HORIZON)
        return planned

    async def _schedule_shift_end(self, region: Region, at: datetime) -> None:
        stamp = at.isoformat()
        await self._scheduler.schedule(
            SHIFT_END,
            at,
            {"region_id": region.id, "at": stamp},
            dedup=f"{SHIFT_END}:{region.id}:{stamp}",
        )

    async def _on_plan(self, job: Job) -> None:
        await self.plan(job.due_at)

    async def _on_deadline(self, job: Job) -> None:
        await self._flows.deadline(str(job.payload["handoff_id"]))

    async def _on_shift_end(self, job: Job) -> None:
        at = datetime.fromisoformat(str(job.payload["at"]))
        await self.shift_end(str(job.payload["region_id"]), at, key=job.dedup or job.id)

    async def shift_end(self, region_id: str, at: datetime, *, key: str) -> list[Handoff]:
        """Offer the open incidents of ``region_id`` to the region now on duty."""
        regions = await self._duty.regions()
        if not _still_a_shift_end(regions, region_id, at):
            log.info("event=handoff.shift_end_dropped region_id=%s at=%s", region_id, at)
            return []
        # A late run hands to whoever is on duty now, not to whoever was.
        now = max(self._clock.now(), at)
        target = on_duty(regions, now).region
        team = await self._duty.primary_team(target.id)
        if target.id == region_id or team is None:
            log.info("event=handoff.shift_end_idle region_id=%s to=%s", region_id, target.name)
            return []
        groups, in_flight = await self._unclaimed_by_team(region_id, now)
        made = []
        for team_id, incidents in groups.items():
            if team_id == team.id:
                continue
            for n in range(0, len(incidents), MAX_INCIDENTS):
                chunk = incidents[n : n + MAX_INCIDENTS]
                # Keyed by its first incident, so a retry that finds some
                # incidents already handed off never reuses a stored key.
                dedup = f"{key}:{team_id}:{chunk[0].id}"
                handoff = await self._propose(chunk, team.id, at, dedup)
                if handoff is not None:
                    made.append(handoff)
        log.info(
            "event=handoff.shift_end region_id=%s to=%s handoffs=%d in_flight=%d",
            region_id,
            target.name,
            len(made),
            in_flight,
        )
        if in_flight:
            raise InFlight(f"{in_flight} incidents held by proposals not stored yet")
        return made

    async def _unclaimed_by_team(
        self, region_id: str, now: datetime
    ) -> tuple[dict[str, list[Incident]], int]:
        """Free open incidents by owning team, and how many are held in flight."""
        flt = IncidentFilter(region_ids=[region_id], statuses=sorted(OPEN_STATUSES))
        found = await self._incidents.page(flt, limit=MAX_OPEN)
        held = await self._flows.claims.holders([i.id for i in found], now)
        groups: dict[str, list[Incident]] = defaultdict(list)
        in_flight = 0
        for incident in sorted(found, key=lambda i: i.number):
            hold = held.get(incident.id)
            if hold is None:
                groups[incident.team_id].append(incident)
                continue
            in_flight += not hold.stored
            log.info(
                "event=handoff.shift_end_skipped incident=%s handoff_id=%s reason=%s",
                incident.ref,
                hold.handoff_id,
                "pending" if hold.stored else "in_flight",
            )
        return groups, in_flight

    async def _propose(
        self, incidents: list[Incident], to_team_id: str, at: datetime, dedup: str
    ) -> Handoff | None:
        timelines = await self._events.for_incidents([i.id for i in incidents])
        data = HandoffPropose(
            incident_ids=[i.id for i in incidents],
            to_team_id=to_team_id,
            brief=assemble(incidents, timelines),
        )
        try:
            return await self._flows.propose(data, actor=HUB_ACTOR, shift_end_at=at, dedup=dedup)
        except DuplicateKey:
            log.info("event=handoff.shift_end_repeat dedup=%s", dedup)
            return None


def _still_a_shift_end(regions: list[Region], region_id: str, at: datetime) -> bool:
    if not regions:
        return False
    schedule = handoff_schedule(regions, at, at + _TICK)
    return any(h.at == at and h.from_region.id == region_id for h in schedule.handoffs)


def _next_on_grid(now: datetime) -> datetime:
    steps = (now - _EPOCH) // REPLAN + 1
    return _EPOCH + steps * REPLAN
