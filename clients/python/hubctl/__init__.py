"""``hubctl``: the hub's command line, built on the SDK."""

from __future__ import annotations

import sys

import typer

from clients.python.errors import HubClientError
from clients.python.hubctl import duty, handoffs, incidents, watch
from clients.python.hubctl.app import app
from clients.python.hubctl.exits import USAGE, exit_code, fail

__all__ = ["app", "duty", "handoffs", "incidents", "main", "watch"]


def main(argv: list[str] | None = None) -> None:
    """Entry point; usage errors exit 1 (not click's 2, which means "not found" here)."""
    try:
        code = app(args=argv, prog_name="hubctl", standalone_mode=False)
    except typer.Abort:
        fail("aborted", USAGE)
    except HubClientError as exc:
        fail(str(exc), exit_code(exc))
    except typer.TyperException as exc:
        fail(_one_line(exc), USAGE)
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(exc: typer.TyperException) -> str:
    format_message = getattr(exc, "format_message", None)
    text = format_message() if callable(format_message) else str(exc)
    return " ".join(str(text).split())
