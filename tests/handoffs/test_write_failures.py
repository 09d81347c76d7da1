"""A write that fails while proposing never costs an incident its handoff.

The database can fail any write: the handoff's own insert, or the clean-up
after it. Whatever fails, the shift end still hands its incidents over once
the database answers again, and a person retrying by hand is not locked out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from hub.handoffs.scheduled import SHIFT_END
from tests.conftest import GraphQLFailed
from tests.handoffs.ops import declare, handoffs, propose


def z(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 6, 2, hour, minute, second, tzinfo=UTC)


def failing_once(
    real: Callable[..., Awaitable[Any]], *, after_write: bool = False
) -> Callable[..., Awaitable[Any]]:
    """``real``, except that its first call raises ConnectionError.

    With ``after_write`` the first call does write, then raises: the reply
    was lost, not the write.
    """
    calls = []

    async def call(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            if after_write:
                await real(*args, **kwargs)
            raise ConnectionError("connection reset by peer")
        return await real(*args, **kwargs)

    return call


async def run_until_done(hub: Hub, clock: ManualClock, limit: int = 12) -> None:
    """Run due jobs, moving time on, until no shift end is left pending."""
    for _ in range(limit):
        await hub.scheduler.run_due()
        if not await hub.scheduler.pending({"kind": SHIFT_END, "payload.at": z(7).isoformat()}):
            return
        clock.advance(timedelta(seconds=15))
    raise AssertionError("the shift end never finished")


async def shift_end_jobs(hub: Hub) -> list[dict[str, Any]]:
    return await hub.db["jobs"].find({"kind": SHIFT_END, "payload.at": z(7).isoformat()})


async def test_a_failed_insert_at_a_shift_end_is_retried_into_a_handoff(
    api: httpx.AsyncClient,
    hub: Hub,
    demo: DemoData,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    store = hub.handoffs.handoffs
    monkeypatch.setattr(store, "insert", failing_once(store.insert))

    clock.set(z(7))
    await hub.scheduler.run_due()
    after_failure = await hub.db["handoff_claims"].find({})
    clock.advance(timedelta(seconds=15))
    await run_until_done(hub, clock)

    assert after_failure == []  # the failed proposal held nothing back
    [made] = await handoffs(api, "London", "PROPOSED")
    assert [i["id"] for i in made["incidents"]] == [incident_id]
    [job] = await shift_end_jobs(hub)
    assert job["state"] == "done"


async def test_a_manual_retry_after_a_failed_proposal_goes_through_at_once(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    store = hub.handoffs.handoffs
    monkeypatch.setattr(store, "insert", failing_once(store.insert))

    with pytest.raises(GraphQLFailed):
        await propose(api, [incident_id], demo.team_ids["sre-emea"])
    retried = await propose(api, [incident_id], demo.team_ids["sre-emea"])

    assert retried["status"] == "PROPOSED"


async def test_a_shift_end_outlasts_a_claim_whose_clean_up_failed_too(
    api: httpx.AsyncClient,
    hub: Hub,
    demo: DemoData,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    flows = hub.handoffs
    monkeypatch.setattr(flows.handoffs, "insert", failing_once(flows.handoffs.insert))
    monkeypatch.setattr(flows.claims, "release", failing_once(flows.claims.release))

    clock.set(z(7))
    with caplog.at_level(logging.INFO, logger="hub.handoffs.scheduled"):
        await hub.scheduler.run_due()
        left_behind = await hub.db["handoff_claims"].find({})
        clock.advance(timedelta(seconds=15))
        await run_until_done(hub, clock)

    assert len(left_behind) == 1  # the clean-up could not release it
    [made] = await handoffs(api, "London", "PROPOSED")
    assert [i["id"] for i in made["incidents"]] == [incident_id]
    assert any(
        "event=handoff.shift_end_skipped" in r.message and "in_flight" in r.message
        for r in caplog.records
    )
    [job] = await shift_end_jobs(hub)
    assert job["state"] == "done"


async def test_an_insert_that_landed_despite_the_error_keeps_its_handoff_whole(
    api: httpx.AsyncClient,
    hub: Hub,
    demo: DemoData,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    store = hub.handoffs.handoffs
    monkeypatch.setattr(store, "insert", failing_once(store.insert, after_write=True))

    clock.set(z(7))
    await run_until_done(hub, clock)

    [made] = await handoffs(api, "London", "PROPOSED")
    assert [i["id"] for i in made["incidents"]] == [incident_id]
    # Its claim and its deadline survived the error, so it still expires and
    # nothing else can take the incident meanwhile.
    claims = await hub.db["handoff_claims"].find({})
    assert [c["handoff_id"] for c in claims] == [made["id"]]
    with pytest.raises(GraphQLFailed) as failed:
        await propose(api, [incident_id], demo.team_ids["sre-amer"])
    assert failed.value.codes == ["CONFLICT"]
    clock.set(datetime.fromisoformat(made["expiresAt"]))
    await hub.scheduler.run_due()
    assert (await handoffs(api, "London"))[0]["status"] == "EXPIRED"
