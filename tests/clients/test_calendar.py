"""The .ics feed: a region's shifts and handoffs on its own clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from hub.app import create_app
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings
from tests.conftest import ADMIN_TOKEN

LONDON = ZoneInfo("Europe/London")
# Thursday before the clocks go forward in London (Sunday 30 March 2025).
NOW = datetime(2025, 3, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    hub = Hub(settings, clock=ManualClock(NOW))
    await hub.start(run_scheduler=False)
    await seed(hub)
    transport = httpx.ASGITransport(app=create_app(settings, hub=hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client
    await hub.stop()


async def feed(http: httpx.AsyncClient, region: str, **params: object) -> Calendar:
    response = await http.get(f"/calendar/{region}.ics", params={"token": ADMIN_TOKEN, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar, category: str) -> list:
    return [e for e in cal.walk("VEVENT") if category in str(e.get("categories").to_ical())]


async def test_next_week_lists_daily_shifts_on_london_time(http: httpx.AsyncClient) -> None:
    cal = await feed(http, "London", days=7)

    shifts = events(cal, "on-duty")
    starts = [s.decoded("dtstart") for s in shifts]
    ends = [s.decoded("dtend") for s in shifts]

    assert [d.date().isoformat() for d in starts] == [
        (NOW.date() + timedelta(days=n)).isoformat() for n in range(7)
    ]
    assert all(d.tzinfo is not None and str(d.tzinfo) == "Europe/London" for d in starts)
    assert {d.timetz().replace(tzinfo=None) for d in starts} == {time(8)}
    assert {d.timetz().replace(tzinfo=None) for d in ends} == {time(17)}
    # Same wall clock, different instant once summer time starts.
    assert starts[0].astimezone(UTC).hour == 8 and starts[-1].astimezone(UTC).hour == 7
    assert str(shifts[0]["summary"]) == "On duty: London (sre-emea)"


async def test_the_feed_carries_its_time_zone(http: httpx.AsyncClient) -> None:
    cal = await feed(http, "London", days=7)

    zones = [str(tz.get("tzid")) for tz in cal.walk("VTIMEZONE")]
    raw = (await http.get("/calendar/London.ics", params={"token": ADMIN_TOKEN})).text

    assert zones == ["Europe/London"]
    assert "DTSTART;TZID=Europe/London:20250327T080000" in raw


async def test_handoffs_into_and_out_of_the_region(http: httpx.AsyncClient) -> None:
    cal = await feed(http, "London", days=7)

    handoffs = events(cal, "handoff")
    summaries = {str(h["summary"]) for h in handoffs}
    first_in = min(
        h.decoded("dtstart")
        for h in handoffs
        if str(h["summary"]) == "Handoff: Singapore -> London"
    )

    assert summaries == {"Handoff: Singapore -> London", "Handoff: London -> San Francisco"}
    assert len(handoffs) == 14
    assert first_in.astimezone(LONDON).time() == time(8)


async def test_uids_are_stable_between_fetches(http: httpx.AsyncClient) -> None:
    first = {str(e["uid"]) for e in (await feed(http, "London")).walk("VEVENT")}
    second = {str(e["uid"]) for e in (await feed(http, "London")).walk("VEVENT")}
    assert first == second and len(first) == 14 + 28


async def test_a_bearer_header_works_like_the_query_token(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/calendar/San Francisco.ics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert response.status_code == 200
    assert "TZID=America/Los_Angeles" in response.text


async def test_refusals(http: httpx.AsyncClient) -> None:
    anonymous = await http.get("/calendar/London.ics")
    unknown = await http.get("/calendar/Atlantis.ics", params={"token": ADMIN_TOKEN})
    too_long = await http.get("/calendar/London.ics", params={"token": "t", "days": 400})

    assert anonymous.status_code == 401 and anonymous.json()["error"] == "UNAUTHENTICATED"
    assert "?token=" in anonymous.json()["message"]
    assert unknown.status_code == 404 and "Atlantis" in unknown.json()["message"]
    assert too_long.status_code == 422
