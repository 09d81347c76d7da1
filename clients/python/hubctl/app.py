"""The typer application and its global options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clients.python.client import HubClient
from clients.python.hubctl.config import Config, resolve

app = typer.Typer(
    help="hubctl: the incident hub from a terminal. Exit codes: 0 ok, 1 usage or bad "
    "input, 2 not found, 3 auth, 4 conflict or invalid transition, 5 server or connection.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def options(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Option(help="Hub base URL (HUBCTL_URL)")] = None,
    token: Annotated[str | None, typer.Option(help="API token (HUBCTL_TOKEN)")] = None,
    actor: Annotated[
        str | None, typer.Option("--as", help="Act as this handle (HUBCTL_ACTOR)")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Config file (default ~/.config/hubctl/config.toml)")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    ctx.obj = resolve(url=url, token=token, actor=actor, config=config, json=json)


def settings(ctx: typer.Context) -> Config:
    config = ctx.find_root().obj
    assert isinstance(config, Config)
    return config


def client(config: Config) -> HubClient:
    return HubClient(config.url, config.token, actor=config.actor)
