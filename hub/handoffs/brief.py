"""The brief of an automatic handoff, written from the incidents' timelines.

Only what happened since each incident's last change of owner counts: the
receiving team has been told the rest already. Status changes describe where
things stand, notes are what was tried, and next actions still open from the
previous handoff's checklist carry over. Risks are what any on-call engineer
would flag first: high severity, nobody acknowledged, nobody in command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hub.events.models import Event
from hub.handoffs.models import ACCEPTED, MAX_ITEMS, MAX_TEXT, PROPOSED, ActionItem, Brief
from hub.incidents.models import Incident, Severity, Status

STATUS_EVENTS = ("incident.status_changed", "incident.acknowledged")
NOTE_EVENT = "incident.note_added"
URGENT = (Severity.SEV1, Severity.SEV2)


def assemble(incidents: Sequence[Incident], timelines: Mapping[str, list[Event]]) -> Brief:
    status: list[str] = []
    tried: list[str] = []
    actions: list[ActionItem] = []
    risks: list[str] = []
    label = len(incidents) > 1
    for incident in incidents:
        timeline = timelines.get(incident.id, [])
        recent = _since_last_owner_change(incident, timeline)
        tag = f"{incident.ref}: " if label else ""
        status.append(_status(incident, recent))
        tried += [_cut(tag + str(e.data.get("text", ""))) for e in recent if e.type == NOTE_EVENT]
        actions += [ActionItem(text=_cut(tag + text)) for text in _open_items(timeline)]
        risks += [tag + risk for risk in _risks(incident)]
    return Brief(
        current_status="\n".join(status)[:10_000],
        tried=tried[-MAX_ITEMS:],
        next_actions=actions[:MAX_ITEMS],
        risks=risks[:MAX_ITEMS],
    )


def _since_last_owner_change(incident: Incident, timeline: list[Event]) -> list[Event]:
    # A reopening starts a span but keeps the owner: the brief reaches past it.
    moves = [span.since for span in incident.ownership if span.via != "reopened"]
    since = moves[-1] if moves else incident.created_at
    return [e for e in timeline if e.occurred_at >= since]


def _status(incident: Incident, recent: list[Event]) -> str:
    line = f"{incident.ref} [{incident.severity}] {incident.status}: {incident.title}"
    moves = [e for e in recent if e.type in STATUS_EVENTS]
    steps = [
        f"{e.data.get('from')} -> {e.data.get('to')}"
        + (f" ({e.data['note']})" if e.data.get("note") else "")
        for e in moves
    ]
    if steps:
        line += "; since the last handoff: " + "; ".join(steps)
    return line


def _open_items(timeline: list[Event]) -> list[str]:
    """Unchecked next actions of the handoff that brought the incident here."""
    accepted = [e for e in timeline if e.type == ACCEPTED]
    if not accepted:
        return []
    handoff_id = accepted[-1].data.get("handoff_id")
    proposals = [
        e for e in timeline if e.type == PROPOSED and e.data.get("handoff_id") == handoff_id
    ]
    if not proposals:
        return []
    items = proposals[-1].data.get("brief", {}).get("next_actions", [])
    return [str(item["text"]) for item in items if not item.get("done")]


def _risks(incident: Incident) -> list[str]:
    risks = []
    if incident.severity in URGENT:
        risks.append(f"{incident.severity}: customer impact is likely")
    if incident.status is Status.TRIGGERED:
        risks.append("nobody has acknowledged it yet")
    if incident.commander is None:
        risks.append("no incident commander assigned")
    return risks


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
