"""Who is on duty, and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from clients.python.hubctl.app import app, client, settings
from clients.python.hubctl.exits import USAGE, fail, run
from clients.python.hubctl.render import console, emit_json, local_and_utc
from clients.python.models import CreatedToken, OnDuty

tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


@app.command()
def onduty(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(help="ISO time with offset; default now")] = None,
) -> None:
    """The region and team on duty now (or at --at), and who is next."""
    config = settings(ctx)
    when = _instant(at) if at else None

    async def go() -> OnDuty:
        async with client(config) as hub:
            return await hub.on_duty(when)

    duty = run(go())
    if config.json:
        emit_json(duty)
        return
    zone = duty.region.time_zone
    team = f" ({duty.team.slug})" if duty.team else ""
    window = "in window" if duty.in_window else "out of hours, keeps ownership"
    console.print(f"On duty: {duty.region.name}{team}, {window}")
    console.print("  since  " + " / ".join(local_and_utc(duty.since, zone)))
    if duty.next_region is not None:
        until = " / ".join(local_and_utc(duty.until, duty.next_region.time_zone))
        console.print(f"  next   {duty.next_region.name} at {until}")
    if duty.overlapping:
        console.print("  overlapping " + ", ".join(r.name for r in duty.overlapping))


@tokens_app.command("create")
def create_token(
    ctx: typer.Context,
    name: str,
    role: Annotated[str, typer.Option(help="VIEWER, RESPONDER, AUTOMATION or ADMIN")],
    region: Annotated[list[str] | None, typer.Option(help="Region id; repeatable")] = None,
    team: Annotated[list[str] | None, typer.Option(help="Team id; repeatable")] = None,
    expires: Annotated[str | None, typer.Option(help="ISO time with offset")] = None,
) -> None:
    """Create an API token; the secret is printed once."""
    config = settings(ctx)
    expires_at = _instant(expires) if expires else None

    async def go() -> CreatedToken:
        async with client(config) as hub:
            return await hub.create_token(
                name, role, region_ids=region, team_ids=team, expires_at=expires_at
            )

    created = run(go())
    if config.json:
        emit_json(created)
        return
    token = created.api_token
    console.print(f"token {token.id} {token.name} ({token.role}); secret, shown once:")
    console.print(created.token, markup=False)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not an ISO 8601 time", USAGE)
    if value.tzinfo is None:
        fail(f"{text!r} has no UTC offset; add one, such as +00:00", USAGE)
    return value
