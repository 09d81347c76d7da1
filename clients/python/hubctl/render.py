"""Printing results: rich tables for people, JSON lines for scripts."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from clients.python.models import Event, Incident

# Titles, notes and names come from other people and from alert senders:
# rich must print them as written, not read "[/bold]" or ":fire:" in them as
# markup (an unmatched closing tag would even raise).
console = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)


def local_and_utc(at: datetime | None, zone: str) -> tuple[str, str]:
    """``at`` on a zone's wall clock (with its abbreviation) and in UTC."""
    if at is None:
        return "-", "-"
    local = at.astimezone(ZoneInfo(zone))
    return (local.strftime("%Y-%m-%d %H:%M %Z"), at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def emit_json(value: BaseModel | list[BaseModel] | dict[str, Any]) -> None:
    if isinstance(value, list):
        data: Any = [v.model_dump(mode="json", by_alias=True) for v in value]
    elif isinstance(value, BaseModel):
        data = value.model_dump(mode="json", by_alias=True)
    else:
        data = value
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def zone_of(incident: Incident, override: str | None) -> str:
    if override:
        return override
    return incident.region.time_zone if incident.region else "UTC"


def incidents_table(incidents: list[Incident], tz: str | None) -> Table:
    table = Table(title=f"{len(incidents)} incidents")
    rows = []
    for i in incidents:
        local, utc = local_and_utc(i.created_at, zone_of(i, tz))
        team = i.team.slug if i.team else "-"
        rows.append((i.ref, i.severity, i.status, i.title, team, local, utc))
    headers = ("Ref", "Sev", "Status", "Title", "Team", "Declared (local)", "Declared (UTC)")
    for n, header in enumerate(headers):
        if header == "Title":
            # On a narrow or piped terminal (80 columns) the title wraps
            # rather than being squeezed out of the table.
            table.add_column(
                header, min_width=min(10, _widest(header, rows, n)), ratio=1, overflow="fold"
            )
        elif header.startswith("Declared"):
            table.add_column(header)  # wraps between date, time and zone
        else:
            # A reference cut to "INC…" names no incident: never cut these.
            table.add_column(header, no_wrap=True, min_width=_widest(header, rows, n))
    for row in rows:
        table.add_row(*row)
    return table


def _widest(header: str, rows: list[tuple[str, ...]], n: int) -> int:
    return max([len(header), *(len(row[n]) for row in rows)])


def incident_detail(incident: Incident, tz: str | None) -> Table:
    zone = zone_of(incident, tz)
    owner = incident.owner
    owner_text = "-"
    if owner is not None and owner.team is not None:
        region = owner.region.name if owner.region else "?"
        owner_text = f"{owner.team.slug} ({region}) since {local_and_utc(owner.since, zone)[0]}"
    table = Table(title=f"{incident.ref}: {incident.title}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for field, value in (
        ("status", incident.status),
        ("severity", incident.severity),
        ("category", incident.category),
        ("owner", owner_text),
        ("commander", incident.commander or "-"),
        ("summary", incident.summary or "-"),
    ):
        table.add_row(field, value)
    return table


def timeline_table(incident: Incident, tz: str | None) -> Table:
    zone = zone_of(incident, tz)
    table = Table(title="Timeline")
    for column in ("#", f"Local ({zone})", "UTC", "Event", "Actor", "Details"):
        table.add_column(column)
    for event in incident.timeline:
        local, utc = local_and_utc(event.occurred_at, zone)
        details = ", ".join(f"{k}={v}" for k, v in (event.data or {}).items())
        table.add_row(str(event.sequence), local, utc, event.type, event.actor, details)
    return table


def event_line(event: Event, zone: str) -> str:
    """One watch line: when (local and UTC), sequence, type, incident, actor."""
    local = event.occurred_at.astimezone(ZoneInfo(zone)).strftime("%H:%M:%S %Z")
    utc = event.occurred_at.astimezone(UTC).strftime("%H:%M:%S")
    incident = event.incident
    what = f"{incident.ref} [{incident.status}] {incident.title}" if incident else "-"
    return f"{local} ({utc} UTC) #{event.sequence} {event.type} {what} by {event.actor}"
