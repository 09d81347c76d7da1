"""Handoff commands: propose, accept, reject, list."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from clients.python.hubctl.app import app, client, settings
from clients.python.hubctl.exits import run
from clients.python.hubctl.render import console, emit_json
from clients.python.models import Handoff, HandoffBrief, NextAction

handoff_app = typer.Typer(help="Hand incidents to another team.", no_args_is_help=True)
app.add_typer(handoff_app, name="handoff")


@handoff_app.command()
def propose(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(help="Incident references or ids")],
    to_team: Annotated[str, typer.Option(help="Receiving team slug or id")],
    current_status: Annotated[str, typer.Option("--status", help="Where things stand")],
    tried: Annotated[
        list[str] | None, typer.Option(help="Something that was tried; repeatable")
    ] = None,
    next_action: Annotated[
        list[str] | None, typer.Option("--next", help="A next action; repeatable")
    ] = None,
    risk: Annotated[list[str] | None, typer.Option(help="A risk; repeatable")] = None,
    link: Annotated[list[str] | None, typer.Option(help="Repeatable")] = None,
) -> None:
    """Propose handing incidents to another team, with a brief."""
    config = settings(ctx)
    brief = HandoffBrief(
        current_status=current_status,
        tried=list(tried or []),
        next_actions=[NextAction(text=t) for t in next_action or []],
        risks=list(risk or []),
        links=list(link or []),
    )

    async def go() -> Handoff:
        async with client(config) as hub:
            return await hub.propose_handoff(refs, to_team=to_team, brief=brief)

    _done(config.json, run(go()))


@handoff_app.command()
def accept(ctx: typer.Context, handoff_id: str) -> None:
    """Accept a handoff: its incidents become your team's."""
    config = settings(ctx)

    async def go() -> Handoff:
        async with client(config) as hub:
            return await hub.accept_handoff(handoff_id)

    _done(config.json, run(go()))


@handoff_app.command()
def reject(
    ctx: typer.Context,
    handoff_id: str,
    reason: Annotated[str, typer.Option(help="Why; the proposer sees it")],
) -> None:
    """Reject a handoff; ownership stays with the proposing team."""
    config = settings(ctx)

    async def go() -> Handoff:
        async with client(config) as hub:
            return await hub.reject_handoff(handoff_id, reason)

    _done(config.json, run(go()))


@handoff_app.command("list")
def list_handoffs(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option(help="PROPOSED, ACCEPTED, ...")] = None,
) -> None:
    config = settings(ctx)

    async def go() -> list[Handoff]:
        async with client(config) as hub:
            return await hub.handoffs(region, status.upper() if status else None)

    handoffs = run(go())
    if config.json:
        emit_json(list(handoffs))
        return
    table = Table(title=f"{len(handoffs)} handoffs")
    for column in ("Id", "Status", "From", "To", "Incidents", "Proposed by"):
        table.add_column(column)
    for h in handoffs:
        table.add_row(
            h.id,
            h.status,
            _team(h.from_team),
            _team(h.to_team),
            " ".join(i.ref for i in h.incidents),
            h.proposed_by,
        )
    console.print(table)


def _team(team: object) -> str:
    return str(getattr(team, "slug", "-"))


def _done(as_json: bool, handoff: Handoff) -> None:
    if as_json:
        emit_json(handoff)
        return
    refs = " ".join(i.ref for i in handoff.incidents)
    console.print(f"handoff {handoff.id} {handoff.status}: {refs} -> {_team(handoff.to_team)}")
