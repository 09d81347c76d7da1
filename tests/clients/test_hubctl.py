"""hubctl against a live hub: output, configuration and exit codes."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from clients.python import HubClient
from clients.python.hubctl import main
from clients.python.hubctl.config import resolve
from tests.clients.live import require_fields
from tests.conftest import ADMIN_TOKEN, LiveServer, free_port


@dataclass
class Result:
    code: int
    out: str
    err: str


def _invoke(args: list[str]) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


async def hubctl(live: LiveServer | str, *args: str) -> Result:
    """Run hubctl in a thread: its own event loop, the hub on this one."""
    url = live if isinstance(live, str) else live.url
    return await asyncio.to_thread(_invoke, ["--url", url, "--token", ADMIN_TOKEN, *args])


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    for key in ("HUBCTL_URL", "HUBCTL_TOKEN", "HUBCTL_ACTOR"):
        monkeypatch.delenv(key, raising=False)


async def test_declare_then_list_shows_local_and_utc_times(demo_live: LiveServer) -> None:
    declared = await hubctl(
        demo_live, "--json", "declare", "Checkout 5xx", "--team", "sre-emea", "--severity", "sev2"
    )
    ref = json.loads(declared.out)["ref"]

    listed = await hubctl(demo_live, "incidents", "list", "--region", "London")

    assert declared.code == 0 and listed.code == 0
    row = next(line for line in listed.out.splitlines() if ref in line)
    assert "SEV2" in row and "TRIGGERED" in row and "Checkout 5xx" in row
    assert any(zone in row for zone in ("BST", "GMT")) and "UTC" in row


async def test_show_prints_the_timeline(demo_live: LiveServer) -> None:
    ref = json.loads(
        (await hubctl(demo_live, "--json", "declare", "Disk full", "--team", "sre-apac")).out
    )["ref"]
    assert (await hubctl(demo_live, "ack", ref)).code == 0
    assert (await hubctl(demo_live, "note", ref, "cleared /var/log")).code == 0
    assert (await hubctl(demo_live, "status", ref, "resolved", "--note", "ok")).code == 0

    shown = await hubctl(demo_live, "incident", "show", ref)

    assert shown.code == 0
    for expected in (
        "RESOLVED",
        "incident.acknowledged",
        "incident.note_added",
        "Local (Asia/Singapore)",
        "+08",
    ):
        assert expected in shown.out


async def test_exit_codes_say_what_went_wrong(demo_live: LiveServer) -> None:
    ref = json.loads(
        (await hubctl(demo_live, "--json", "declare", "Flaky", "--team", "sre-emea")).out
    )["ref"]
    await hubctl(demo_live, "status", ref, "RESOLVED")
    await hubctl(demo_live, "status", ref, "CLOSED")

    closed = await hubctl(demo_live, "ack", ref)
    missing = await hubctl(demo_live, "incident", "show", "INC-4242")
    usage = await hubctl(demo_live, "status", ref)
    bad_team = await hubctl(demo_live, "declare", "x", "--team", "nobody")
    down = await hubctl(f"http://127.0.0.1:{free_port()}", "ack", ref)

    assert (closed.code, missing.code, usage.code, bad_team.code, down.code) == (4, 2, 1, 2, 5)
    for result in (closed, missing, usage, bad_team, down):
        assert result.err.startswith("hubctl: error: ")
        assert result.err.count("\n") == 1, result.err
    assert "INVALID_TRANSITION" in closed.err and "cannot reach" in down.err


def test_flags_beat_environment_beat_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('url = "http://file:1"\ntoken = "file-token"\nactor = "mei"\n')
    monkeypatch.setenv("HUBCTL_TOKEN", "env-token")

    config = resolve(url="http://flag:2", token=None, actor=None, config=path)

    assert (config.url, config.token, config.actor) == ("http://flag:2", "env-token", "mei")


def test_the_default_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hubctl").mkdir()
    (tmp_path / "hubctl" / "config.toml").write_text('url = "http://from-file:9"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))

    assert resolve(url=None, token=None, actor=None, config=None).url == "http://from-file:9"


async def test_a_broken_config_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('colour = "blue"\n')

    result = await asyncio.to_thread(_invoke, ["--config", str(path), "incidents", "list"])

    assert result.code == 1 and "unknown keys ['colour']" in result.err


async def test_onduty_names_the_region_and_the_next(demo_live: LiveServer) -> None:
    async with HubClient(demo_live.url, ADMIN_TOKEN) as client:
        await require_fields(client, "query", "onDuty")

    shown = await hubctl(demo_live, "onduty", "--at", "2025-06-02T09:00:00+01:00")

    assert shown.code == 0, shown.err
    assert "On duty: London" in shown.out and "next   San Francisco" in shown.out


async def test_tokens_create_prints_the_secret_once(demo_live: LiveServer) -> None:
    async with HubClient(demo_live.url, ADMIN_TOKEN) as client:
        await require_fields(client, "mutation", "createApiToken")

    created = await hubctl(
        demo_live, "--json", "tokens", "create", "ci-bot", "--role", "automation"
    )

    assert created.code == 0, created.err
    body = json.loads(created.out)
    assert body["apiToken"]["role"] == "AUTOMATION" and body["token"]


async def test_text_from_the_hub_prints_as_written_never_as_markup(
    demo_live: LiveServer,
) -> None:
    # "[/bold]" would be an unmatched rich closing tag, ":fire:" an emoji code.
    title = "oops [/bold] [red]x[/red] :fire:"
    declared = await hubctl(demo_live, "declare", title, "--team", "sre-emea")
    ref = declared.out.split()[0]

    listed = await hubctl(demo_live, "incidents", "list", "--region", "London")
    shown = await hubctl(demo_live, "incident", "show", ref)

    assert declared.code == 0, declared.err
    assert declared.out.strip().endswith(title)
    assert listed.code == 0 and title in listed.out, listed.err
    assert shown.code == 0 and title in shown.out, shown.err


async def test_a_piped_80_column_list_keeps_every_ref_and_title(
    demo_live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    refs = []
    for title in ("Checkout 5xx", "Payments latency above SLO in eu-west"):
        declared = await hubctl(demo_live, "--json", "declare", title, "--team", "sre-emea")
        refs.append(json.loads(declared.out)["ref"])

    listed = await hubctl(demo_live, "incidents", "list", "--region", "London")

    assert listed.code == 0
    assert max(len(line) for line in listed.out.splitlines()) <= 80
    for ref in refs:
        assert f" {ref} " in listed.out  # whole, not cut to "INC…"
    # A wrapped title shares its lines with the other columns: look for words.
    words = set(listed.out.replace("│", " ").split())
    assert {"SEV3", "TRIGGERED", "Checkout", "5xx", "Payments", "latency", "SLO"} <= words
