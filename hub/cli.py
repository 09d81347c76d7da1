"""The ``incident-hub`` command."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import httpx
import typer

from hub.settings import Settings

app = typer.Typer(help="incident-hub: distributed incident management over GraphQL.")
log = logging.getLogger("hub")


@app.callback()
def _root() -> None:
    """Keeps typer from collapsing the command group into a single command."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (HUB_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (HUB_PORT)")] = None,
    demo: Annotated[bool, typer.Option(help="Seed demo regions, teams and keys")] = False,
) -> None:
    """Run the hub."""
    import uvicorn

    from hub.app import create_app
    from hub.demo import DEMO_KEYS, seed_showcase

    overrides: dict[str, object] = {"demo": demo}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    base = f"http://{settings.host}:{settings.port}"
    log.info(
        "event=hub.starting engine=%s database=%s url=%s/graphql demo=%s",
        settings.engine_label(), settings.database, base, settings.demo,
    )
    app_ = create_app(settings, seed=seed_showcase if settings.demo else None)
    if settings.demo:
        for source, key in DEMO_KEYS.items():
            log.info("event=demo.url kind=ingest source=%s url=%s/ingest/%s/%s",
                     source, base, source, key)
        log.info("event=demo.url kind=graphiql url=%s/graphql", base)
        log.info("event=demo.tokens admin=demo-admin-token responder=demo-responder-token "
                 "viewer=demo-viewer-token automation=demo-automation-token "
                 "london_responder=demo-london-responder-token")
    from hub.http.server import HubServer

    config = uvicorn.Config(
        app_, host=settings.host, port=settings.port, log_level="warning", ws="auto"
    )
    HubServer(config, app_.state.hub, freeze_startup_heap=True).run()


import_app = typer.Typer(help="Load outside records into a running hub through its API.")
app.add_typer(import_app, name="import")


@import_app.command("postmortems")
def import_postmortems(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="The list: .csv or markdown (.md)")],
    url: Annotated[str, typer.Option(help="The hub's base URL, e.g. http://127.0.0.1:8000, "
                                          "or its /graphql endpoint")],
    token: Annotated[str, typer.Option(help="API token, sent as a Bearer token",
                                       envvar="HUB_TOKEN")],
    batch_size: Annotated[int, typer.Option(min=1, max=200, help="Articles per request")] = 50,
) -> None:
    """Import a public post-mortem list as POSTMORTEM articles; importing twice is once."""
    import asyncio

    from rich.console import Console
    from rich.progress import Progress

    from hub.knowledge.importer import ImportFailed, ImportFileError, read_entries, send

    console = Console(stderr=True)
    try:
        entries = read_entries(file)
    except ImportFileError as exc:
        console.print(f"[red]cannot read {file}:[/red] {exc}")
        raise typer.Exit(2) from exc
    with Progress(console=console) as progress:
        task = progress.add_task(f"importing {file.name}", total=len(entries))
        try:
            totals = asyncio.run(send(
                entries, url=url, token=token, batch_size=batch_size,
                on_batch=lambda n: progress.advance(task, n),
            ))
        except (ImportFailed, httpx.HTTPError) as exc:
            console.print(f"[red]import stopped:[/red] {exc}")
            raise typer.Exit(1) from exc
    typer.echo(f"{len(entries)} entries: {totals.created} created, {totals.updated} updated, "
               f"{totals.unchanged} unchanged")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
