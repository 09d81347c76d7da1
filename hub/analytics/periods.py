"""Reporting periods in the asking team's time zone.

A team in Sydney reads "Tuesday" as its own Tuesday: an incident declared at
07:00 there belongs to that local day even though it is Monday in UTC. So the
zone is chosen once per report (given outright, or the asking team's region),
naive bounds are read as local wall time, and days are local calendar dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.errors import BadInput
from hub.teams.models import check_time_zone
from hub.teams.service import TeamService

MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    zone: ZoneInfo

    @property
    def time_zone(self) -> str:
        return self.zone.key

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def days(self) -> list[date]:
        """Every local date the period touches, in order."""
        first = self.local_date(self.start)
        last = self.local_date(self.end - timedelta(microseconds=1))
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def zone_for(teams: TeamService, time_zone: str | None, team_id: str | None) -> ZoneInfo:
    """The zone named outright, else the team's region's, else UTC."""
    # An empty zone is a mistake to report, not a request for UTC.
    if time_zone is not None:
        try:
            return ZoneInfo(check_time_zone(time_zone))
        except ValueError as exc:
            raise BadInput(str(exc), argument="timeZone") from exc
    if team_id:
        team = await teams.teams.get(team_id)
        region = await teams.regions.get(team.region_id)
        return ZoneInfo(region.time_zone)
    return ZoneInfo("UTC")


def period(start: datetime, end: datetime, zone: ZoneInfo) -> Period:
    """``[start, end)`` in UTC; a naive bound is wall time in ``zone``."""
    lo, hi = _aware(start, zone, "from"), _aware(end, zone, "to")
    # Its local days must exist too: 00:00 UTC on 1 January of year 1 is
    # still year 0 in Denver.
    _in_calendar(lambda: lo.astimezone(zone), "from")
    _in_calendar(lambda: hi.astimezone(zone), "to")
    if hi <= lo:
        raise BadInput("`to` must be after `from`", argument="to")
    if hi - lo > timedelta(days=MAX_DAYS):
        raise BadInput(f"a report covers at most {MAX_DAYS} days", argument="to")
    return Period(lo, hi, zone)


def _aware(value: datetime, zone: ZoneInfo, argument: str) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return to_utc(value, argument)


def to_utc(value: datetime, argument: str) -> datetime:
    """``value`` in UTC (naive is UTC already); a date that falls off the
    calendar on the way (before year 1, after 9999) is the caller's bad input."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return _in_calendar(lambda: value.astimezone(UTC), argument)


def _in_calendar(convert: Callable[[], datetime], argument: str) -> datetime:
    try:
        return convert()
    except OverflowError as exc:
        raise BadInput(
            f"`{argument}` is too close to the ends of the calendar (years 1 to 9999)",
            argument=argument,
        ) from exc
