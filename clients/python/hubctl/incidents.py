"""Incident commands: list, show, declare, ack, status, note."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from clients.python.hubctl.app import app, client, settings
from clients.python.hubctl.exits import run
from clients.python.hubctl.render import (
    console,
    emit_json,
    incident_detail,
    incidents_table,
    timeline_table,
)
from clients.python.models import Incident

OPEN = ["TRIGGERED", "ACKNOWLEDGED", "INVESTIGATING", "MITIGATED"]
TzOption = Annotated[
    str | None, typer.Option("--tz", help="Show times in this zone, not the region's")
]

incidents_app = typer.Typer(help="Incidents, newest first.", no_args_is_help=True)
incident_app = typer.Typer(help="One incident.", no_args_is_help=True)
app.add_typer(incidents_app, name="incidents")
app.add_typer(incident_app, name="incident")


@incidents_app.command("list")
def list_incidents(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option(help="Region name")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Repeatable; default: open")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every status")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many")] = 50,
    tz: TzOption = None,
) -> None:
    config = settings(ctx)

    async def go() -> list[Incident]:
        async with client(config) as hub:
            flt: dict[str, Any] = {}
            if not all_:
                flt["statuses"] = [s.upper() for s in status] if status else OPEN
            if region:
                found = [r.id for r in await hub.regions() if r.name == region]
                flt["regionIds"] = found or ["-"]
            out = []
            async for incident in hub.incidents(flt, page_size=min(limit, 100)):
                out.append(incident)
                if len(out) >= limit:
                    break
            return out

    incidents = run(go())
    if config.json:
        emit_json(list(incidents))
    else:
        console.print(incidents_table(incidents, tz))


@incident_app.command("show")
def show(ctx: typer.Context, ref: str, tz: TzOption = None) -> None:
    """An incident's state and timeline, in local and UTC time."""
    config = settings(ctx)

    async def go() -> Incident:
        async with client(config) as hub:
            return await hub.incident(ref)

    incident = run(go())
    if config.json:
        emit_json(incident)
        return
    console.print(incident_detail(incident, tz))
    console.print(timeline_table(incident, tz))


@app.command()
def declare(
    ctx: typer.Context,
    title: str,
    team: Annotated[str, typer.Option(help="Team slug or id")],
    severity: Annotated[str, typer.Option(help="SEV1..SEV5")] = "SEV3",
    summary: Annotated[str, typer.Option()] = "",
    commander: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Declare an incident; prints its reference."""
    config = settings(ctx)
    fields: dict[str, Any] = {"severity": severity.upper(), "summary": summary}
    if commander:
        fields["commander"] = commander

    async def go() -> Incident:
        async with client(config) as hub:
            return await hub.declare(title, team=team, **fields)

    _done(config.json, run(go()), "declared")


@app.command()
def ack(ctx: typer.Context, ref: str) -> None:
    """Acknowledge an incident."""
    config = settings(ctx)

    async def go() -> Incident:
        async with client(config) as hub:
            return await hub.acknowledge(ref)

    _done(config.json, run(go()), "acknowledged")


@app.command()
def status(
    ctx: typer.Context,
    ref: str,
    new_status: Annotated[str, typer.Argument(metavar="STATUS")],
    note: Annotated[str | None, typer.Option(help="Why")] = None,
) -> None:
    """Move an incident to STATUS (INVESTIGATING, MITIGATED, RESOLVED, CLOSED)."""
    config = settings(ctx)

    async def go() -> Incident:
        async with client(config) as hub:
            return await hub.change_status(ref, new_status, note=note)

    _done(config.json, run(go()), "now")


@app.command()
def note(ctx: typer.Context, ref: str, text: str) -> None:
    """Add a note to an incident's timeline."""
    config = settings(ctx)

    async def go() -> Incident:
        async with client(config) as hub:
            return await hub.note(ref, text)

    _done(config.json, run(go()), "noted")


def _done(as_json: bool, incident: Incident, verb: str) -> None:
    if as_json:
        emit_json(incident)
    else:
        console.print(f"{incident.ref} {verb} {incident.status}: {incident.title}")
