"""``hubctl watch``: a live tail of a region's events that survives hub restarts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clients.python.hubctl.app import app, client, settings
from clients.python.hubctl.config import Config
from clients.python.hubctl.exits import run
from clients.python.hubctl.render import emit_json, event_line


@app.command()
def watch(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="Region name, such as London")],
    after: Annotated[str | None, typer.Option(help="Resume after this event cursor")] = None,
) -> None:
    """Print each event for a region as it happens (Ctrl-C stops).

    When the connection drops the tail reconnects and resumes after the last
    event it printed, so none is lost or repeated. With --json each line
    carries the cursor to pass as --after later.
    """
    run(_tail(settings(ctx), region, after))


async def _tail(config: Config, region: str, after: str | None) -> None:
    async with client(config) as hub:
        zone = next((r.time_zone for r in await hub.regions() if r.name == region), "UTC")
        events = hub.subscribe(region, after=after, on_retry=_reconnecting)
        async for event in events:
            if config.json:
                emit_json(event)
            else:
                sys.stdout.write(event_line(event, zone) + "\n")
                sys.stdout.flush()


def _reconnecting(wait: float, error: BaseException) -> None:
    print(
        f"hubctl: connection lost ({type(error).__name__}); retrying in {wait:.1f}s",
        file=sys.stderr,
        flush=True,
    )
