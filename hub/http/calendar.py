"""A region's shifts as an iCalendar feed: on-duty windows and planned handoffs.

``GET /calendar/{region}.ics`` lists the coming ``days`` (default 14) from the
start of today on the region's clock. Times are written in the region's zone
with a VTIMEZONE block, so a calendar shows 08:00-17:00 in London as such,
across daylight-saving changes. Event UIDs are derived from the shift or
handoff instant, so a subscribed calendar updates entries rather than adding
copies.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from icalendar import Calendar, Event

from hub.core import Hub
from hub.errors import Forbidden, Unauthenticated
from hub.handoffs.rotation import Handoff, handoff_schedule
from hub.teams.hours import Span, region_spans
from hub.teams.models import Region

log = logging.getLogger(__name__)

router = APIRouter()

MEDIA_TYPE = "text/calendar; charset=utf-8"


@router.get("/calendar/{region}.ics", response_class=Response)
async def region_calendar(
    request: Request,
    region: str,
    token: Annotated[str | None, Query(description="API token, for calendar apps")] = None,
    days: Annotated[int, Query(ge=1, le=62)] = 14,
) -> Response:
    hub: Hub = request.app.state.hub
    secret = token or _bearer(request)
    if secret is None:
        # Calendar apps cannot send headers: name the way they can.
        raise Unauthenticated("add ?token=<API token> to the calendar URL")
    principal = await hub.tokens.authenticate(secret)
    found = await hub.teams.resolve_region(region)
    if principal.region_ids and found.id not in principal.region_ids:
        raise Forbidden(f"{found.name} is outside this token's scope", region=found.name)
    regions = await hub.teams.list_regions()
    teams = await hub.teams.list_teams(region_id=found.id)
    start = _local_midnight(hub.clock.now(), found.time_zone)
    end = start + timedelta(days=days)
    calendar = build_calendar(
        found, regions, [t.slug for t in teams], start, end, stamp=hub.clock.now()
    )
    log.info("event=calendar.served region=%s days=%d", found.name, days)
    filename = f"{found.name.lower().replace(' ', '-')}.ics"
    return Response(
        calendar.to_ical(),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def build_calendar(
    region: Region,
    regions: list[Region],
    team_slugs: list[str],
    start: datetime,
    end: datetime,
    *,
    stamp: datetime,
) -> Calendar:
    zone = ZoneInfo(region.time_zone)
    cal = Calendar()
    cal.add("prodid", "-//incident-hub//on-duty calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"On duty: {region.name}")
    cal.add("x-wr-timezone", region.time_zone)
    teams = ", ".join(team_slugs) or "no team"
    for span in region_spans(region, start, end):
        cal.add_component(_shift(region, teams, span, zone, stamp))
    for handoff in handoff_schedule(regions, start, end).handoffs:
        if region.id in (handoff.from_region.id, handoff.to_region.id):
            cal.add_component(_handoff(region, handoff, zone, stamp))
    cal.add_missing_timezones()
    return cal


def _shift(region: Region, teams: str, span: Span, zone: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"shift-{region.id}-{int(span.start.timestamp())}@incident-hub")
    event.add("dtstamp", stamp)
    event.add("summary", f"On duty: {region.name} ({teams})")
    event.add("dtstart", span.start.astimezone(zone))
    event.add("dtend", span.end.astimezone(zone))
    event.add("categories", ["on-duty"])
    event.add("transp", "OPAQUE")
    return event


def _handoff(region: Region, handoff: Handoff, zone: ZoneInfo, stamp: datetime) -> Event:
    giver, taker = handoff.from_region, handoff.to_region
    at = handoff.at.astimezone(zone)
    event = Event()
    event.add("uid", f"handoff-{region.id}-{giver.id}-{int(handoff.at.timestamp())}@incident-hub")
    event.add("dtstamp", stamp)
    event.add("summary", f"Handoff: {giver.name} -> {taker.name}")
    event.add(
        "description",
        f"{giver.name} hands new incidents to {taker.name} at "
        f"{handoff.from_local:%H:%M %Z} ({giver.name}), "
        f"{handoff.to_local:%H:%M %Z} ({taker.name}).",
    )
    event.add("dtstart", at)
    event.add("dtend", at)
    event.add("categories", ["handoff"])
    event.add("transp", "TRANSPARENT")
    return event


def _local_midnight(now: datetime, zone_name: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone_name))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
