"""Moving an incident to the team that accepted it: one guarded incident write."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from hub.handoffs import models as hm
from hub.handoffs.events import Parties, handoff_event
from hub.handoffs.models import Handoff
from hub.incidents.models import Incident, OwnershipSpan
from hub.incidents.service import Change

log = logging.getLogger(__name__)


def ownership_move(
    handoff: Handoff, parties: Parties, at: datetime, left_out: Sequence[Incident] = ()
) -> Callable[[Incident], Change]:
    """The step for ``IncidentService.mutate`` that applies an accepted handoff.

    It changes nothing when the incident already moved under this handoff,
    when its owner is no longer the sending team, or when it is no longer
    open: a resolved incident stays with whoever resolved it. ``left_out``
    names the incidents of the handoff that were not moved for that reason,
    so the timelines of those that were say so.
    """
    skipped = [{"ref": i.ref, "status": i.status.value} for i in left_out]
    accepted_at = handoff.responded_at or at
    actor = handoff.responded_by or "hub"

    def step(incident: Incident) -> Change:
        if any(span.handoff_id == handoff.id for span in incident.ownership):
            return Change()
        if incident.team_id != handoff.from_team_id or not incident.is_open:
            log.warning(
                "event=handoff.move_skipped handoff_id=%s incident=%s owner=%s status=%s",
                handoff.id,
                incident.ref,
                incident.team_id,
                incident.status,
            )
            return Change()
        spans = [
            span if span.until is not None else span.model_copy(update={"until": accepted_at})
            for span in incident.ownership
        ]
        spans.append(
            OwnershipSpan(
                team_id=handoff.to_team_id,
                region_id=handoff.to_region_id,
                since=accepted_at,
                via="handoff",
                handoff_id=handoff.id,
            )
        )
        events = [
            handoff_event(
                hm.ACCEPTED,
                handoff,
                parties,
                incident,
                actor=actor,
                at=at,
                accepted_at=accepted_at.isoformat(),
                **({"left_out": skipped} if skipped else {}),
            ),
            handoff_event(
                hm.OWNERSHIP_CHANGED, handoff, parties, incident, actor=actor, at=at, via="handoff"
            ),
        ]
        changes = {
            "team_id": handoff.to_team_id,
            "region_id": handoff.to_region_id,
            "ownership": [span.model_dump() for span in spans],
        }
        return Change(set=changes, events=events)

    return step
