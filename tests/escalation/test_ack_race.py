"""An acknowledgement stops every page not yet sent, even one racing the step."""

from __future__ import annotations

from typing import Any

from hub.clock import ManualClock
from hub.core import Hub
from hub.escalation.plan import StepPlan
from tests.escalation.test_manual_escalation import two_levels
from tests.escalation.test_webhooks import SECRET, receiver
from tests.escalation.world import DAY, declare, demo_hub, settle, steps, with_policy


def ack_while_deciding(hub: Hub, incident_id: str) -> None:
    """Acknowledge ``incident_id`` after the engine read it and before it writes the step."""
    notifier = hub.escalation.notifier
    unreachable = notifier.unreachable  # runs between the engine's read and its write

    async def late_ack(plan: StepPlan) -> Any:
        incident = await hub.incidents.get(incident_id)
        if incident.status == "TRIGGERED":
            await hub.flows.acknowledge(incident_id, actor="olivia")
        return await unreachable(plan)

    notifier.unreachable = late_ack  # type: ignore[method-assign]


async def test_a_page_racing_an_acknowledgement_is_never_sent() -> None:
    clock = ManualClock(DAY)
    hub, demo = await demo_hub(clock)
    await with_policy(hub, demo, two_levels(demo))
    async with receiver(fail_first=0) as rx:
        await hub.escalation.webhooks.set(
            team_id=demo.team_ids["sre-emea"], url=rx.url, secret=SECRET, actor="t"
        )
        incident_id = await declare(hub, demo)
        ack_while_deciding(hub, incident_id)
        await settle(hub)

        assert [e.data["level"] for e in await steps(hub, incident_id)] == [1]
        assert rx.requests == [], "paged after the acknowledgement"
        (note,) = await hub.escalation.notifier.for_incident(incident_id)
        assert note.state == "CANCELLED" and note.attempts == []
        assert note.error is not None and "ACKNOWLEDGED" in note.error
        types = [e.type for e in await hub.events.for_incident(incident_id)]
        assert "incident.notification_failed" not in types
        assert types.count("incident.escalation_stopped") == 1

        # A step asked for by hand on the acknowledged incident is still sent.
        await hub.escalation.flows.escalate(incident_id, to_level=1, actor="olivia")
        await settle(hub)
        assert len(rx.requests) == 1
    await hub.stop()
