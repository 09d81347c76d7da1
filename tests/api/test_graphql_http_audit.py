"""The graphql-http audit suite, run by its own npm package against the live hub."""

from __future__ import annotations

from hub.core import Hub
from tests.api.node import run_node
from tests.conftest import ADMIN_TOKEN, serve


async def test_graphql_http_audits_pass_with_no_must_failures_or_should_warnings(
    hub: Hub, node_packages: None
) -> None:
    async with serve(hub) as live:
        results = await run_node("audit.mjs", f"{live.url}/graphql", ADMIN_TOKEN)

    assert len(results) > 40, "the audit suite ran"
    failing = [r for r in results if r["status"] != "ok"]
    assert failing == []
