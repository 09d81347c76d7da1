"""The markdown of a postmortem draft, from an incident and its timeline.

Pure: every fact arrives in :class:`Facts`, so the rendering is tested without
storage. Each timeline entry is shown in UTC and in the local time of the
region that owned the incident at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.events.models import Event
from hub.incidents.models import Incident, Status
from hub.knowledge.event_text import details
from hub.teams.models import Region

HANDOFF_PREFIX = "handoff."
ESCALATED = "incident.escalated"
# A handoff event with these names moves ownership to ``to_region_id``.
OWNERSHIP_MOVES = frozenset({"handoff.accepted", "handoff.completed"})
# The hub's own actors (shift ends and deadlines, escalation, this drafter):
# they act on incidents but are nobody to list among the responders.
MACHINE_ACTORS = frozenset({"hub", "escalation", "postmortem-drafter"})


@dataclass
class Facts:
    incident: Incident
    events: list[Event]
    regions: dict[str, Region]
    # Each handle's home region name, for grouping responders.
    home_regions: dict[str, str] = field(default_factory=dict)


def render(facts: Facts) -> str:
    owners = _owners(facts)
    heading = "Drill postmortem" if facts.incident.exercise else "Postmortem"
    sections = [
        f"# {heading} (draft): {facts.incident.ref} {facts.incident.title}",
        _summary(facts, owners),
        _impact(facts, owners),
        _timeline(facts, owners),
        _handoffs(facts),
        _responders(facts),
        "## Contributing causes\n\n_To be written by the owning team: what made this "
        "possible, what made it worse, what limited the damage._",
        "## Follow-ups\n\n| Action | Owner | Due |\n|---|---|---|\n|  |  |  |",
    ]
    return "\n\n".join(sections) + "\n"


def _owners(facts: Facts) -> list[tuple[datetime, str]]:
    """(since, region id) steps of ownership, oldest first."""
    spans = facts.incident.ownership
    if len(spans) > 1:
        return [(s.since, s.region_id) for s in spans]
    start = spans[0].region_id if spans else facts.incident.region_id
    steps = [(facts.incident.created_at, start)]
    for e in facts.events:
        if e.type in OWNERSHIP_MOVES and e.data.get("to_region_id"):
            steps.append((e.occurred_at, str(e.data["to_region_id"])))
    return steps


def _owner_at(owners: list[tuple[datetime, str]], at: datetime) -> str:
    """The owner at ``at``; an entry at the instant of a move belongs to the taker."""
    current = owners[0][1]
    for since, region in owners[1:]:
        if since <= at:
            current = region
    return current


def _local(facts: Facts, region_id: str, at: datetime) -> str:
    region = facts.regions.get(region_id)
    if region is None:
        return f"{_utc(at)} (unknown region)"
    local = at.astimezone(ZoneInfo(region.time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({region.name})"


def _utc(at: datetime) -> str:
    return f"{at.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC"


def _summary(facts: Facts, owners: list[tuple[datetime, str]]) -> str:
    i = facts.incident
    owner = facts.regions.get(owners[0][1])
    lines = [
        "## Summary",
        "",
        f"- Severity: {i.severity.value}; category: {i.category.value}",
        f"- Owning region at declaration: {owner.name if owner else owners[0][1]}",
        f"- Declared by {i.declared_by}; commander: {i.commander or 'none named'}",
    ]
    if i.summary:
        lines += ["", i.summary]
    return "\n".join(lines)


def _impact(facts: Facts, owners: list[tuple[datetime, str]]) -> str:
    i = facts.incident
    start = min(i.created_at, i.alert_group.first_seen) if i.alert_group else i.created_at
    end = i.status_times.get(Status.RESOLVED)
    lines = ["## Impact window", ""]
    lines.append(f"- Start: {_utc(start)} / {_local(facts, _owner_at(owners, start), start)}")
    if end is None:
        lines.append("- End: not resolved")
    else:
        minutes = int((end - start).total_seconds() // 60)
        lines.append(f"- End: {_utc(end)} / {_local(facts, _owner_at(owners, end), end)}")
        lines.append(f"- Duration: {minutes // 60} h {minutes % 60:02d} min")
    return "\n".join(lines)


def _timeline(facts: Facts, owners: list[tuple[datetime, str]]) -> str:
    lines = [
        "## Timeline",
        "",
        "| UTC | Local (owning region) | Event | By | Details |",
        "|---|---|---|---|---|",
    ]
    for e in facts.events:
        local = _local(facts, _owner_at(owners, e.occurred_at), e.occurred_at)
        what = e.type
        if _is_handoff(e):
            if e.data.get("from_region_id") and e.data.get("to_region_id"):
                local = (
                    f"{_local(facts, str(e.data['from_region_id']), e.occurred_at)} → "
                    f"{_local(facts, str(e.data['to_region_id']), e.occurred_at)}"
                )
            what = f"Handoff {e.data['from_region']} → {e.data['to_region']} ({e.type})"
        row = [_utc(e.occurred_at), local, what, e.actor, details(e.data)]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines)


def _is_handoff(e: Event) -> bool:
    names = ("from_region", "to_region")
    return e.type.startswith(HANDOFF_PREFIX) and all(e.data.get(n) for n in names)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _handoffs(facts: Facts) -> str:
    moves = [e for e in facts.events if e.type.startswith(HANDOFF_PREFIX) or e.type == ESCALATED]
    lines = ["## Handoffs and escalations", ""]
    if not moves:
        return "\n".join([*lines, "None recorded."])
    for n, e in enumerate(moves, 1):
        if _is_handoff(e):
            what = f"{e.type}: {e.data['from_region']} → {e.data['to_region']}"
        else:
            what = f"{e.type}: {details(e.data)}"
        lines.append(f"{n}. {_utc(e.occurred_at)}: {what} (by {e.actor})")
    return "\n".join(lines)


def _responders(facts: Facts) -> str:
    """Everyone who acted: members under their home region, anyone else (API
    tokens, integrations) under Other."""
    handles = {r.handle for r in facts.incident.responders}
    handles |= {e.actor for e in facts.events if e.actor not in MACHINE_ACTORS}
    if facts.incident.commander:
        handles.add(facts.incident.commander)
    by_region: dict[str, list[str]] = {}
    for handle in sorted(handles):
        by_region.setdefault(facts.home_regions.get(handle, "Other"), []).append(handle)
    lines = ["## Responders by region", ""]
    if not by_region:
        return "\n".join([*lines, "None recorded."])
    lines += [f"- {region}: {', '.join(names)}" for region, names in sorted(by_region.items())]
    return "\n".join(lines)
