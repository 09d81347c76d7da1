"""The ``incident-hub`` command."""

from __future__ import annotations

import logging
from typing import Annotated

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
    from hub.demo import DEMO_KEYS, seed

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
    app_ = create_app(settings, seed=seed if settings.demo else None)
    if settings.demo:
        for source, key in DEMO_KEYS.items():
            log.info("event=demo.url kind=ingest source=%s url=%s/ingest/%s/%s",
                     source, base, source, key)
        log.info("event=demo.url kind=graphiql url=%s/graphql", base)
        log.info("event=demo.tokens admin=demo-admin-token responder=demo-responder-token "
                 "viewer=demo-viewer-token automation=demo-automation-token "
                 "london_responder=demo-london-responder-token")
    uvicorn.run(app_, host=settings.host, port=settings.port, log_level="warning", ws="auto")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
